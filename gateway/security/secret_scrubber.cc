#include "gateway/security/secret_scrubber.h"

#include <algorithm>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gateway/common/log.h"
#include "gateway/common/status_details.h"

namespace gateway::security {

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
  ForEachSecret([&](const std::string& secret) {
    found = found || absl::StrContains(text, secret);
  });
  return found;
}

std::string SecretScrubber::Redact(absl::string_view text) const {
  std::string redacted(text);
  absl::MutexLock lock(&mu_);
  ForEachSecret([&](const std::string& secret) {
    absl::StrReplaceAll({{secret, "[REDACTED]"}}, &redacted);
  });
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
