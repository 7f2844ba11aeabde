// Each caller's creates_per_minute (caller_rules.h), in this process.
//
// A token bucket per caller: it holds up to a minute's worth of creates and
// refills at the caller's rate, so a caller may create its minute's worth
// at once, then one every 60 / rate seconds. A bucket that is full again is
// dropped, so memory holds only callers that created lately.
//
// Thread-safe. Time is passed in, so tests need no sleeping.

#ifndef GATEWAY_GOVERNANCE_CREATE_RATE_LIMITER_H_
#define GATEWAY_GOVERNANCE_CREATE_RATE_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gateway::governance {

// RESOURCE_EXHAUSTED (reason CALLER_CREATE_RATE_EXCEEDED) with a QuotaFailure
// (subject "caller:<name>") and a RetryInfo of `wait`: a create beyond the
// caller's rate.
absl::Status CreateRateExceeded(absl::string_view caller,
                                int creates_per_minute, absl::Duration wait);

class CreateRateLimiter {
 public:
  // Takes one create from `caller`'s bucket at `now`; 0 per minute: no
  // limit. An empty bucket is RESOURCE_EXHAUSTED (reason
  // CALLER_CREATE_RATE_EXCEEDED) with a QuotaFailure (subject
  // "caller:<name>") and a RetryInfo of when the next create is allowed.
  absl::Status TryCreate(absl::string_view caller, int creates_per_minute,
                         absl::Time now);

  // Gives back a create taken at `now` that did not happen (refused by a
  // later check before it went upstream).
  void Refund(absl::string_view caller, absl::Time now);

  // Callers with a bucket that is not full.
  int tracked_callers() const;

 private:
  struct Bucket {
    double tokens = 0;
    double capacity = 0;
    absl::Time updated;
  };
  // Refills `bucket` up to `now`.
  static void Refill(Bucket& bucket, absl::Time now);
  // Drops buckets that are full again, now and then.
  void SweepLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  absl::Time last_sweep_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_CREATE_RATE_LIMITER_H_
