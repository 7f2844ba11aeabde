// The last line of defence against a credential leaking into an answer.
//
// The gateway never puts its API key into a message on purpose, but error
// messages and details quote upstream text (a problem's title and detail),
// and an upstream that echoes what it was sent (a misconfigured
// --api_base_url, a proxy) could hand the key back. Every status goes
// through Scrub() at the gRPC edge: one that holds a secret, raw or as the
// Basic-auth encoding the gateway sends, is replaced by one with the same
// code, a generic message and no upstream text; the original message, with
// the secret blanked out, goes to the log.

#ifndef GATEWAY_SECURITY_SECRET_SCRUBBER_H_
#define GATEWAY_SECURITY_SECRET_SCRUBBER_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace gateway::security {

class SecretScrubber {
 public:
  // Secrets shorter than this are not looked for: they would match
  // ordinary text. Real api.video keys are far longer.
  static constexpr std::size_t kMinSecretLength = 8;

  // Adds a secret to look for (an API key, including a rotated-out one).
  // Thread-safe.
  void AddSecret(absl::string_view secret);

  // `status` as is, or, if its message or any payload holds a secret, a
  // status with the same code, a generic message and an ErrorInfo with
  // reason "CREDENTIAL_WITHHELD". Thread-safe.
  absl::Status Scrub(absl::Status status) const;

  // Whether `text` holds a secret.
  bool Contains(absl::string_view text) const;

  // `text` with every secret replaced by "[REDACTED]".
  std::string Redact(absl::string_view text) const;

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> needles_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::security

#endif  // GATEWAY_SECURITY_SECRET_SCRUBBER_H_
