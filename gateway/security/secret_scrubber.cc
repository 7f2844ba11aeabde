#include "gateway/security/secret_scrubber.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gateway/common/log.h"
#include "gateway/common/status_details.h"

namespace gateway::security {

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

bool SecretScrubber::Contains(absl::string_view text) const {
  absl::MutexLock lock(&mu_);
  for (const std::string& needle : needles_) {
    if (absl::StrContains(text, needle)) return true;
  }
  return false;
}

std::string SecretScrubber::Redact(absl::string_view text) const {
  std::string redacted(text);
  absl::MutexLock lock(&mu_);
  for (const std::string& needle : needles_) {
    absl::StrReplaceAll({{needle, "[REDACTED]"}}, &redacted);
  }
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
