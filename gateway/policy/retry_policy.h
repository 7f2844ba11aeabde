// Every rule about sending an upstream request again, in one place.
//
// After gRPC's retry design (A6), google/rpc/code.proto and api.video's
// documented behaviour:
//   - Reads and deletes (idempotent) are retried on connection failures and
//     on 502, 503 and 504.
//   - A create (not idempotent) is retried only when no byte of it can have
//     reached the upstream: a retry must never make a second token. For the
//     same reason the transport may not resend it quietly on a kept-alive
//     connection that turns out dead (AllowsSilentResend).
//   - A 429 is a refusal before any work, so any request may be resent, but
//     only once its rate-limit window has reset, and only when waiting that
//     long is allowed (RetryOptions::max_window_wait) and takes at most half
//     of the time left (ShouldWaitForWindow).
//   - Other retries wait a "full jitter" backoff, and only when the backoff
//     and one more attempt fit in the time left.
//   - Timeouts are not retried: the time is gone.
//   - A 401 is tried once more with renewed credentials (a bearer token may
//     have expired in flight), whatever the rules above say.
//   - A delete that finds the token gone (a 404 saying the resource does not
//     exist, AttemptOutcome::resource_not_found) after an earlier attempt
//     that may have deleted it has succeeded. Any other 404 (an unknown URL)
//     says nothing about the token and fails as on a first attempt.
//   - Every retry spends from the shared RetryBudget; an empty budget stops
//     retries (the upstream is failing for everyone).
//   - At most RetryOptions::max_attempts attempts in all.
//
// The free functions are the rules' building blocks, pure functions of
// plain values; RetryPolicy applies them to one call.

#ifndef GATEWAY_POLICY_RETRY_POLICY_H_
#define GATEWAY_POLICY_RETRY_POLICY_H_

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gateway/policy/operation.h"
#include "gateway/policy/retry_budget.h"

namespace gateway::policy {

// How one attempt ended.
struct AttemptOutcome {
  // The HTTP status of the answer; 0 when no answer arrived.
  int http_status = 0;
  // Why no answer arrived (kUnavailable, kDeadlineExceeded, ...); kOk when
  // one did.
  absl::StatusCode transport_error = absl::StatusCode::kOk;
  // False only when the transport knows no request byte left this host.
  bool request_may_have_been_sent = true;
  // A 404 that says the resource the request names does not exist (for
  // api.video, a problem of type resource-not-found), rather than that the
  // URL itself is unknown. Set by whoever reads the answer's body.
  bool resource_not_found = false;
};

struct RetryOptions {
  // Attempts in all, the first included.
  int max_attempts = 3;
  // The backoff before retry n is uniform in [0, min(max_backoff,
  // initial_backoff * multiplier^(n-1))]: "full jitter".
  absl::Duration initial_backoff = absl::Milliseconds(25);
  absl::Duration max_backoff = absl::Seconds(1);
  double multiplier = 2.0;
  // How long a call may wait for a used-up rate-limit window to reset,
  // before an attempt or after a 429, instead of failing at once; zero:
  // never wait.
  absl::Duration max_window_wait = absl::ZeroDuration();
  // An attempt needs at least this much of the deadline to be worth making.
  absl::Duration min_attempt_time = absl::Milliseconds(5);
};

// Whether `outcome` may be retried at all, leaving time and budget aside.
bool IsRetryable(Idempotency idempotency, const AttemptOutcome& outcome);

// Whether a call should wait `wait` for a rate-limit window rather than fail
// at once: only when waiting is allowed (`max_wait` > 0), `wait` is within
// `max_wait`, and it takes at most half of the `time_left` before the
// caller's deadline, leaving the rest for the request itself.
bool ShouldWaitForWindow(absl::Duration wait, absl::Duration max_wait,
                         absl::Duration time_left);

// Whether `outcome` leaves it open whether the request took effect: an
// answer from a proxy (502, 504) or a failure after the request was sent.
bool MayHaveTakenEffect(const AttemptOutcome& outcome);

// Whether `outcome` says the upstream itself is failing (no connection,
// 5xx): what a circuit breaker counts.
bool IsUpstreamFailure(const AttemptOutcome& outcome);

// The wait before retry number `retry` (1 for the first retry).
absl::Duration BackoffDelay(const RetryOptions& options, int retry,
                            absl::BitGenRef random);

// What to do after an attempt that did not succeed.
struct RetryDecision {
  enum class Action {
    kGiveUp,     // the attempt's error is the call's
    kRetry,      // attempt again after `delay`
    kSucceeded,  // the call did what it was asked (see the delete rule)
  };
  Action action = Action::kGiveUp;
  absl::Duration delay;
};

// The rules above for one call: a value, made per call, that counts its
// attempts. Not thread-safe (a call's steps never overlap).
class RetryPolicy {
 public:
  // `budget` is shared by every call and must outlive this one.
  RetryPolicy(Operation operation, const RetryOptions& options,
              RetryBudget& budget);

  // Counts an attempt about to be made; the first earns the budget its
  // share.
  void OnAttemptStarted();
  int attempts() const { return attempts_; }

  // Whether the transport may quietly resend the request when a kept-alive
  // connection turns out dead before any answer: only for reads. A second
  // create would make a second token; a second delete would hide whether
  // the first one did it.
  bool AllowsSilentResend() const { return operation_ == Operation::kRead; }

  // Whether an attempt that got `outcome` should be tried again at once
  // with renewed credentials: a 401, once per call.
  bool ShouldRenewCredentials(const AttemptOutcome& outcome);

  // The decision after an attempt that got `outcome` (not a success, not a
  // cancellation), with `time_left` before the caller's deadline and
  // `window_wait` until the request's rate-limit window reopens. Spends
  // from the budget when it decides to retry.
  RetryDecision OnFailure(const AttemptOutcome& outcome,
                          absl::Duration time_left, absl::Duration window_wait,
                          absl::BitGenRef random);

 private:
  const Operation operation_;
  const RetryOptions options_;
  RetryBudget& budget_;
  int attempts_ = 0;
  bool may_have_taken_effect_ = false;
  bool credentials_renewed_ = false;
};

}  // namespace gateway::policy

#endif  // GATEWAY_POLICY_RETRY_POLICY_H_
