#include "gateway/security/secret_scrubber.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gateway/common/cut_marker.h"
#include "gateway/common/log.h"
#include "gateway/common/status_details.h"

namespace gateway::security {
namespace {

// A secret's first bytes right before a cut marker count as the secret when
// there are at least this many: fewer would match ordinary text too often,
// and give away too little to matter.
constexpr std::size_t kMinCutPrefix = 4;

constexpr absl::string_view kRedacted = "[REDACTED]";

// Where the beginning of `secret` (kMinCutPrefix bytes of it or more) that
// ends at `end` of `text` starts; npos if none does.
std::size_t CutSecretStart(absl::string_view text, std::size_t end,
                           absl::string_view secret) {
  if (end < kMinCutPrefix) return absl::string_view::npos;
  for (std::size_t start = end - std::min(end, secret.size());
       start + kMinCutPrefix <= end; ++start) {
    if (absl::StartsWith(secret, text.substr(start, end - start))) {
      return start;
    }
  }
  return absl::string_view::npos;
}

// Whether `text` holds `secret`, whole or cut short by a cut marker.
bool Holds(absl::string_view text, absl::string_view secret) {
  if (absl::StrContains(text, secret)) return true;
  for (std::size_t at = text.find(kCutMarker); at != absl::string_view::npos;
       at = text.find(kCutMarker, at + kCutMarker.size())) {
    if (CutSecretStart(text, at, secret) != absl::string_view::npos) {
      return true;
    }
  }
  return false;
}

// Replaces `secret` in `text`, whole or cut short, by kRedacted.
void RedactIn(std::string& text, absl::string_view secret) {
  absl::StrReplaceAll({{secret, kRedacted}}, &text);
  for (std::size_t at = absl::string_view(text).find(kCutMarker);
       at != absl::string_view::npos;
       at = absl::string_view(text).find(kCutMarker, at + kCutMarker.size())) {
    const std::size_t start = CutSecretStart(text, at, secret);
    if (start == absl::string_view::npos) continue;
    text.replace(start, at - start, kRedacted.data(), kRedacted.size());
    at = start + kRedacted.size();
  }
}

}  // namespace

SecretScrubber::SecretScrubber(std::function<absl::Time()> now)
    : now_(std::move(now)) {}

void SecretScrubber::AddSecret(absl::string_view secret) {
  if (secret.size() < kMinSecretLength) return;
  // As sent upstream in "Authorization: Basic ...".
  std::string basic = absl::Base64Escape(absl::StrCat(secret, ":"));
  absl::MutexLock lock(&mu_);
  for (std::string needle : {std::string(secret), std::move(basic)}) {
    if (std::find(needles_.begin(), needles_.end(), needle) == needles_.end()) {
      needles_.push_back(std::move(needle));
    }
  }
}

void SecretScrubber::AddExpiringSecret(absl::string_view secret,
                                       absl::Time forget_after) {
  if (secret.size() < kMinSecretLength) return;
  const absl::Time now = now_();
  absl::MutexLock lock(&mu_);
  expiring_.erase(std::remove_if(expiring_.begin(), expiring_.end(),
                                 [&](const ExpiringSecret& known) {
                                   return known.forget_after <= now ||
                                          known.text == secret;
                                 }),
                  expiring_.end());
  expiring_.push_back({std::string(secret), forget_after});
  while (expiring_.size() > kMaxExpiringSecrets) expiring_.pop_front();
}

template <typename Visit>
void SecretScrubber::ForEachSecret(Visit visit) const {
  for (const std::string& needle : needles_) visit(needle);
  if (expiring_.empty()) return;
  const absl::Time now = now_();
  for (const ExpiringSecret& secret : expiring_) {
    if (secret.forget_after > now) visit(secret.text);
  }
}

bool SecretScrubber::Contains(absl::string_view text) const {
  bool found = false;
  absl::MutexLock lock(&mu_);
  ForEachSecret(
      [&](const std::string& secret) { found = found || Holds(text, secret); });
  return found;
}

std::string SecretScrubber::Redact(absl::string_view text) const {
  std::string redacted(text);
  absl::MutexLock lock(&mu_);
  ForEachSecret([&](const std::string& secret) { RedactIn(redacted, secret); });
  return redacted;
}

absl::Status SecretScrubber::Scrub(absl::Status status) const {
  if (status.ok()) return status;
  bool leaks = Contains(status.message());
  status.ForEachPayload(
      [this, &leaks](absl::string_view, const absl::Cord& payload) {
        if (!leaks && Contains(std::string(payload))) leaks = true;
      });
  if (!leaks) return status;
  LogWarning(absl::StrCat("withheld from the caller, as it held a credential: ",
                          Redact(status.message())));
  return MakeError(
      status.code(),
      absl::StrCat(absl::StatusCodeToString(status.code()),
                   ": the error's text was withheld because it contained the "
                   "gateway's credentials; the gateway's log says more"),
      "CREDENTIAL_WITHHELD");
}

}  // namespace gateway::security
