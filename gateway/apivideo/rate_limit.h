// api.video's rate-limit headers, read off a response.

#ifndef GATEWAY_APIVIDEO_RATE_LIMIT_H_
#define GATEWAY_APIVIDEO_RATE_LIMIT_H_

#include <cstdint>
#include <optional>

#include "gateway/http/http_types.h"

namespace gateway::apivideo {

// X-RateLimit-Limit / -Remaining / -Retry-After. Each is unset when the
// header is missing or not a non-negative integer. Retry-After is capped at
// policy::QuotaWindow::kMaxWait (five minutes; api.video's windows last
// one), so that a mistaken value such as an epoch time reaches neither the
// gate nor the caller's RetryInfo and x-ratelimit-retry-after.
struct RateLimit {
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> retry_after_seconds;

  bool empty() const {
    return !limit.has_value() && !remaining.has_value() &&
           !retry_after_seconds.has_value();
  }
};

RateLimit ReadRateLimit(const http::HttpResponse& response);

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_RATE_LIMIT_H_
