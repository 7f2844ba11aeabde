#include "gateway/apivideo/quota_steward.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_details.h"
#include "gateway/common/testing/fake_scheduler.h"
#include "gateway/common/testing/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::gateway::testing::ErrorReason;
using ::gateway::testing::FakeScheduler;
using policy::RouteKind;

constexpr absl::Duration kLatency = absl::Milliseconds(50);
// A window learnt to reset in 5 s is taken to reset 1 s later.
const absl::Duration kReset =
    absl::Seconds(5) + policy::QuotaWindow::kResetMargin;

policy::QuotaAnswer Answer(std::int64_t limit, std::int64_t remaining,
                           std::int64_t retry_after_seconds) {
  policy::QuotaAnswer answer;
  answer.limit = limit;
  answer.remaining = remaining;
  answer.retry_after_seconds = retry_after_seconds;
  return answer;
}

// One call waiting for its turn, as a test sees it.
struct Turn {
  bool done = false;
  absl::StatusOr<QuotaGrant> result = absl::UnknownError("not yet");
};

class QuotaStewardTest : public ::testing::Test {
 protected:
  // Pacing apart (burst 1) unless a test says otherwise: most tests are
  // about who gets a window's units, not when.
  static QuotaStewardOptions Unpaced() {
    QuotaStewardOptions options;
    options.burst = 1.0;
    return options;
  }

  void MakeSteward(QuotaStewardOptions options = Unpaced()) {
    steward_ = std::make_unique<QuotaSteward>(
        scheduler_, std::move(options), [this] { return scheduler_.Now(); });
  }

  QuotaRequest Request(absl::string_view caller,
                       absl::Duration deadline = absl::Seconds(30)) {
    QuotaRequest request;
    request.kind = RouteKind::kRead;
    request.caller = std::string(caller);
    request.deadline = scheduler_.Now() + deadline;
    request.min_request_time = absl::Milliseconds(5);
    request.route = "GET /upload-tokens/{token}";
    return request;
  }

  // Asks for a unit; the turn is filled in now or when the callback runs.
  QuotaAcquisition Ask(const QuotaRequest& request, Turn* turn) {
    QuotaAcquisition got =
        steward_->Acquire(request, [turn](absl::StatusOr<QuotaGrant> result) {
          turn->done = true;
          turn->result = std::move(result);
        });
    if (got.result == QuotaAcquisition::Result::kGranted) {
      turn->done = true;
      turn->result = got.grant;
    } else if (got.result == QuotaAcquisition::Result::kRefused) {
      turn->done = true;
      turn->result = got.refusal;
    }
    return got;
  }

  // Teaches the steward a window of `limit` reads with `remaining` left,
  // resetting in `retry_after` seconds, through one probe.
  void LearnWindow(std::int64_t limit, std::int64_t remaining,
                   std::int64_t retry_after) {
    Turn probe;
    Ask(Request("probe"), &probe);
    ASSERT_TRUE(probe.result.ok());
    scheduler_.Advance(kLatency);
    steward_->Settle(*probe.result, Answer(limit, remaining, retry_after));
  }

  FakeScheduler scheduler_;
  std::unique_ptr<QuotaSteward> steward_;
};

TEST_F(QuotaStewardTest, FirstRequestIsGrantedAtOnce) {
  MakeSteward();
  Turn turn;
  EXPECT_EQ(Ask(Request("web"), &turn).result,
            QuotaAcquisition::Result::kGranted);
}

TEST_F(QuotaStewardTest, SecondRequestWaitsForTheProbesAnswer) {
  MakeSteward();
  Turn probe, second;
  Ask(Request("web"), &probe);
  EXPECT_EQ(Ask(Request("web"), &second).result,
            QuotaAcquisition::Result::kQueued);
  EXPECT_FALSE(second.done);
  steward_->Settle(*probe.result, Answer(40, 39, 5));
  EXPECT_TRUE(second.done);
  EXPECT_TRUE(second.result.ok());
}

TEST_F(QuotaStewardTest, UsedUpWindowQueuesUntilItsReset) {
  MakeSteward();
  LearnWindow(40, 0, 5);
  Turn turn;
  ASSERT_EQ(Ask(Request("web"), &turn).result,
            QuotaAcquisition::Result::kQueued);
  scheduler_.Advance(kReset - absl::Milliseconds(1));
  EXPECT_FALSE(turn.done);
  scheduler_.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(turn.done);
  EXPECT_TRUE(turn.result.ok());
}

