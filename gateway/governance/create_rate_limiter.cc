#include "gateway/governance/create_rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_details.h"
#include "google/rpc/error_details.pb.h"

namespace gateway::governance {
namespace {

// How often, at most, full buckets are looked for.
constexpr absl::Duration kSweepEvery = absl::Minutes(1);

}  // namespace

void CreateRateLimiter::Refill(Bucket& bucket, absl::Time now) {
  if (now <= bucket.updated) return;
  const double per_second = bucket.capacity / 60.0;
  bucket.tokens = std::min(
      bucket.capacity,
      bucket.tokens + absl::ToDoubleSeconds(now - bucket.updated) * per_second);
  bucket.updated = now;
}

absl::Status CreateRateExceeded(absl::string_view caller,
                                int creates_per_minute, absl::Duration wait) {
  absl::Status status = MakeError(
      absl::StatusCode::kResourceExhausted,
      absl::StrCat("caller \"", caller, "\" has used its ", creates_per_minute,
                   " creates per minute (creates_per_minute); retry after ",
                   absl::FormatDuration(absl::Ceil(wait, absl::Seconds(1)))),
      "CALLER_CREATE_RATE_EXCEEDED");
  google::rpc::QuotaFailure failure;
  google::rpc::QuotaFailure::Violation* violation = failure.add_violations();
  violation->set_subject(absl::StrCat("caller:", caller));
  violation->set_description(
      absl::StrCat("at most ", creates_per_minute, " creates per minute"));
  AddDetail(status, failure);
  AddRetryInfo(status, wait);
  return status;
}

absl::Status CreateRateLimiter::TryCreate(absl::string_view caller,
                                          int creates_per_minute,
                                          absl::Time now) {
  if (creates_per_minute <= 0) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  SweepLocked(now);
  auto [it, added] = buckets_.try_emplace(caller);
  Bucket& bucket = it->second;
  const double capacity = creates_per_minute;
  if (added) {
    bucket = {capacity, capacity, now};
  } else {
    // A reloaded policy may have changed the rate: the bucket keeps what it
    // holds, within the new capacity.
    bucket.capacity = capacity;
    Refill(bucket, now);
    bucket.tokens = std::min(bucket.tokens, capacity);
  }
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return absl::OkStatus();
  }
  const absl::Duration wait =
      absl::Seconds((1.0 - bucket.tokens) * 60.0 / capacity);
  return CreateRateExceeded(caller, creates_per_minute, wait);
}

void CreateRateLimiter::Refund(absl::string_view caller, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(caller);
  if (it == buckets_.end()) return;
  Refill(it->second, now);
  it->second.tokens = std::min(it->second.capacity, it->second.tokens + 1.0);
}

void CreateRateLimiter::SweepLocked(absl::Time now) {
  if (now - last_sweep_ < kSweepEvery) return;
  last_sweep_ = now;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(it->second, now);
    if (it->second.tokens >= it->second.capacity) {
      buckets_.erase(it++);
    } else {
      ++it;
    }
  }
}

int CreateRateLimiter::tracked_callers() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(buckets_.size());
}

}  // namespace gateway::governance
