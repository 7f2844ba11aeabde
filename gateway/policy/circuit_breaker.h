// Fails calls fast while the upstream is down, instead of queueing them.
//
// Closed: calls go through; `failure_threshold` upstream failures in a row
// (no connection, 5xx: retry_policy.h's IsUpstreamFailure) open it. Open:
// calls fail at once with UNAVAILABLE until `open_for` has passed. Then one
// call is let through as a probe (half-open) and the others wait another
// `open_for`: the probe's success closes the breaker, its failure opens it
// again for twice as long, up to `max_open_for`. A probe that never reports
// (cancelled, timed out) only costs one period. Any success closes the
// breaker and resets the count; failures of calls that were admitted before
// it opened change nothing.

#ifndef GATEWAY_POLICY_CIRCUIT_BREAKER_H_
#define GATEWAY_POLICY_CIRCUIT_BREAKER_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gateway::policy {

struct CircuitBreakerOptions {
  int failure_threshold = 5;
  absl::Duration open_for = absl::Milliseconds(500);
  absl::Duration max_open_for = absl::Seconds(30);
};

class CircuitBreaker {
 public:
  explicit CircuitBreaker(CircuitBreakerOptions options = {});

  struct Admission {
    bool allowed = true;
    // Allowed as the half-open probe: pass to RecordFailure.
    bool probe = false;
    // When refused: when the next probe may go.
    absl::Time retry_at;
  };

  // Whether a request may go upstream at `now`. Thread-safe.
  Admission Admit(absl::Time now);

  // The outcome of a request that went upstream: it got an answer that is
  // not an upstream failure, or it failed (IsUpstreamFailure). Thread-safe.
  void RecordSuccess();
  void RecordFailure(absl::Time now, bool probe);

  bool IsOpen(absl::Time now) const;

 private:
  const CircuitBreakerOptions options_;
  mutable absl::Mutex mu_;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration current_open_for_ ABSL_GUARDED_BY(mu_);
  // Calls are refused before this time; InfinitePast while closed.
  absl::Time open_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace gateway::policy

#endif  // GATEWAY_POLICY_CIRCUIT_BREAKER_H_
