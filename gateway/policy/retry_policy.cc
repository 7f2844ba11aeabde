#include "gateway/policy/retry_policy.h"

#include <algorithm>
#include <cmath>

#include "absl/random/distributions.h"

namespace gateway::policy {
namespace {

bool IsRetryableStatus(int http_status) {
  return http_status == 502 || http_status == 503 || http_status == 504;
}

bool IsConnectionFailure(const AttemptOutcome& outcome) {
  return outcome.http_status == 0 &&
         outcome.transport_error == absl::StatusCode::kUnavailable;
}

}  // namespace

bool IsRetryable(Idempotency idempotency, const AttemptOutcome& outcome) {
  if (outcome.http_status == 429) return true;
  if (idempotency == Idempotency::kIdempotent) {
    return IsConnectionFailure(outcome) ||
           IsRetryableStatus(outcome.http_status);
  }
  return IsConnectionFailure(outcome) && !outcome.request_may_have_been_sent;
}

bool MayHaveTakenEffect(const AttemptOutcome& outcome) {
  if (outcome.http_status == 502 || outcome.http_status == 504) return true;
  return outcome.http_status == 0 && outcome.request_may_have_been_sent;
}

bool IsUpstreamFailure(const AttemptOutcome& outcome) {
  return IsConnectionFailure(outcome) ||
         (outcome.http_status >= 500 && outcome.http_status <= 599);
}

absl::Duration BackoffDelay(const RetryOptions& options, int retry,
                            absl::BitGenRef random) {
  const double growth = std::pow(options.multiplier, std::max(0, retry - 1));
  const absl::Duration ceiling =
      std::min(options.max_backoff, options.initial_backoff * growth);
  if (ceiling <= absl::ZeroDuration()) return absl::ZeroDuration();
  return absl::Uniform(absl::IntervalClosedClosed, random, 0.0, 1.0) * ceiling;
}

RetryPolicy::RetryPolicy(Operation operation, const RetryOptions& options,
                         RetryBudget& budget)
    : operation_(operation), options_(options), budget_(budget) {}

void RetryPolicy::OnAttemptStarted() {
  if (++attempts_ == 1) budget_.RecordAttempt();
}

bool RetryPolicy::ShouldRenewCredentials(const AttemptOutcome& outcome) {
  if (outcome.http_status != 401 || credentials_renewed_) return false;
  credentials_renewed_ = true;
  return true;
}

bool ShouldWaitForWindow(absl::Duration wait, absl::Duration max_wait,
                         absl::Duration time_left) {
  return max_wait > absl::ZeroDuration() && wait <= max_wait &&
         wait <= time_left / 2;
}

RetryDecision RetryPolicy::OnFailure(const AttemptOutcome& outcome,
                                     absl::Duration time_left,
                                     absl::Duration window_wait,
                                     absl::BitGenRef random) {
  constexpr RetryDecision kGiveUp{RetryDecision::Action::kGiveUp, {}};
  if (operation_ == Operation::kDelete && outcome.http_status == 404 &&
      outcome.resource_not_found && may_have_taken_effect_) {
    // An earlier attempt most likely did the deed before its answer was lost.
    return {RetryDecision::Action::kSucceeded, {}};
  }
  may_have_taken_effect_ =
      may_have_taken_effect_ || MayHaveTakenEffect(outcome);
  if (attempts_ >= options_.max_attempts ||
      !IsRetryable(IdempotencyOf(operation_), outcome)) {
    return kGiveUp;
  }
  absl::Duration delay;
  if (outcome.http_status == 429) {
    delay = window_wait;
    if (!ShouldWaitForWindow(delay, options_.max_window_wait, time_left)) {
      return kGiveUp;
    }
  } else {
    delay = BackoffDelay(options_, attempts_, random);
    if (time_left < delay + options_.min_attempt_time) return kGiveUp;
  }
  if (!budget_.TryRetry()) return kGiveUp;
  return {RetryDecision::Action::kRetry, delay};
}

}  // namespace gateway::policy
