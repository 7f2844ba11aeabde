// SharedCreateRate against a real redis-server: two replicas are two
// SharedCreateRate on one server.

#include "gateway/governance/shared_create_rate.h"

#include <memory>
#include <utility>

#include "absl/synchronization/notification.h"
#include "gateway/common/status_details.h"
#include "gateway/redis/testing/connected_client.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

class SharedCreateRateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<redis::RedisWithClient> redis =
        redis::StartRedisWithClient();
    ASSERT_TRUE(redis.ok()) << redis.status();
    server_ = std::move(redis->server);
    client_ = std::move(redis->client);
  }

  // `replica` takes one of web's creates, `per_minute` a minute.
  absl::Status Take(SharedCreateRate& replica, int per_minute = 2) {
    absl::Notification done;
    absl::Status taken = absl::UnknownError("no answer");
    replica.TryCreate("web", per_minute, [&](absl::Status status) {
      taken = std::move(status);
      done.Notify();
    });
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(5)));
    return taken;
  }

  std::unique_ptr<redis::RedisServer> server_;
  std::unique_ptr<redis::RedisClient> client_;
};

TEST_F(SharedCreateRateTest, AllowsAMinutesWorthThenRefusesWithRetryInfo) {
  SharedCreateRate rate(*client_);
  EXPECT_TRUE(Take(rate).ok());
  EXPECT_TRUE(Take(rate).ok());
  const absl::Status refused = Take(rate);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  const auto info = GetDetail<google::rpc::ErrorInfo>(refused);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "CALLER_CREATE_RATE_EXCEEDED");
  const auto retry = GetDetail<google::rpc::RetryInfo>(refused);
  ASSERT_TRUE(retry.has_value());
  // Two a minute: the next one comes within 30 s.
  EXPECT_GT(retry->retry_delay().seconds(), 0);
  EXPECT_LE(retry->retry_delay().seconds(), 30);
}

TEST_F(SharedCreateRateTest, ReplicasShareOneBucket) {
  SharedCreateRate one(*client_);
  SharedCreateRate other(*client_);
  EXPECT_TRUE(Take(one).ok());
  EXPECT_TRUE(Take(other).ok());
  EXPECT_EQ(Take(one).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Take(other).code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(SharedCreateRateTest, ARefundGivesACreateBack) {
  SharedCreateRate rate(*client_);
  ASSERT_TRUE(Take(rate).ok());
  ASSERT_TRUE(Take(rate).ok());
  rate.Refund("web");
  EXPECT_TRUE(Take(rate).ok());
  EXPECT_EQ(Take(rate).code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(SharedCreateRateTest, EachCallerHasItsOwnBucket) {
  SharedCreateRate rate(*client_);
  ASSERT_TRUE(Take(rate, 1).ok());
  absl::Notification done;
  absl::Status ops = absl::UnknownError("no answer");
  rate.TryCreate("ops", 1, [&](absl::Status status) {
    ops = std::move(status);
    done.Notify();
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_TRUE(ops.ok()) << ops;
}

TEST_F(SharedCreateRateTest, RedisDownIsUnavailable) {
  SharedCreateRate rate(*client_);
  server_->Stop();
  EXPECT_EQ(Take(rate).code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace gateway::governance