TEST_F(QuotaStewardTest, DeadlineShorterThanTheWaitIsRefusedAtOnce) {
  MakeSteward();
  LearnWindow(40, 0, 5);
  Turn turn;
  QuotaAcquisition got = Ask(Request("web", absl::Seconds(2)), &turn);
  ASSERT_EQ(got.result, QuotaAcquisition::Result::kRefused);
  EXPECT_EQ(got.refusal.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(got.refusal), "TOO_MANY_REQUESTS");
  auto retry = GetDetail<google::rpc::RetryInfo>(got.refusal);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), absl::ToInt64Seconds(kReset));
  auto quota = GetDetail<google::rpc::QuotaFailure>(got.refusal);
  ASSERT_TRUE(quota.has_value());
  ASSERT_EQ(quota->violations_size(), 1);
  EXPECT_EQ(quota->violations(0).subject(), "web");
  EXPECT_EQ(got.rate_limit.remaining, 0);
  EXPECT_EQ(got.rate_limit.retry_after_seconds, absl::ToInt64Seconds(kReset));
}

TEST_F(QuotaStewardTest, UnnamedCallerIsTheAnonymousCaller) {
  MakeSteward();
  LearnWindow(40, 0, 5);
  Turn turn;
  QuotaAcquisition got = Ask(Request("", absl::Seconds(1)), &turn);
  auto quota = GetDetail<google::rpc::QuotaFailure>(got.refusal);
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->violations(0).subject(), "anonymous");
}

