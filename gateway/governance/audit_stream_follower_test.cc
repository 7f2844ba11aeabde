// AuditStreamFollower against a real redis-server, the events written by
// RedisAuditStream as another replica would.

#include "gateway/governance/audit_stream_follower.h"

#include <memory>
#include <string>
#include <utility>

#include "gateway/common/testing/fake_scheduler.h"
#include "gateway/governance/redis_audit_stream.h"
#include "gateway/redis/testing/connected_client.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

constexpr absl::Duration kWait = absl::Seconds(5);

AuditEvent Event(const std::string& rpc, const std::string& caller,
                 const std::string& token) {
  AuditEvent event;
  event.set_rpc(rpc);
  event.set_caller(caller);
  event.set_token(token);
  event.set_outcome("OK");
  event.mutable_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  return event;
}

class AuditStreamFollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<redis::RedisWithClient> redis =
        redis::StartRedisWithClient();
    ASSERT_TRUE(redis.ok()) << redis.status();
    server_ = std::move(redis->server);
    client_ = std::move(redis->client);
    stream_ = std::make_unique<RedisAuditStream>(*client_, absl::Hours(24));
    follower_ = std::make_unique<AuditStreamFollower>(
        *client_, scheduler_, ownership_, ledger_, absl::Milliseconds(200));
  }

  // Waits (real time) until the follower has applied `count` events,
  // moving the fake clock on so that its next read comes.
  bool WaitForApplied(int count) {
    const absl::Time give_up = absl::Now() + kWait;
    while (follower_->events_applied() < count && absl::Now() < give_up) {
      scheduler_.Advance(absl::Milliseconds(200));
      absl::SleepFor(absl::Milliseconds(5));
    }
    return follower_->events_applied() >= count;
  }

  testing::FakeScheduler scheduler_;
  std::unique_ptr<redis::RedisServer> server_;
  std::unique_ptr<redis::RedisClient> client_;
  std::unique_ptr<RedisAuditStream> stream_;
  OwnershipIndex ownership_;
  RequestIdLedger ledger_;
  std::unique_ptr<AuditStreamFollower> follower_;
};

TEST_F(AuditStreamFollowerTest, ReadsWhatTheStreamHeldBeforeItStarted) {
  stream_->Record(Event("CreateUploadToken", "web", "to1"));
  stream_->Record(Event("CreateUploadToken", "ops", "to2"));
  follower_->Start();
  ASSERT_TRUE(WaitForApplied(2));
  ASSERT_TRUE(ownership_.Find("to1", absl::Now()).has_value());
  EXPECT_EQ(ownership_.Find("to1", absl::Now())->creator, "web");
  EXPECT_EQ(ownership_.Find("to2", absl::Now())->creator, "ops");
}

TEST_F(AuditStreamFollowerTest, FollowsEventsAddedLater) {
  follower_->Start();
  stream_->Record(Event("CreateUploadToken", "web", "to1"));
  ASSERT_TRUE(WaitForApplied(1));
  EXPECT_TRUE(ownership_.Find("to1", absl::Now()).has_value());

  stream_->Record(Event("DeleteUploadToken", "ops", "to1"));
  ASSERT_TRUE(WaitForApplied(2));
  EXPECT_FALSE(ownership_.Find("to1", absl::Now()).has_value());
}

TEST_F(AuditStreamFollowerTest, EachEventIsAppliedOnce) {
  stream_->Record(Event("CreateUploadToken", "web", "to1"));
  follower_->Start();
  ASSERT_TRUE(WaitForApplied(1));
  for (int i = 0; i < 5; ++i) scheduler_.Advance(absl::Milliseconds(200));
  // A later read of an unchanged stream returns nothing new.
  ASSERT_TRUE(redis::CommandAndWait(*client_, {"PING"}).ok());
  EXPECT_EQ(follower_->events_applied(), 1);
}

TEST_F(AuditStreamFollowerTest, AStoppedFollowerReadsNoMore) {
  follower_->Start();
  ASSERT_TRUE(WaitForApplied(0));
  follower_->Stop();
  stream_->Record(Event("CreateUploadToken", "web", "to1"));
  for (int i = 0; i < 5; ++i) scheduler_.Advance(absl::Milliseconds(200));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(follower_->events_applied(), 0);
  EXPECT_FALSE(ownership_.Find("to1", absl::Now()).has_value());
}

}  // namespace
}  // namespace gateway::governance
