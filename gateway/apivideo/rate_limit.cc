#include "gateway/apivideo/rate_limit.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "gateway/policy/quota_window.h"

namespace gateway::apivideo {
namespace {

std::optional<std::int64_t> ReadCount(const http::HttpResponse& response,
                                      absl::string_view name) {
  const std::string* value = response.FindHeader(name);
  std::int64_t count = 0;
  if (value == nullptr ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(*value), &count) ||
      count < 0) {
    return std::nullopt;
  }
  return count;
}

}  // namespace

RateLimit ReadRateLimit(const http::HttpResponse& response) {
  RateLimit rate_limit;
  rate_limit.limit = ReadCount(response, "x-ratelimit-limit");
  rate_limit.remaining = ReadCount(response, "x-ratelimit-remaining");
  rate_limit.retry_after_seconds =
      ReadCount(response, "x-ratelimit-retry-after");
  if (rate_limit.retry_after_seconds.has_value()) {
    const std::int64_t max_seconds =
        absl::ToInt64Seconds(policy::QuotaWindow::kMaxWait);
    rate_limit.retry_after_seconds =
        std::min(*rate_limit.retry_after_seconds, max_seconds);
  }
  return rate_limit;
}

}  // namespace gateway::apivideo
