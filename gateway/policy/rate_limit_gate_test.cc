#include "gateway/policy/rate_limit_gate.h"

#include <optional>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace gateway::policy {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

TEST(RateLimitGate, StartsOpenForBothKinds) {
  RateLimitGate gate;
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0), kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kWrite, kT0), kT0);
}

TEST(RateLimitGate, RemainingAboveZeroLeavesItOpen) {
  RateLimitGate gate;
  gate.Record(RouteKind::kRead, /*remaining=*/1, /*retry_after_seconds=*/30,
              /*too_many_requests=*/false, kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0), kT0);
}

TEST(RateLimitGate, AnswerWithoutHeadersLeavesItOpen) {
  RateLimitGate gate;
  gate.Record(RouteKind::kRead, std::nullopt, std::nullopt, false, kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0), kT0);
}

TEST(RateLimitGate, RemainingZeroClosesUntilRetryAfter) {
  RateLimitGate gate;
  gate.Record(RouteKind::kRead, 0, 30, false, kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0), kT0 + absl::Seconds(30));
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0 + absl::Seconds(10)),
            kT0 + absl::Seconds(30));
}

TEST(RateLimitGate, NegativeRemainingAlsoCloses) {
  RateLimitGate gate;
  gate.Record(RouteKind::kRead, -1, 5, false, kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0), kT0 + absl::Seconds(5));
}

TEST(RateLimitGate, TooManyRequestsClosesWhateverRemainingSays) {
  RateLimitGate gate;
  gate.Record(RouteKind::kWrite, /*remaining=*/7, 12, true, kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kWrite, kT0), kT0 + absl::Seconds(12));
}

TEST(RateLimitGate, TooManyRequestsWithoutHeadersClosesForDefaultWait) {
  RateLimitGate gate;
  gate.Record(RouteKind::kWrite, std::nullopt, std::nullopt, true, kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kWrite, kT0),
            kT0 + RateLimitGate::kDefaultWait);
  EXPECT_EQ(RateLimitGate::kDefaultWait, absl::Seconds(1));
}

TEST(RateLimitGate, RemainingZeroWithoutRetryAfterClosesForDefaultWait) {
  RateLimitGate gate;
  gate.Record(RouteKind::kRead, 0, std::nullopt, false, kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0),
            kT0 + RateLimitGate::kDefaultWait);
}

TEST(RateLimitGate, ReopensOnceTheWindowHasPassed) {
  RateLimitGate gate;
  gate.Record(RouteKind::kRead, 0, 30, false, kT0);
  const absl::Time later = kT0 + absl::Seconds(31);
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, later), later);
}

TEST(RateLimitGate, ReadsAndWritesAreSeparate) {
  RateLimitGate gate;
  gate.Record(RouteKind::kWrite, 0, 30, false, kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0), kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kWrite, kT0), kT0 + absl::Seconds(30));

  gate.Record(RouteKind::kRead, std::nullopt, 10, true, kT0);
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0), kT0 + absl::Seconds(10));
  EXPECT_EQ(gate.OpensAt(RouteKind::kWrite, kT0), kT0 + absl::Seconds(30));
}

TEST(RateLimitGate, StaleShorterWindowNeverMovesItEarlier) {
  RateLimitGate gate;
  gate.Record(RouteKind::kRead, 0, 30, false, kT0);
  // An answer to an earlier request, arriving later, with a shorter wait.
  gate.Record(RouteKind::kRead, 0, 5, false, kT0 + absl::Seconds(1));
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0), kT0 + absl::Seconds(30));
}

TEST(RateLimitGate, AnswerWithRemainingLeftDoesNotReopenIt) {
  RateLimitGate gate;
  gate.Record(RouteKind::kRead, 0, 30, false, kT0);
  gate.Record(RouteKind::kRead, 50, 60, false, kT0 + absl::Seconds(1));
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0 + absl::Seconds(1)),
            kT0 + absl::Seconds(30));
}

TEST(RateLimitGate, LaterWindowMovesItLater) {
  RateLimitGate gate;
  gate.Record(RouteKind::kRead, 0, 5, false, kT0);
  gate.Record(RouteKind::kRead, std::nullopt, 20, true, kT0 + absl::Seconds(2));
  EXPECT_EQ(gate.OpensAt(RouteKind::kRead, kT0), kT0 + absl::Seconds(22));
}

TEST(RateLimitGate, WindowCountsFromTheAnswersArrival) {
  RateLimitGate gate;
  const absl::Time arrival = kT0 + absl::Seconds(100);
  gate.Record(RouteKind::kWrite, 0, 10, false, arrival);
  EXPECT_EQ(gate.OpensAt(RouteKind::kWrite, kT0), arrival + absl::Seconds(10));
}

// --- ShouldWaitForWindow ----------------------------------------------------

TEST(ShouldWaitForWindow, NeverWaitsWhenWaitingIsOff) {
  EXPECT_FALSE(ShouldWaitForWindow(absl::Milliseconds(1), absl::ZeroDuration(),
                                   absl::Seconds(60)));
}

TEST(ShouldWaitForWindow, WaitsWithinMaxWaitAndHalfTheTimeLeft) {
  EXPECT_TRUE(ShouldWaitForWindow(absl::Seconds(2), absl::Seconds(5),
                                  absl::Seconds(10)));
}

TEST(ShouldWaitForWindow, WaitsForExactlyMaxWait) {
  EXPECT_TRUE(ShouldWaitForWindow(absl::Seconds(5), absl::Seconds(5),
                                  absl::Seconds(60)));
}

TEST(ShouldWaitForWindow, DoesNotWaitBeyondMaxWait) {
  EXPECT_FALSE(ShouldWaitForWindow(absl::Seconds(5) + absl::Milliseconds(1),
                                   absl::Seconds(5), absl::Seconds(60)));
}

TEST(ShouldWaitForWindow, WaitsForExactlyHalfTheTimeLeft) {
  EXPECT_TRUE(ShouldWaitForWindow(absl::Seconds(3), absl::Seconds(10),
                                  absl::Seconds(6)));
}

TEST(ShouldWaitForWindow, DoesNotWaitForMoreThanHalfTheTimeLeft) {
  EXPECT_FALSE(ShouldWaitForWindow(absl::Seconds(3) + absl::Milliseconds(1),
                                   absl::Seconds(10), absl::Seconds(6)));
}

TEST(ShouldWaitForWindow, WaitsWithoutDeadline) {
  EXPECT_TRUE(ShouldWaitForWindow(absl::Seconds(3), absl::Seconds(10),
                                  absl::InfiniteDuration()));
}

TEST(ShouldWaitForWindow, DoesNotWaitWhenNoTimeIsLeft) {
  EXPECT_FALSE(ShouldWaitForWindow(absl::Milliseconds(1), absl::Seconds(10),
                                   absl::ZeroDuration()));
}

}  // namespace
}  // namespace gateway::policy
