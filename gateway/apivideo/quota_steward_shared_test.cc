// QuotaSteward with windows shared by replicas (a SharedQuota): how it asks
// the shared state for units, and how it falls back on its own window.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gateway/apivideo/quota_steward.h"
#include "gateway/common/testing/fake_scheduler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::gateway::testing::FakeScheduler;
using policy::RouteKind;

// A SharedQuota whose answers the test gives, when it likes.
class FakeSharedQuota final : public SharedQuota {
 public:
  struct Ask {
    SharedQuotaRequest request;
    SharedQuotaCallback done;
  };
  struct Settled {
    std::string reservation;
    std::uint64_t epoch = 0;
    policy::QuotaAnswer answer;
  };

  bool available() const override { return available_; }
  void Reserve(const SharedQuotaRequest& request,
               SharedQuotaCallback done) override {
    asks.push_back({request, std::move(done)});
  }
  void Settle(RouteKind, const std::string& reservation, std::uint64_t epoch,
              const policy::QuotaAnswer& answer,
              SharedQuotaDone done) override {
    settled.push_back({reservation, epoch, answer});
    std::move(done)();
  }
  void Release(RouteKind, const std::string& reservation,
               SharedQuotaDone done) override {
    released.push_back(reservation);
    std::move(done)();
  }

  // Answers the oldest pending ask.
  void Answer(absl::StatusOr<SharedQuotaDecision> decision) {
    ASSERT_FALSE(asks.empty());
    Ask ask = std::move(asks.front());
    asks.erase(asks.begin());
    std::move(ask.done)(std::move(decision));
  }
  static SharedQuotaDecision Granted(std::uint64_t epoch = 7) {
    SharedQuotaDecision decision;
    decision.granted = true;
    decision.epoch = epoch;
    return decision;
  }
  static SharedQuotaDecision NotYet(absl::Duration retry_after) {
    SharedQuotaDecision decision;
    decision.retry_after = retry_after;
    return decision;
  }

  bool available_ = true;
  std::vector<Ask> asks;
  std::vector<Settled> settled;
  std::vector<std::string> released;
};

struct Turn {
  bool done = false;
  absl::StatusOr<QuotaGrant> result = absl::UnknownError("not yet");
};

class SharedQuotaStewardTest : public ::testing::Test {
 protected:
  SharedQuotaStewardTest() {
    QuotaStewardOptions options;
    options.burst = 1.0;
    options.shared = &shared_;
    options.fallback_share = 0.5;
    options.weights = {{"batch", 2.0}};
    steward_ = std::make_unique<QuotaSteward>(
        scheduler_, std::move(options), [this] { return scheduler_.Now(); });
  }

  QuotaAcquisition Ask(absl::string_view caller, Turn* turn) {
    QuotaRequest request;
    request.kind = RouteKind::kRead;
    request.caller = std::string(caller);
    request.deadline = scheduler_.Now() + absl::Seconds(30);
    request.route = "GET /upload-tokens/{token}";
    QuotaAcquisition got =
        steward_->Acquire(request, [turn](absl::StatusOr<QuotaGrant> result) {
          turn->done = true;
          turn->result = std::move(result);
        });
    if (got.result == QuotaAcquisition::Result::kGranted) {
      turn->done = true;
      turn->result = got.grant;
    }
    return got;
  }

  FakeScheduler scheduler_;
  FakeSharedQuota shared_;
  std::unique_ptr<QuotaSteward> steward_;
};

TEST_F(SharedQuotaStewardTest, CallWaitsForTheSharedStatesGrant) {
  Turn turn;
  EXPECT_EQ(Ask("web", &turn).result, QuotaAcquisition::Result::kQueued);
  ASSERT_EQ(shared_.asks.size(), 1u);
  const std::string reservation = shared_.asks[0].request.reservation;
  EXPECT_FALSE(turn.done);
  shared_.Answer(FakeSharedQuota::Granted(7));
  ASSERT_TRUE(turn.done);
  ASSERT_TRUE(turn.result.ok());
  EXPECT_EQ(turn.result->shared_reservation, reservation);
  EXPECT_FALSE(reservation.empty());
  EXPECT_EQ(turn.result->reservation.epoch, 7u);
}

