// The last line of defence against a credential leaking into an answer.
//
// The gateway never puts its API key into a message on purpose, but error
// messages and details quote upstream text (a problem's title and detail),
// and an upstream that echoes what it was sent (a misconfigured
// --api_base_url, a proxy) could hand the key back. Every status goes
// through Scrub() at the gRPC edge: one that holds a secret, raw or as the
// Basic-auth encoding the gateway sends, or a bearer access or refresh token
// the gateway obtained, is replaced by one with the same code, a generic
// message and no upstream text; the original message, with the secret
// blanked out, goes to the log.

#ifndef GATEWAY_SECURITY_SECRET_SCRUBBER_H_
#define GATEWAY_SECURITY_SECRET_SCRUBBER_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gateway::security {

class SecretScrubber {
 public:
  // Secrets shorter than this are not looked for: they would match
  // ordinary text. Real api.video keys are far longer.
  static constexpr std::size_t kMinSecretLength = 8;

  // Short-lived secrets kept at most: bearer tokens are renewed about hourly,
  // two at a time, so this is hours of them. Older ones are dropped first.
  static constexpr std::size_t kMaxExpiringSecrets = 16;

  explicit SecretScrubber(std::function<absl::Time()> now = [] {
    return absl::Now();
  });

  // Adds a secret to look for for good (an API key, including a rotated-out
  // one). Thread-safe.
  void AddSecret(absl::string_view secret);

  // Adds a short-lived secret (a bearer access or refresh token), looked for
  // until `forget_after` (when it is worth nothing) and while it is among the
  // kMaxExpiringSecrets most recent. Thread-safe.
  void AddExpiringSecret(absl::string_view secret, absl::Time forget_after);

  // `status` as is, or, if its message or any payload holds a secret, a
  // status with the same code, a generic message and an ErrorInfo with
  // reason "CREDENTIAL_WITHHELD". Thread-safe.
  absl::Status Scrub(absl::Status status) const;

  // Whether `text` holds a secret: whole, or its beginning (4 bytes or
  // more) right before a cut marker (common/cut_marker.h), where quoted text
  // was cut short inside it.
  bool Contains(absl::string_view text) const;

  // `text` with every secret, whole or cut short, replaced by "[REDACTED]".
  std::string Redact(absl::string_view text) const;

 private:
  struct ExpiringSecret {
    std::string text;
    absl::Time forget_after;
  };

  // Calls `visit` with each secret still looked for.
  template <typename Visit>
  void ForEachSecret(Visit visit) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::function<absl::Time()> now_;
  mutable absl::Mutex mu_;
  std::vector<std::string> needles_ ABSL_GUARDED_BY(mu_);
  std::deque<ExpiringSecret> expiring_ ABSL_GUARDED_BY(mu_);  // oldest first
};

}  // namespace gateway::security

#endif  // GATEWAY_SECURITY_SECRET_SCRUBBER_H_
