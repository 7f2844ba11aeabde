#include "gateway/apivideo/redis_shared_quota.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gateway/redis/redis_client.h"
#include "gateway/redis/testing/connected_client.h"
#include "gateway/redis/testing/redis_server.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using policy::RouteKind;

policy::QuotaAnswer Answer(std::int64_t limit, std::int64_t remaining,
                           std::int64_t retry_after_seconds) {
  policy::QuotaAnswer answer;
  answer.limit = limit;
  answer.remaining = remaining;
  answer.retry_after_seconds = retry_after_seconds;
  answer.success = true;
  return answer;
}

// The shared windows on a real redis-server, seen by two replicas at once.
class RedisSharedQuotaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<redis::RedisWithClient> redis =
        redis::StartRedisWithClient();
    ASSERT_TRUE(redis.ok()) << redis.status();
    server_ = std::move(redis->server);
    client_ = std::move(redis->client);
  }

  // A replica's view of the shared windows.
  std::unique_ptr<RedisSharedQuota> Replica(double share = 1.0,
                                            double burst = 1.0) {
    RedisSharedQuotaOptions options;
    options.window = {share, burst};
    options.lease = lease_;
    return std::make_unique<RedisSharedQuota>(*client_, options);
  }

  SharedQuotaDecision Reserve(SharedQuota& quota, absl::string_view caller,
                              bool more_waiting = false) {
    SharedQuotaRequest request;
    request.kind = RouteKind::kRead;
    request.caller = std::string(caller);
    request.more_waiting = more_waiting;
    request.reservation = absl::StrCat("r", ++reservations_);
    last_reservation_ = request.reservation;
    absl::Notification done;
    absl::StatusOr<SharedQuotaDecision> out;
    quota.Reserve(request, [&](absl::StatusOr<SharedQuotaDecision> decision) {
      out = std::move(decision);
      done.Notify();
    });
    done.WaitForNotification();
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : SharedQuotaDecision{};
  }

  void Settle(SharedQuota& quota, const std::string& reservation,
              std::uint64_t epoch, const policy::QuotaAnswer& answer) {
    absl::Notification done;
    quota.Settle(RouteKind::kRead, reservation, epoch, answer,
                 [&] { done.Notify(); });
    done.WaitForNotification();
  }

  void Release(SharedQuota& quota, const std::string& reservation) {
    absl::Notification done;
    quota.Release(RouteKind::kRead, reservation, [&] { done.Notify(); });
    done.WaitForNotification();
  }

  // Probes, and settles the probe with a window of `limit` reads with
  // `remaining` left, resetting in `retry_after` seconds.
  void LearnWindow(SharedQuota& quota, std::int64_t limit,
                   std::int64_t remaining, std::int64_t retry_after) {
    const SharedQuotaDecision probe = Reserve(quota, "probe");
    ASSERT_TRUE(probe.granted);
    Settle(quota, last_reservation_, probe.epoch,
           Answer(limit, remaining, retry_after));
  }

  // Reserves until refused; how many were granted.
  int ReserveAll(SharedQuota& quota, absl::string_view caller, int most) {
    int granted = 0;
    while (granted < most && Reserve(quota, caller).granted) ++granted;
    return granted;
  }

  absl::Duration lease_ = absl::Seconds(60);
  std::unique_ptr<redis::RedisServer> server_;
  std::unique_ptr<redis::RedisClient> client_;
  int reservations_ = 0;
  std::string last_reservation_;
};

TEST_F(RedisSharedQuotaTest, UnknownWindowLetsOneProbeGoAtATime) {
  auto a = Replica();
  auto b = Replica();
  EXPECT_TRUE(Reserve(*a, "web").granted);
  const SharedQuotaDecision second = Reserve(*b, "web");
  EXPECT_FALSE(second.granted);
  EXPECT_GT(second.retry_after, absl::ZeroDuration());
  EXPECT_FALSE(second.available.has_value());
}

TEST_F(RedisSharedQuotaTest, ReplicasTogetherSpendWhatTheWindowHasLeft) {
  auto a = Replica();
  auto b = Replica();
  LearnWindow(*a, 40, 30, 60);
  const int by_a = ReserveAll(*a, "web", 20);
  const int by_b = ReserveAll(*b, "web", 40);
  EXPECT_EQ(by_a, 20);
  EXPECT_EQ(by_b, 10);
  const SharedQuotaDecision refused = Reserve(*a, "web");
  EXPECT_FALSE(refused.granted);
  // Used up: the next unit comes with the reset, a minute and a second on.
  EXPECT_GT(refused.retry_after, absl::Seconds(55));
  EXPECT_EQ(refused.usable_per_window, 40);
}

TEST_F(RedisSharedQuotaTest, ShareKeepsPartOfTheWindowForOtherSystems) {
  auto a = Replica(/*share=*/0.5);
  LearnWindow(*a, 40, 40, 60);
  EXPECT_EQ(ReserveAll(*a, "web", 40), 20);
}