TEST_F(SharedQuotaStewardTest, AskNamesTheHeadCallerItsWeightAndItsBacklog) {
  Turn first, second, third;
  Ask("batch", &first);
  Ask("batch", &second);
  Ask("batch", &third);
  ASSERT_EQ(shared_.asks.size(), 1u);
  EXPECT_FALSE(shared_.asks[0].request.more_waiting);  // Asked alone.
  shared_.Answer(FakeSharedQuota::Granted());
  // Asked for the second with the third behind it.
  ASSERT_EQ(shared_.asks.size(), 1u);
  const SharedQuotaRequest& request = shared_.asks[0].request;
  EXPECT_EQ(request.kind, RouteKind::kRead);
  EXPECT_EQ(request.caller, "batch");
  EXPECT_EQ(request.weight, 2.0);
  EXPECT_TRUE(request.more_waiting);
}

TEST_F(SharedQuotaStewardTest, OneAskIsInFlightAtATime) {
  Turn a, b, c;
  Ask("web", &a);
  Ask("web", &b);
  Ask("batch", &c);
  EXPECT_EQ(shared_.asks.size(), 1u);
  shared_.Answer(FakeSharedQuota::Granted());
  EXPECT_TRUE(a.done);
  // The next waiter's ask goes as soon as the first is answered.
  EXPECT_EQ(shared_.asks.size(), 1u);
}

TEST_F(SharedQuotaStewardTest, EachGrantNamesItsOwnReservation) {
  Turn a, b;
  Ask("web", &a);
  Ask("web", &b);
  shared_.Answer(FakeSharedQuota::Granted());
  shared_.Answer(FakeSharedQuota::Granted());
  ASSERT_TRUE(a.result.ok());
  ASSERT_TRUE(b.result.ok());
  EXPECT_NE(a.result->shared_reservation, b.result->shared_reservation);
}

TEST_F(SharedQuotaStewardTest, RefusedAskIsRepeatedWhenTheSharedStateSays) {
  Turn turn;
  Ask("web", &turn);
  shared_.Answer(FakeSharedQuota::NotYet(absl::Milliseconds(200)));
  EXPECT_TRUE(shared_.asks.empty());
  scheduler_.Advance(absl::Milliseconds(199));
  EXPECT_TRUE(shared_.asks.empty());
  scheduler_.Advance(absl::Milliseconds(1));
  ASSERT_EQ(shared_.asks.size(), 1u);
  shared_.Answer(FakeSharedQuota::Granted());
  EXPECT_TRUE(turn.done);
  EXPECT_TRUE(turn.result.ok());
}

TEST_F(SharedQuotaStewardTest,
       CallerNewAtTheHeadAsksWithoutWaitingForTheRetry) {
  Turn served, flood, interactive;
  Ask("flood", &served);
  shared_.Answer(FakeSharedQuota::Granted());
  Ask("flood", &flood);
  shared_.Answer(FakeSharedQuota::NotYet(absl::Milliseconds(200)));
  ASSERT_TRUE(shared_.asks.empty());
  // The interactive caller, served less than the flood, is now the head:
  // it asks at once, so the shared state knows it waits.
  Ask("interactive", &interactive);
  ASSERT_EQ(shared_.asks.size(), 1u);
  EXPECT_EQ(shared_.asks[0].request.caller, "interactive");
}

TEST_F(SharedQuotaStewardTest, SameCallerAtTheHeadWaitsForTheRetry) {
  Turn first, second;
  Ask("web", &first);
  shared_.Answer(FakeSharedQuota::NotYet(absl::Milliseconds(200)));
  Ask("web", &second);
  EXPECT_TRUE(shared_.asks.empty());
}

TEST_F(SharedQuotaStewardTest, LongWaitIsAskedAgainOftenEnoughToStayInLine) {
  Turn turn;
  Ask("web", &turn);
  shared_.Answer(FakeSharedQuota::NotYet(absl::Seconds(20)));
  // The shared state forgets a waiting caller not asked for in 1.5 s.
  scheduler_.Advance(absl::Milliseconds(500));
  EXPECT_EQ(shared_.asks.size(), 1u);
}

