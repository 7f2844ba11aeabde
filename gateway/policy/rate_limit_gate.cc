#include "gateway/policy/rate_limit_gate.h"

#include <algorithm>

namespace gateway::policy {

void RateLimitGate::Record(RouteKind kind,
                           std::optional<std::int64_t> remaining,
                           std::optional<std::int64_t> retry_after_seconds,
                           bool too_many_requests, absl::Time now) {
  const bool exhausted =
      too_many_requests || (remaining.has_value() && *remaining <= 0);
  if (!exhausted) return;
  const absl::Duration wait =
      retry_after_seconds.has_value()
          ? std::clamp(absl::Seconds(*retry_after_seconds),
                       absl::ZeroDuration(), kMaxWait)
          : kDefaultWait;
  absl::MutexLock lock(&mu_);
  absl::Time& until = closed_until_[static_cast<int>(kind)];
  until = std::max(until, now + wait);
}

absl::Time RateLimitGate::OpensAt(RouteKind kind, absl::Time now) const {
  absl::MutexLock lock(&mu_);
  return std::max(now, closed_until_[static_cast<int>(kind)]);
}

bool ShouldWaitForWindow(absl::Duration wait, absl::Duration max_wait,
                         absl::Duration time_left) {
  return max_wait > absl::ZeroDuration() && wait <= max_wait &&
         wait <= time_left / 2;
}

}  // namespace gateway::policy