TEST_F(RedisSharedQuotaTest, BurstIsPacedOverTheWindow) {
  auto a = Replica(/*share=*/1.0, /*burst=*/0.25);
  LearnWindow(*a, 40, 40, 5);
  // A quarter of 40 at once; then one every 5 s / 40 = 125 ms.
  EXPECT_EQ(ReserveAll(*a, "web", 40), 10);
  const SharedQuotaDecision refused = Reserve(*a, "web");
  EXPECT_LE(refused.retry_after, absl::Milliseconds(130));
  absl::SleepFor(refused.retry_after + absl::Milliseconds(10));
  EXPECT_TRUE(Reserve(*a, "web").granted);
}

TEST_F(RedisSharedQuotaTest, ReleasedUnitIsFreeForAnyReplica) {
  auto a = Replica();
  auto b = Replica();
  LearnWindow(*a, 40, 3, 60);
  ASSERT_EQ(ReserveAll(*a, "web", 10), 3);
  const std::string held = last_reservation_;
  // last_reservation_ is the refused ask; the third grant was one before.
  Release(*a, absl::StrCat("r", reservations_ - 1));
  EXPECT_TRUE(Reserve(*b, "web").granted);
  EXPECT_FALSE(held.empty());
}

TEST_F(RedisSharedQuotaTest, UnitOfAReplicaThatNeverSettlesIsFreedByItsLease) {
  lease_ = absl::Milliseconds(300);
  auto dead = Replica();
  auto alive = Replica();
  ASSERT_TRUE(Reserve(*dead, "web").granted);  // The probe, never answered.
  EXPECT_FALSE(Reserve(*alive, "web").granted);
  absl::SleepFor(absl::Milliseconds(350));
  EXPECT_TRUE(Reserve(*alive, "web").granted);
}

TEST_F(RedisSharedQuotaTest, TooManyRequestsClosesTheWindowUntilItsReset) {
  auto a = Replica();
  LearnWindow(*a, 40, 30, 60);
  const SharedQuotaDecision unit = Reserve(*a, "web");
  ASSERT_TRUE(unit.granted);
  policy::QuotaAnswer too_many;
  too_many.too_many_requests = true;
  too_many.remaining = 0;
  too_many.retry_after_seconds = 70;
  Settle(*a, last_reservation_, unit.epoch, too_many);
  const SharedQuotaDecision refused = Reserve(*a, "web");
  EXPECT_FALSE(refused.granted);
  EXPECT_GT(refused.retry_after, absl::Seconds(65));
  EXPECT_EQ(refused.available, 0);
}

TEST_F(RedisSharedQuotaTest, UpstreamThatMetersNothingIsNotHeldBack) {
  auto a = Replica();
  const SharedQuotaDecision probe = Reserve(*a, "web");
  ASSERT_TRUE(probe.granted);
  policy::QuotaAnswer plain;
  plain.success = true;
  Settle(*a, last_reservation_, probe.epoch, plain);
  EXPECT_EQ(ReserveAll(*a, "web", 100), 100);
}

TEST_F(RedisSharedQuotaTest, CallerWaitingOnOneReplicaHasTheTurnOverAFlood) {
  auto flood_replica = Replica();
  auto interactive_replica = Replica();
  LearnWindow(*flood_replica, 40, 21, 60);
  // The flood takes all but one unit; then the interactive caller, who has
  // had nothing, asks while the window is used up by the flood's last one.
  ASSERT_EQ(ReserveAll(*flood_replica, "flood", 20), 20);
  const SharedQuotaDecision flood_last = Reserve(*flood_replica, "flood");
  ASSERT_TRUE(flood_last.granted);
  const std::string flood_unit = last_reservation_;
  ASSERT_FALSE(Reserve(*interactive_replica, "interactive").granted);
  // A unit comes back. The flood asks first, but the interactive caller,
  // waiting on the other replica with an earlier turn, gets it.
  Release(*flood_replica, flood_unit);
  const SharedQuotaDecision flood_again = Reserve(*flood_replica, "flood");
  EXPECT_FALSE(flood_again.granted);
  EXPECT_LE(flood_again.retry_after, absl::Milliseconds(10));
  EXPECT_TRUE(Reserve(*interactive_replica, "interactive").granted);
}

TEST_F(RedisSharedQuotaTest, CallerNoLongerWaitingStopsHoldingOthersBack) {
  auto a = Replica();
  RedisSharedQuotaOptions options;
  options.window = {1.0, 1.0};
  options.waiting_ttl = absl::Milliseconds(200);
  RedisSharedQuota b(*client_, options);
  LearnWindow(*a, 40, 21, 60);
  ASSERT_EQ(ReserveAll(*a, "flood", 30), 21);
  const std::string flood_unit = absl::StrCat("r", reservations_ - 1);
  // The interactive caller asks once, then gives up (its call was
  // cancelled) and is not asked for again.
  ASSERT_FALSE(Reserve(b, "interactive").granted);
  Release(*a, flood_unit);
  absl::SleepFor(absl::Milliseconds(250));
  EXPECT_TRUE(Reserve(*a, "flood").granted);
}

}  // namespace
}  // namespace gateway::apivideo