TEST_F(SharedQuotaStewardTest, WaiterWhoseDeadlineComesFirstIsRefusedAtOnce) {
  Turn turn;
  Ask("web", &turn);  // A 30 s deadline.
  shared_.Answer(FakeSharedQuota::NotYet(absl::Seconds(50)));
  ASSERT_TRUE(turn.done);
  EXPECT_EQ(turn.result.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(steward_->Snap(RouteKind::kRead).waiting, 0u);
}

TEST_F(SharedQuotaStewardTest, WaiterWhoseDeadlineAllowsKeepsWaiting) {
  Turn turn;
  Ask("web", &turn);
  shared_.Answer(FakeSharedQuota::NotYet(absl::Seconds(20)));
  EXPECT_FALSE(turn.done);
  EXPECT_EQ(steward_->Snap(RouteKind::kRead).waiting, 1u);
}

TEST_F(SharedQuotaStewardTest, SettleTellsTheSharedStateWhatTheAnswerSaid) {
  Turn turn;
  Ask("web", &turn);
  shared_.Answer(FakeSharedQuota::Granted(3));
  policy::QuotaAnswer answer;
  answer.limit = 40;
  answer.remaining = 12;
  answer.retry_after_seconds = 5;
  steward_->Settle(*turn.result, answer);
  ASSERT_EQ(shared_.settled.size(), 1u);
  EXPECT_EQ(shared_.settled[0].reservation, turn.result->shared_reservation);
  EXPECT_EQ(shared_.settled[0].epoch, 3u);
  EXPECT_EQ(shared_.settled[0].answer.remaining, 12);
}

TEST_F(SharedQuotaStewardTest, ReleaseGivesTheSharedUnitBack) {
  Turn turn;
  Ask("web", &turn);
  shared_.Answer(FakeSharedQuota::Granted());
  steward_->Release(*turn.result);
  EXPECT_THAT(shared_.released,
              ::testing::ElementsAre(turn.result->shared_reservation));
}

TEST_F(SharedQuotaStewardTest, UnitGrantedAfterItsWaiterLeftIsGivenBack) {
  Turn turn;
  const QuotaAcquisition got = Ask("web", &turn);
  ASSERT_TRUE(steward_->Cancel(RouteKind::kRead, got.waiter));
  shared_.Answer(FakeSharedQuota::Granted());
  EXPECT_FALSE(turn.done);
  EXPECT_EQ(shared_.released.size(), 1u);
}

TEST_F(SharedQuotaStewardTest, SharedStateThatFailsLeavesTheOwnWindowToServe) {
  Turn turn;
  Ask("web", &turn);
  shared_.Answer(absl::DeadlineExceededError("redis: no answer in 100ms"));
  // The own window's probe: a unit nobody shares.
  ASSERT_TRUE(turn.done);
  ASSERT_TRUE(turn.result.ok());
  EXPECT_TRUE(turn.result->shared_reservation.empty());
  // For a while, calls are granted without asking the shared state.
  steward_->Settle(*turn.result, [] {
    policy::QuotaAnswer answer;
    answer.limit = 40;
    answer.remaining = 39;
    answer.retry_after_seconds = 5;
    return answer;
  }());
  Turn next;
  EXPECT_EQ(Ask("web", &next).result, QuotaAcquisition::Result::kGranted);
  EXPECT_TRUE(shared_.asks.empty());
}

TEST_F(SharedQuotaStewardTest, OwnWindowSpendsOnlyTheFallbackShare) {
  shared_.available_ = false;
  Turn probe;
  ASSERT_EQ(Ask("web", &probe).result, QuotaAcquisition::Result::kGranted);
  policy::QuotaAnswer answer;
  answer.limit = 40;
  answer.remaining = 40;
  answer.retry_after_seconds = 5;
  steward_->Settle(*probe.result, answer);
  // Half of 40 may go: the other 20 are kept back for the other replicas.
  int granted = 0;
  std::vector<Turn> turns(30);
  for (Turn& turn : turns) {
    if (Ask("web", &turn).result == QuotaAcquisition::Result::kGranted) {
      ++granted;
    }
  }
  EXPECT_EQ(granted, 20);
  EXPECT_TRUE(shared_.asks.empty());
}

TEST_F(SharedQuotaStewardTest, SharedStateBackInUseAfterTheFallbackPeriod) {
  Turn first;
  Ask("web", &first);
  shared_.Answer(absl::UnavailableError("redis: not connected"));
  ASSERT_TRUE(first.result.ok());
  scheduler_.Advance(absl::Seconds(1));
  Turn second;
  EXPECT_EQ(Ask("web", &second).result, QuotaAcquisition::Result::kQueued);
  EXPECT_EQ(shared_.asks.size(), 1u);
}

TEST_F(SharedQuotaStewardTest, SnapshotShowsTheSharedWindowsUnits) {
  Turn turn;
  Ask("web", &turn);
  SharedQuotaDecision decision = FakeSharedQuota::Granted();
  decision.available = 17;
  shared_.Answer(decision);
  EXPECT_EQ(steward_->Snap(RouteKind::kRead).available, 17);
}

}  // namespace
}  // namespace gateway::apivideo
