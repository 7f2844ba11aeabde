#include "gateway/policy/circuit_breaker.h"

#include <algorithm>

namespace gateway::policy {

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options)
    : options_(options), current_open_for_(options.open_for) {}

CircuitBreaker::Admission CircuitBreaker::Admit(absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (open_until_ == absl::InfinitePast()) return {};
  if (now < open_until_)
    return {/*allowed=*/false, /*probe=*/false, open_until_};
  // Half-open: this call probes; the others wait for its outcome.
  open_until_ = now + options_.open_for;
  return {/*allowed=*/true, /*probe=*/true, now};
}

void CircuitBreaker::RecordSuccess() {
  absl::MutexLock lock(&mu_);
  consecutive_failures_ = 0;
  open_until_ = absl::InfinitePast();
  current_open_for_ = options_.open_for;
}

void CircuitBreaker::RecordFailure(absl::Time now, bool probe) {
  absl::MutexLock lock(&mu_);
  if (probe) {
    current_open_for_ = std::min(current_open_for_ * 2, options_.max_open_for);
    open_until_ = now + current_open_for_;
    return;
  }
  if (open_until_ != absl::InfinitePast()) return;  // Already open.
  if (++consecutive_failures_ >= options_.failure_threshold) {
    open_until_ = now + current_open_for_;
  }
}

bool CircuitBreaker::IsOpen(absl::Time now) const {
  absl::MutexLock lock(&mu_);
  return open_until_ != absl::InfinitePast() && now < open_until_;
}

}  // namespace gateway::policy