TEST_F(QuotaStewardTest, WaiterOutOfTimeIsRefusedAtItsLatestStart) {
  MakeSteward();
  Turn probe, waiter;
  Ask(Request("web"), &probe);
  // The probe's answer never comes; the waiter has a second.
  ASSERT_EQ(Ask(Request("web", absl::Seconds(1)), &waiter).result,
            QuotaAcquisition::Result::kQueued);
  scheduler_.Advance(absl::Milliseconds(850));
  EXPECT_FALSE(waiter.done);
  // It leaves the time the request needs (the latency estimate, 100 ms).
  scheduler_.Advance(absl::Milliseconds(60));
  ASSERT_TRUE(waiter.done);
  EXPECT_EQ(waiter.result.status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(
      GetDetail<google::rpc::RetryInfo>(waiter.result.status()).has_value());
  EXPECT_EQ(steward_->Snap(RouteKind::kRead).waiting, 0u);
}

TEST_F(QuotaStewardTest, CancelledWaiterLeavesAndTakesNothing) {
  MakeSteward();
  LearnWindow(40, 0, 5);
  Turn cancelled, next;
  QuotaAcquisition got = Ask(Request("web"), &cancelled);
  Ask(Request("web"), &next);
  EXPECT_TRUE(steward_->Cancel(RouteKind::kRead, got.waiter));
  EXPECT_FALSE(steward_->Cancel(RouteKind::kRead, got.waiter));
  EXPECT_EQ(steward_->Snap(RouteKind::kRead).waiting, 1u);
  scheduler_.Advance(kReset);
  EXPECT_FALSE(cancelled.done);
  EXPECT_TRUE(next.done);
}

TEST_F(QuotaStewardTest, ReleasedUnitGoesToTheNextWaiter) {
  MakeSteward();
  Turn probe, waiter;
  Ask(Request("web"), &probe);
  Ask(Request("web"), &waiter);
  steward_->Release(*probe.result);
  EXPECT_TRUE(waiter.done);
}

TEST_F(QuotaStewardTest, NewArrivalDoesNotOvertakeTheQueue) {
  MakeSteward();
  Turn probe, first, second;
  Ask(Request("web"), &probe);
  Ask(Request("web"), &first);
  // A unit given back goes to the waiter, not to a newcomer.
  steward_->Release(*probe.result);
  ASSERT_TRUE(first.done);
  EXPECT_EQ(Ask(Request("web"), &second).result,
            QuotaAcquisition::Result::kQueued);
}

TEST_F(QuotaStewardTest, CallerWithinItsShareIsServedBeforeTheFlood) {
  MakeSteward();
  LearnWindow(4, 0, 5);
  std::vector<Turn> flood(20);
  for (Turn& turn : flood) Ask(Request("flood"), &turn);
  Turn interactive;
  Ask(Request("interactive"), &interactive);
  // The reset's probe goes to the flood's first waiter, who came first;
  // the next unit is the interactive caller's.
  scheduler_.Advance(kReset);
  ASSERT_TRUE(flood[0].done);
  EXPECT_FALSE(interactive.done);
  steward_->Settle(*flood[0].result, Answer(4, 3, 5));
  EXPECT_TRUE(interactive.done);
  EXPECT_TRUE(interactive.result.ok());
  int flood_served = 0;
  for (const Turn& turn : flood) flood_served += turn.done ? 1 : 0;
  EXPECT_EQ(flood_served, 3);
}

TEST_F(QuotaStewardTest, WeightsShareAWindowInProportion) {
  QuotaStewardOptions options = Unpaced();
  options.weights["heavy"] = 3;
  MakeSteward(options);
  LearnWindow(9, 0, 5);
  std::vector<Turn> heavy(20), light(20);
  for (int i = 0; i < 20; ++i) {
    Ask(Request("heavy"), &heavy[i]);
    Ask(Request("light"), &light[i]);
  }
  scheduler_.Advance(kReset);
  // The new window's probe goes first; its answer opens the other eight.
  ASSERT_TRUE(heavy[0].done);
  steward_->Settle(*heavy[0].result, Answer(9, 8, 5));
  int heavy_served = 0, light_served = 0;
  for (const Turn& turn : heavy) heavy_served += turn.done ? 1 : 0;
  for (const Turn& turn : light) light_served += turn.done ? 1 : 0;
  EXPECT_EQ(heavy_served + light_served, 9);
  EXPECT_EQ(heavy_served, 7);  // 3:1 of 9, after the probe went first.
}

TEST_F(QuotaStewardTest, LateCallerFindsAUnitWithinAPacingStep) {
  QuotaStewardOptions options;
  options.burst = 0.25;
  MakeSteward(options);
  LearnWindow(40, 39, 5);
  // The flood takes the burst and queues for the rest of the window.
  std::vector<Turn> flood(60);
  for (Turn& turn : flood) Ask(Request("flood"), &turn);
  scheduler_.Advance(absl::Seconds(2));
  Turn interactive;
  Ask(Request("interactive"), &interactive);
  // A unit comes every 125 ms; the next is the interactive caller's.
  scheduler_.Advance(absl::Milliseconds(125));
  EXPECT_TRUE(interactive.done);
  EXPECT_TRUE(interactive.result.ok());
}

TEST_F(QuotaStewardTest, TooManyRequestsKeepsUnitsUntilRetryAfter) {
  MakeSteward();
  Turn turn;
  Ask(Request("web"), &turn);
  policy::QuotaAnswer too_many;
  too_many.too_many_requests = true;
  too_many.retry_after_seconds = 7;
  steward_->Settle(*turn.result, too_many);
  EXPECT_EQ(steward_->TimeUntilUnit(RouteKind::kRead),
            absl::Seconds(7) + policy::QuotaWindow::kResetMargin);
}

TEST_F(QuotaStewardTest, ReadsAndWritesHaveWindowsOfTheirOwn) {
  MakeSteward();
  LearnWindow(40, 0, 5);
  Turn write;
  QuotaRequest request = Request("web");
  request.kind = RouteKind::kWrite;
  EXPECT_EQ(Ask(request, &write).result, QuotaAcquisition::Result::kGranted);
}

TEST_F(QuotaStewardTest, ObserverHearsGrantsWaitsAndRefusals) {
  struct Recorder : QuotaObserver {
    void OnGranted(absl::string_view caller, RouteKind,
                   absl::Duration waited) override {
      granted.push_back(
          absl::StrCat(caller, ":", absl::FormatDuration(waited)));
    }
    void OnRefused(absl::string_view caller, RouteKind) override {
      refused.emplace_back(caller);
    }
    std::vector<std::string> granted, refused;
  } recorder;
  steward_ = std::make_unique<QuotaSteward>(
      scheduler_, Unpaced(), [this] { return scheduler_.Now(); }, &recorder);
  Turn probe, waiter, refused;
  Ask(Request("a"), &probe);
  Ask(Request("b"), &waiter);
  scheduler_.Advance(absl::Milliseconds(50));
  steward_->Settle(*probe.result, Answer(40, 1, 5));
  Ask(Request("c", absl::Seconds(1)), &refused);
  EXPECT_THAT(recorder.granted, ::testing::ElementsAre("a:0", "b:50ms"));
  EXPECT_THAT(recorder.refused, ::testing::ElementsAre("c"));
}

}  // namespace
}  // namespace gateway::apivideo
