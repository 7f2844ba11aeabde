// Keeps the gateway from sending requests that api.video would refuse.
//
// api.video limits each account per minute and per kind of request (reads,
// writes), and says so on every answer: X-RateLimit-Remaining and
// X-RateLimit-Retry-After (seconds until the window resets). Once an answer
// says nothing remains, or a 429 arrives, the gate closes that kind of route
// until the window resets; calls meanwhile fail fast (or wait, when the
// caller's deadline allows and the gateway is configured to) rather than all
// going upstream to be refused. The window only ever moves later: a stale
// answer from an earlier request cannot reopen it.

#ifndef GATEWAY_POLICY_RATE_LIMIT_GATE_H_
#define GATEWAY_POLICY_RATE_LIMIT_GATE_H_

#include <array>
#include <cstdint>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/policy/operation.h"

namespace gateway::policy {

class RateLimitGate {
 public:
  // Used when an exhausted window gives no X-RateLimit-Retry-After.
  static constexpr absl::Duration kDefaultWait = absl::Seconds(1);

  // The longest the gate stays closed after one answer, whatever its
  // X-RateLimit-Retry-After says. api.video's windows last one minute, so a
  // longer wait is a mistake (an epoch time sent as a delay, a bug upstream),
  // and believing it would close the route until the gateway restarts:
  // nothing goes upstream meanwhile to learn that the window has reset.
  // Five windows leave room for a slow reset without trusting the absurd.
  static constexpr absl::Duration kMaxWait = absl::Minutes(5);

  // Records an answer on a route of `kind` received at `now`: its
  // X-RateLimit-Remaining and -Retry-After (unset when missing; capped at
  // kMaxWait), and whether it was a 429. Thread-safe.
  void Record(RouteKind kind, std::optional<std::int64_t> remaining,
              std::optional<std::int64_t> retry_after_seconds,
              bool too_many_requests, absl::Time now);

  // When calls of `kind` may go upstream again: `now` or earlier if the
  // gate is open. Thread-safe.
  absl::Time OpensAt(RouteKind kind, absl::Time now) const;

 private:
  mutable absl::Mutex mu_;
  std::array<absl::Time, 2> closed_until_ ABSL_GUARDED_BY(mu_) = {
      absl::InfinitePast(), absl::InfinitePast()};
};

// Whether a call should wait `wait` for a rate-limit window rather than fail
// at once: only when waiting is allowed (`max_wait` > 0), `wait` is within
// `max_wait`, and it takes at most half of the `time_left` before the
// caller's deadline, leaving the rest for the request itself.
bool ShouldWaitForWindow(absl::Duration wait, absl::Duration max_wait,
                         absl::Duration time_left);

}  // namespace gateway::policy

#endif  // GATEWAY_POLICY_RATE_LIMIT_GATE_H_
