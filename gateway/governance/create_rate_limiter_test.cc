#include "gateway/governance/create_rate_limiter.h"

#include "gateway/common/status_details.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

TEST(CreateRateLimiterTest, AllowsAMinutesWorthAtOnce) {
  CreateRateLimiter limiter;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.TryCreate("web", 3, kNow).ok()) << i;
  }
  EXPECT_FALSE(limiter.TryCreate("web", 3, kNow).ok());
}

TEST(CreateRateLimiterTest, ARefusalSaysWhenTheNextCreateIsAllowed) {
  CreateRateLimiter limiter;
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(limiter.TryCreate("web", 6, kNow).ok());
  const absl::Status refused = limiter.TryCreate("web", 6, kNow);
  ASSERT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetDetail<google::rpc::ErrorInfo>(refused)->reason(),
            "CALLER_CREATE_RATE_EXCEEDED");
  const auto failure = GetDetail<google::rpc::QuotaFailure>(refused);
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->violations(0).subject(), "caller:web");
  const auto retry = GetDetail<google::rpc::RetryInfo>(refused);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 10);  // 6 a minute: one every 10 s
}

TEST(CreateRateLimiterTest, RefillsAtTheRatePerMinute) {
  CreateRateLimiter limiter;
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(limiter.TryCreate("web", 6, kNow).ok());
  EXPECT_FALSE(limiter.TryCreate("web", 6, kNow + absl::Seconds(9)).ok());
  EXPECT_TRUE(limiter.TryCreate("web", 6, kNow + absl::Seconds(10)).ok());
  EXPECT_FALSE(limiter.TryCreate("web", 6, kNow + absl::Seconds(10)).ok());
}

TEST(CreateRateLimiterTest, EachCallerHasItsOwnBucket) {
  CreateRateLimiter limiter;
  ASSERT_TRUE(limiter.TryCreate("web", 1, kNow).ok());
  EXPECT_FALSE(limiter.TryCreate("web", 1, kNow).ok());
  EXPECT_TRUE(limiter.TryCreate("ops", 1, kNow).ok());
}

TEST(CreateRateLimiterTest, NoLimitKeepsNoState) {
  CreateRateLimiter limiter;
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(limiter.TryCreate("web", 0, kNow).ok());
  EXPECT_EQ(limiter.tracked_callers(), 0);
}

TEST(CreateRateLimiterTest, ARefundGivesTheCreateBack) {
  CreateRateLimiter limiter;
  ASSERT_TRUE(limiter.TryCreate("web", 1, kNow).ok());
  limiter.Refund("web", kNow);
  EXPECT_TRUE(limiter.TryCreate("web", 1, kNow).ok());
}

TEST(CreateRateLimiterTest, FullBucketsAreDropped) {
  CreateRateLimiter limiter;
  ASSERT_TRUE(limiter.TryCreate("web", 60, kNow).ok());
  EXPECT_EQ(limiter.tracked_callers(), 1);
  // A minute later web's bucket is full again; ops's call sweeps it away.
  ASSERT_TRUE(limiter.TryCreate("ops", 60, kNow + absl::Minutes(2)).ok());
  EXPECT_EQ(limiter.tracked_callers(), 1);
}

TEST(CreateRateLimiterTest, ALowerRateAfterAReloadAppliesAtOnce) {
  CreateRateLimiter limiter;
  ASSERT_TRUE(limiter.TryCreate("web", 100, kNow).ok());
  ASSERT_TRUE(limiter.TryCreate("web", 1, kNow).ok());
  EXPECT_FALSE(limiter.TryCreate("web", 1, kNow).ok());
}

}  // namespace
}  // namespace gateway::governance
