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

}  // namespace gateway::policy
