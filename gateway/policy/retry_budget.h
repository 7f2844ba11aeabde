// A cap on the extra upstream load that retries add.
//
// A token bucket: every first attempt earns `ratio` of a token, every retry
// spends a whole one, and the bucket holds at most `capacity`. Over time,
// retries stay below `ratio` of first attempts (10% by default), plus a
// burst of `capacity` so that a quiet gateway can still retry. When the
// upstream is failing everything, retries stop instead of multiplying the
// load on it. After Envoy's retry budgets and gRPC's retry throttling.

#ifndef GATEWAY_POLICY_RETRY_BUDGET_H_
#define GATEWAY_POLICY_RETRY_BUDGET_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace gateway::policy {

struct RetryBudgetOptions {
  // Tokens earned per first attempt: retries add at most this fraction.
  double ratio = 0.1;
  // The most tokens the bucket holds, and holds at the start: the burst of
  // retries a quiet gateway may make.
  double capacity = 10.0;
};

class RetryBudget {
 public:
  explicit RetryBudget(RetryBudgetOptions options = {});

  // Counts a first attempt. Thread-safe.
  void RecordAttempt();

  // Spends a token for one retry; false (and nothing spent) when the budget
  // is used up. Thread-safe.
  bool TryRetry();

  double tokens() const;

 private:
  // In millionths of a token, so that ten attempts at 10% earn exactly one
  // retry: summing 0.1 ten times in floating point falls just short of 1.
  const std::int64_t ratio_;
  const std::int64_t capacity_;
  mutable absl::Mutex mu_;
  std::int64_t tokens_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::policy

#endif  // GATEWAY_POLICY_RETRY_BUDGET_H_
