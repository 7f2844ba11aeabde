#include "gateway/policy/quota_window.h"

#include <vector>

#include "gtest/gtest.h"

namespace gateway::policy {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);
// Every reset time learnt is taken this much late.
const absl::Duration kMargin = QuotaWindow::kResetMargin;

QuotaAnswer Answer(std::int64_t limit, std::int64_t remaining,
                   std::int64_t retry_after_seconds) {
  QuotaAnswer answer;
  answer.limit = limit;
  answer.remaining = remaining;
  answer.retry_after_seconds = retry_after_seconds;
  return answer;
}

QuotaAnswer TooManyRequests(std::int64_t retry_after_seconds) {
  QuotaAnswer answer;
  answer.too_many_requests = true;
  answer.retry_after_seconds = retry_after_seconds;
  return answer;
}

// Reserves units at `now` until none is free; how many it got.
int ReserveAll(QuotaWindow& window, absl::Time now,
               std::vector<QuotaReservation>* taken = nullptr) {
  int count = 0;
  while (auto reservation = window.TryReserve(now)) {
    if (taken != nullptr) taken->push_back(*reservation);
    ++count;
    if (count > 10'000) break;
  }
  return count;
}

// A window learnt from one probe answered with `remaining` left of `limit`,
// resetting `retry_after` seconds after kStart.
QuotaWindow LearntWindow(std::int64_t limit, std::int64_t remaining,
                         std::int64_t retry_after, double share = 1.0,
                         double burst = 1.0) {
  QuotaWindow window({share, burst});
  auto probe = window.TryReserve(kStart);
  window.Settle(*probe, Answer(limit, remaining, retry_after), kStart);
  return window;
}

TEST(QuotaWindowTest, UnknownWindowLetsOneRequestGoAtATime) {
  QuotaWindow window;
  EXPECT_EQ(ReserveAll(window, kStart), 1);
  EXPECT_EQ(window.NextUnitAt(kStart), std::nullopt);
}

TEST(QuotaWindowTest, ProbeAnswerOpensWhatRemains) {
  QuotaWindow window = LearntWindow(40, 39, 5);
  EXPECT_EQ(ReserveAll(window, kStart), 39);
}

TEST(QuotaWindowTest, UnitsInFlightAreCountedAsSpent) {
  QuotaWindow window = LearntWindow(40, 10, 5);
  std::vector<QuotaReservation> taken;
  ASSERT_EQ(ReserveAll(window, kStart, &taken), 10);
  // Answers that say what the upstream already knew free nothing.
  window.Settle(taken[0], Answer(40, 9, 5), kStart);
  EXPECT_EQ(ReserveAll(window, kStart), 0);
}

TEST(QuotaWindowTest, OvertakenAnswerDoesNotGiveUnitsBack) {
  QuotaWindow window = LearntWindow(40, 10, 5);
  std::vector<QuotaReservation> taken;
  ReserveAll(window, kStart, &taken);
  window.Settle(taken[1], Answer(40, 0, 5), kStart);
  // Counted earlier, answered later: says 9 left, but 0 is the truth.
  window.Settle(taken[0], Answer(40, 9, 5), kStart);
  for (std::size_t i = 2; i < taken.size(); ++i) {
    window.Settle(taken[i], Answer(40, 0, 5), kStart);
  }
  EXPECT_EQ(ReserveAll(window, kStart), 0);
  EXPECT_EQ(window.NextUnitAt(kStart), kStart + absl::Seconds(5) + kMargin);
}

TEST(QuotaWindowTest, ReleasedUnitIsFreeAgain) {
  QuotaWindow window = LearntWindow(40, 1, 5);
  auto unit = window.TryReserve(kStart);
  ASSERT_TRUE(unit.has_value());
  EXPECT_FALSE(window.TryReserve(kStart).has_value());
  window.Release(*unit);
  EXPECT_TRUE(window.TryReserve(kStart).has_value());
}

TEST(QuotaWindowTest, ShareKeepsPartOfTheLimitForOthers) {
  QuotaWindow window = LearntWindow(100, 99, 60, /*share=*/0.25);
  // 25 of 100 are the gateway's; the probe spent one of them.
  EXPECT_EQ(ReserveAll(window, kStart), 24);
  EXPECT_EQ(window.UsableUnitsPerWindow(), 25);
}

TEST(QuotaWindowTest, OthersSpendingComesOutOfTheGatewaysShare) {
  QuotaWindow window = LearntWindow(100, 80, 60, /*share=*/0.25);
  // Another system spent 19: 80 left, 75 kept back, 5 for the gateway.
  EXPECT_EQ(ReserveAll(window, kStart), 5);
}

TEST(QuotaWindowTest, UsedUpWindowOpensAtItsResetTakenLate) {
  QuotaWindow window = LearntWindow(40, 0, 5);
  EXPECT_EQ(ReserveAll(window, kStart + absl::Seconds(5)), 0);
  EXPECT_EQ(window.NextUnitAt(kStart), kStart + absl::Seconds(5) + kMargin);
  // Reset: the new window is unknown, so one probe goes.
  EXPECT_EQ(ReserveAll(window, kStart + absl::Seconds(5) + kMargin), 1);
}

TEST(QuotaWindowTest, TooManyRequestsClosesTheWindowUntilRetryAfter) {
  QuotaWindow window = LearntWindow(40, 30, 5);
  auto unit = window.TryReserve(kStart);
  window.Settle(*unit, TooManyRequests(3), kStart + absl::Seconds(1));
  EXPECT_EQ(ReserveAll(window, kStart + absl::Seconds(1)), 0);
  // The window's own reset, the later of the two.
  EXPECT_EQ(window.NextUnitAt(kStart + absl::Seconds(1)),
            kStart + absl::Seconds(5) + kMargin);
}

TEST(QuotaWindowTest, TooManyRequestsWithoutRetryAfterWaitsOneSecond) {
  QuotaWindow window;
  auto unit = window.TryReserve(kStart);
  QuotaAnswer answer;
  answer.too_many_requests = true;
  window.Settle(*unit, answer, kStart);
  EXPECT_EQ(window.NextUnitAt(kStart), kStart + QuotaWindow::kDefaultWait);
}

TEST(QuotaWindowTest, AbsurdRetryAfterIsCapped) {
  QuotaWindow window = LearntWindow(40, 0, 1'800'000'000);
  EXPECT_EQ(window.NextUnitAt(kStart),
            kStart + QuotaWindow::kMaxWait + kMargin);
}

TEST(QuotaWindowTest, AnswerOfAnEndedWindowTeachesNothing) {
  QuotaWindow window = LearntWindow(40, 39, 5);
  auto old_unit = window.TryReserve(kStart + absl::Seconds(4));
  const absl::Time after_reset = kStart + absl::Seconds(6);
  // The old window's last answer arrives after the reset: low, and soon
  // to reset. The new window stays unknown until its own probe answers.
  window.Settle(*old_unit, Answer(40, 0, 1), after_reset);
  EXPECT_EQ(ReserveAll(window, after_reset), 1);
}

TEST(QuotaWindowTest, EarlyResetUpstreamStartsANewWindow) {
  QuotaWindow window = LearntWindow(40, 1, 5);
  auto unit = window.TryReserve(kStart + absl::Seconds(4));
  // api.video reset early; this request was counted in the next window.
  window.Settle(*unit, Answer(40, 39, 5), kStart + absl::Milliseconds(4500));
  EXPECT_EQ(ReserveAll(window, kStart + absl::Milliseconds(4500)), 39);
  EXPECT_EQ(window.window_length(), absl::Seconds(5));
}

TEST(QuotaWindowTest, FailedRequestThatMayHaveCountedSpendsAUnit) {
  QuotaWindow window = LearntWindow(40, 2, 5);
  auto unit = window.TryReserve(kStart);
  window.Settle(*unit, QuotaAnswer(), kStart);
  EXPECT_EQ(ReserveAll(window, kStart), 1);
}

TEST(QuotaWindowTest, RequestThatNeverLeftSpendsNothing) {
  QuotaWindow window = LearntWindow(40, 2, 5);
  auto unit = window.TryReserve(kStart);
  QuotaAnswer no_connection;
  no_connection.may_have_counted = false;
  window.Settle(*unit, no_connection, kStart);
  EXPECT_EQ(ReserveAll(window, kStart), 2);
}

TEST(QuotaWindowTest, BurstIsSpentAtOnceAndTheRestIsPaced) {
  // 40 units per 5 s, a quarter at once: 10, then one every 125 ms.
  QuotaWindow window = LearntWindow(40, 39, 5, /*share=*/1.0, /*burst=*/0.25);
  // The probe went before the limit, and so the bucket, was known.
  EXPECT_EQ(ReserveAll(window, kStart), 10);
  EXPECT_EQ(window.NextUnitAt(kStart), kStart + absl::Milliseconds(125));
  EXPECT_EQ(ReserveAll(window, kStart + absl::Milliseconds(124)), 0);
  EXPECT_EQ(ReserveAll(window, kStart + absl::Milliseconds(125)), 1);
  EXPECT_EQ(ReserveAll(window, kStart + absl::Milliseconds(625)), 4);
}

TEST(QuotaWindowTest, PacingNeverGoesBeyondTheWindow) {
  QuotaWindow window = LearntWindow(40, 3, 5, /*share=*/1.0, /*burst=*/0.25);
  EXPECT_EQ(ReserveAll(window, kStart + absl::Seconds(4)), 3);
  EXPECT_EQ(window.NextUnitAt(kStart + absl::Seconds(4)),
            kStart + absl::Seconds(5) + kMargin);
}

TEST(QuotaWindowTest, IdleBucketRefillsOnlyToTheBurst) {
  QuotaWindow window = LearntWindow(40, 39, 60, /*share=*/1.0, /*burst=*/0.25);
  ReserveAll(window, kStart);
  EXPECT_EQ(ReserveAll(window, kStart + absl::Seconds(59)), 10);
}

TEST(QuotaWindowTest, ReleasedUnitGoesBackToTheBucket) {
  QuotaWindow window = LearntWindow(40, 39, 5, /*share=*/1.0, /*burst=*/0.25);
  std::vector<QuotaReservation> taken;
  ReserveAll(window, kStart, &taken);
  window.Release(taken.back());
  EXPECT_EQ(ReserveAll(window, kStart), 1);
}

TEST(QuotaWindowTest, SuccessWithoutRateLimitHeadersHoldsNothingBack) {
  QuotaWindow window;
  auto probe = window.TryReserve(kStart);
  QuotaAnswer unmetered;
  unmetered.success = true;
  window.Settle(*probe, unmetered, kStart);
  EXPECT_EQ(ReserveAll(window, kStart), 10'001);  // ReserveAll's own cap.
  // An answer with the headers meters the route again.
  window.Settle(*probe, Answer(40, 0, 5), kStart);
  EXPECT_EQ(ReserveAll(window, kStart), 0);
}

TEST(QuotaWindowTest, ErrorWithoutRateLimitHeadersKeepsTheProbe) {
  QuotaWindow window;
  auto probe = window.TryReserve(kStart);
  QuotaAnswer bad_gateway;  // A proxy's 502: not a success.
  window.Settle(*probe, bad_gateway, kStart);
  EXPECT_EQ(ReserveAll(window, kStart), 1);
}

TEST(QuotaWindowTest, AvailableIsUnknownUntilTheFirstAnswer) {
  QuotaWindow window;
  EXPECT_EQ(window.available(kStart), std::nullopt);
  QuotaWindow learnt = LearntWindow(40, 12, 5);
  EXPECT_EQ(learnt.available(kStart), 12);
}

}  // namespace
}  // namespace gateway::policy
