// When a failed upstream attempt may be tried again, and after how long.
//
// Pure functions of plain values, so they are tested without sockets. The
// rules, after gRPC's retry design (A6) and google/rpc/code.proto:
//   - Idempotent requests (GET, DELETE) are retried on connection failures
//     and on 502, 503 and 504.
//   - A non-idempotent request (POST /upload-tokens) is retried only when no
//     byte of it can have reached the upstream: a retry must never create a
//     second token.
//   - A 429 is a refusal before any work, so it may be resent whatever the
//     method; whether to wait for it is the rate-limit gate's business.
//   - Timeouts are not retried: the time is gone.

#ifndef GATEWAY_POLICY_RETRY_POLICY_H_
#define GATEWAY_POLICY_RETRY_POLICY_H_

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

namespace gateway::policy {

enum class Idempotency { kIdempotent, kNonIdempotent };

// How one attempt ended.
struct AttemptOutcome {
  // The HTTP status of the answer; 0 when no answer arrived.
  int http_status = 0;
  // Why no answer arrived (kUnavailable, kDeadlineExceeded, ...); kOk when
  // one did.
  absl::StatusCode transport_error = absl::StatusCode::kOk;
  // False only when the transport knows no request byte left this host.
  bool request_may_have_been_sent = true;
};

struct RetryOptions {
  // Attempts in all, the first included.
  int max_attempts = 3;
  // The backoff before retry n is uniform in [0, min(max_backoff,
  // initial_backoff * multiplier^(n-1))]: "full jitter".
  absl::Duration initial_backoff = absl::Milliseconds(25);
  absl::Duration max_backoff = absl::Seconds(1);
  double multiplier = 2.0;
};

// Whether `outcome` may be retried at all, leaving time and budget aside.
bool IsRetryable(Idempotency idempotency, const AttemptOutcome& outcome);

// Whether `outcome` leaves it open whether the request took effect: an
// answer from a proxy (502, 504) or a failure after the request was sent.
// A DELETE retried after such a failure that then finds the token gone has
// succeeded.
bool MayHaveTakenEffect(const AttemptOutcome& outcome);

// Whether `outcome` says the upstream itself is failing (no connection,
// 5xx): what a circuit breaker counts.
bool IsUpstreamFailure(const AttemptOutcome& outcome);

// The wait before retry number `retry` (1 for the first retry).
absl::Duration BackoffDelay(const RetryOptions& options, int retry,
                            absl::BitGenRef random);

}  // namespace gateway::policy

#endif  // GATEWAY_POLICY_RETRY_POLICY_H_
