#include "gateway/policy/retry_budget.h"

#include <algorithm>

namespace gateway::policy {

RetryBudget::RetryBudget(double ratio, double capacity)
    : ratio_(ratio), capacity_(capacity), tokens_(capacity) {}

void RetryBudget::RecordAttempt() {
  absl::MutexLock lock(&mu_);
  tokens_ = std::min(capacity_, tokens_ + ratio_);
}

bool RetryBudget::TryRetry() {
  absl::MutexLock lock(&mu_);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

double RetryBudget::tokens() const {
  absl::MutexLock lock(&mu_);
  return tokens_;
}

}  // namespace gateway::policy
