// SharedRequestIds against a real redis-server: two replicas are two
// SharedRequestIds on one server.

#include "gateway/governance/shared_request_ids.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gateway/common/testing/fake_scheduler.h"
#include "gateway/redis/testing/connected_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using Kind = SharedRequestIds::Outcome::Kind;

constexpr char kId[] = "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f";
constexpr absl::Duration kWait = absl::Seconds(5);

apivideo::UploadToken Token(const std::string& name, int ttl) {
  apivideo::UploadToken token;
  token.set_token(name);
  token.set_ttl(ttl);
  token.set_creator("web");
  return token;
}

// What one claim ended with, once it has.
struct Claimed {
  absl::Notification done;
  SharedRequestIds::Outcome outcome;
  SharedRequestIds::Callback Callback() {
    return [this](SharedRequestIds::Outcome got) {
      outcome = std::move(got);
      done.Notify();
    };
  }
};

class SharedRequestIdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<redis::RedisWithClient> redis =
        redis::StartRedisWithClient();
    ASSERT_TRUE(redis.ok()) << redis.status();
    server_ = std::move(redis->server);
    client_ = std::move(redis->client);
    for (auto& replica : replicas_) {
      replica = std::make_unique<SharedRequestIds>(
          *client_, scheduler_, SharedRequestIdsOptions(),
          [this] { return scheduler_.Now(); });
    }
  }

  // Replica `replica` claims kId for a create of `ttl`, giving up any wait
  // at once when `wait` is false.
  std::unique_ptr<Claimed> Claim(int replica, int ttl, bool wait = false) {
    auto claimed = std::make_unique<Claimed>();
    replicas_[replica]->Claim(
        "web", kId, ttl, scheduler_.Now() + absl::Seconds(30),
        [wait] { return !wait; }, claimed->Callback());
    return claimed;
  }

  // Waits for a claim that needs no poll.
  static SharedRequestIds::Outcome Outcome(Claimed& claimed) {
    EXPECT_TRUE(claimed.done.WaitForNotificationWithTimeout(kWait));
    return claimed.outcome;
  }

  // Waits until every command sent so far has been answered: Redis answers
  // one connection's commands in order.
  void Sync() { ASSERT_TRUE(redis::CommandAndWait(*client_, {"PING"}).ok()); }

  testing::FakeScheduler scheduler_;
  std::unique_ptr<redis::RedisServer> server_;
  std::unique_ptr<redis::RedisClient> client_;
  std::unique_ptr<SharedRequestIds> replicas_[2];
};

TEST_F(SharedRequestIdsTest, TheFirstClaimGoesFirstAndAnotherFindsItRunning) {
  EXPECT_EQ(Outcome(*Claim(0, 60)).kind, Kind::kFirst);
  EXPECT_EQ(Outcome(*Claim(1, 60)).kind, Kind::kStillRunning);
}

TEST_F(SharedRequestIdsTest, AnotherReplicaGetsTheTokenCreated) {
  ASSERT_EQ(Outcome(*Claim(0, 60)).kind, Kind::kFirst);
  replicas_[0]->SettleCreated("web", kId, Token("toA", 60));
  const SharedRequestIds::Outcome outcome = Outcome(*Claim(1, 60));
  ASSERT_EQ(outcome.kind, Kind::kCreated);
  EXPECT_EQ(outcome.token.token(), "toA");
  EXPECT_EQ(outcome.token.creator(), "web");
}

TEST_F(SharedRequestIdsTest, AnotherCallersSameIdIsFree) {
  ASSERT_EQ(Outcome(*Claim(0, 60)).kind, Kind::kFirst);
  Claimed other;
  replicas_[1]->Claim(
      "ops", kId, 60, scheduler_.Now() + absl::Seconds(30), [] { return true; },
      other.Callback());
  EXPECT_EQ(Outcome(other).kind, Kind::kFirst);
}

TEST_F(SharedRequestIdsTest, AnotherTtlNamesTheFirst) {
  ASSERT_EQ(Outcome(*Claim(0, 60)).kind, Kind::kFirst);
  const SharedRequestIds::Outcome outcome = Outcome(*Claim(1, 120));
  EXPECT_EQ(outcome.kind, Kind::kOtherTtl);
  EXPECT_EQ(outcome.first_ttl, 60);
}

TEST_F(SharedRequestIdsTest, ACreateThatCreatedNothingFreesTheKey) {
  ASSERT_EQ(Outcome(*Claim(0, 60)).kind, Kind::kFirst);
  replicas_[0]->SettleFailed("web", kId);
  EXPECT_EQ(Outcome(*Claim(1, 60)).kind, Kind::kFirst);
}

TEST_F(SharedRequestIdsTest, AnUnknownOutcomeKeepsTheAttemptTime) {
  const absl::Time attempted = scheduler_.Now();
  ASSERT_EQ(Outcome(*Claim(0, 60)).kind, Kind::kFirst);
  replicas_[0]->SettleUnknown("web", kId);
  scheduler_.Advance(absl::Minutes(3));
  const SharedRequestIds::Outcome outcome = Outcome(*Claim(1, 60));
  EXPECT_EQ(outcome.kind, Kind::kUnknown);
  EXPECT_EQ(outcome.attempted_at, attempted);
}

TEST_F(SharedRequestIdsTest, AWaitingReplicaGetsTheTokenWhenTheFirstSettles) {
  ASSERT_EQ(Outcome(*Claim(0, 60)).kind, Kind::kFirst);
  std::unique_ptr<Claimed> waiting = Claim(1, 60, /*wait=*/true);
  Sync();
  EXPECT_FALSE(waiting->done.HasBeenNotified());
  ASSERT_EQ(scheduler_.pending(), 1u) << "no poll scheduled";

  replicas_[0]->SettleCreated("web", kId, Token("toA", 60));
  scheduler_.Advance(scheduler_.NextDelay());
  const SharedRequestIds::Outcome outcome = Outcome(*waiting);
  ASSERT_EQ(outcome.kind, Kind::kCreated);
  EXPECT_EQ(outcome.token.token(), "toA");
}

TEST_F(SharedRequestIdsTest, ACreateRunningPastItsTimeCountsAsUnknown) {
  ASSERT_EQ(Outcome(*Claim(0, 60)).kind, Kind::kFirst);
  // The replica that claimed it died: 30 s of upstream deadline and 5 s of
  // margin later, nobody will settle it.
  scheduler_.Advance(absl::Seconds(36));
  EXPECT_EQ(Outcome(*Claim(1, 60)).kind, Kind::kUnknown);
}

TEST_F(SharedRequestIdsTest, RedisDownIsUnavailable) {
  server_->Stop();
  EXPECT_EQ(Outcome(*Claim(0, 60)).kind, Kind::kUnavailable);
}

}  // namespace
}  // namespace gateway::governance
