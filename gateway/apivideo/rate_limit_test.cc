#include "gateway/apivideo/rate_limit.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::testing::Optional;

http::HttpResponse WithHeaders(
    std::vector<std::pair<std::string, std::string>> headers) {
  http::HttpResponse response;
  response.status = 200;
  response.headers = std::move(headers);
  return response;
}

TEST(ReadRateLimit, ReadsAllThreeHeaders) {
  const RateLimit rate_limit =
      ReadRateLimit(WithHeaders({{"x-ratelimit-limit", "500"},
                                 {"x-ratelimit-remaining", "499"},
                                 {"x-ratelimit-retry-after", "60"}}));
  EXPECT_THAT(rate_limit.limit, Optional(500));
  EXPECT_THAT(rate_limit.remaining, Optional(499));
  EXPECT_THAT(rate_limit.retry_after_seconds, Optional(60));
  EXPECT_FALSE(rate_limit.empty());
}

TEST(ReadRateLimit, EmptyWithoutHeaders) {
  const RateLimit rate_limit = ReadRateLimit(WithHeaders(
      {{"content-type", "application/json"}, {"retry-after", "5"}}));
  EXPECT_EQ(rate_limit.limit, std::nullopt);
  EXPECT_EQ(rate_limit.remaining, std::nullopt);
  EXPECT_EQ(rate_limit.retry_after_seconds, std::nullopt);
  EXPECT_TRUE(rate_limit.empty());
}

TEST(ReadRateLimit, ReadsEachHeaderIndependently) {
  const RateLimit rate_limit =
      ReadRateLimit(WithHeaders({{"x-ratelimit-remaining", "0"}}));
  EXPECT_EQ(rate_limit.limit, std::nullopt);
  EXPECT_THAT(rate_limit.remaining, Optional(0));
  EXPECT_EQ(rate_limit.retry_after_seconds, std::nullopt);
  EXPECT_FALSE(rate_limit.empty());
}

TEST(ReadRateLimit, ToleratesSurroundingWhitespace) {
  const RateLimit rate_limit =
      ReadRateLimit(WithHeaders({{"x-ratelimit-retry-after", " 17 "}}));
  EXPECT_THAT(rate_limit.retry_after_seconds, Optional(17));
}

TEST(ReadRateLimit, UsesFirstOfRepeatedHeaders) {
  const RateLimit rate_limit = ReadRateLimit(WithHeaders(
      {{"x-ratelimit-limit", "100"}, {"x-ratelimit-limit", "200"}}));
  EXPECT_THAT(rate_limit.limit, Optional(100));
}

// An epoch time or int64's largest value, sent by mistake, is read as the
// longest wait the gateway believes: five minutes (QuotaWindow::kMaxWait).
TEST(ReadRateLimit, CapsRetryAfterAtFiveMinutes) {
  for (const char* huge : {"1800000000", "9223372036854775807"}) {
    const RateLimit rate_limit =
        ReadRateLimit(WithHeaders({{"x-ratelimit-retry-after", huge}}));
    EXPECT_THAT(rate_limit.retry_after_seconds, Optional(300)) << huge;
  }
}

class ReadRateLimitInvalid : public ::testing::TestWithParam<std::string> {};

TEST_P(ReadRateLimitInvalid, LeavesValueUnset) {
  const RateLimit rate_limit =
      ReadRateLimit(WithHeaders({{"x-ratelimit-limit", GetParam()},
                                 {"x-ratelimit-remaining", GetParam()},
                                 {"x-ratelimit-retry-after", GetParam()}}));
  EXPECT_TRUE(rate_limit.empty());
}

INSTANTIATE_TEST_SUITE_P(Values, ReadRateLimitInvalid,
                         ::testing::Values("", " ", "-1", "1.5", "1e3", "abc",
                                           "12abc", "0x10",
                                           "99999999999999999999",
                                           "Wed, 21 Oct 2015 07:28:00 GMT"));

}  // namespace
}  // namespace gateway::apivideo
