#include "gateway/policy/retry_budget.h"

#include <algorithm>
#include <cmath>

namespace gateway::policy {
namespace {

// One token, in the units the budget counts in.
constexpr std::int64_t kOne = 1'000'000;

// `tokens` in those units: none when negative or NaN, and at most a billion
// tokens, far beyond any useful budget, so that sums cannot overflow.
std::int64_t ToUnits(double tokens) {
  if (!(tokens > 0)) return 0;
  return std::llround(std::min(tokens, 1e9) * kOne);
}

}  // namespace

RetryBudget::RetryBudget(RetryBudgetOptions options)
    : ratio_(ToUnits(options.ratio)),
      capacity_(ToUnits(options.capacity)),
      tokens_(capacity_) {}

void RetryBudget::RecordAttempt() {
  absl::MutexLock lock(&mu_);
  tokens_ = std::min(capacity_, tokens_ + ratio_);
}

bool RetryBudget::TryRetry() {
  absl::MutexLock lock(&mu_);
  if (tokens_ < kOne) return false;
  tokens_ -= kOne;
  return true;
}

double RetryBudget::tokens() const {
  absl::MutexLock lock(&mu_);
  return static_cast<double>(tokens_) / kOne;
}

}  // namespace gateway::policy
