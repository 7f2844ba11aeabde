#include "gateway/policy/rate_limit_gate.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>

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

// api.video's windows last a minute. A Retry-After that is an epoch time sent
// by mistake, or int64's largest value, must not close the gate until the
// gateway restarts: nothing goes upstream meanwhile to reopen it.
TEST(RateLimitGate, HugeRetryAfterClosesForAtMostFiveMinutes) {
  for (const std::int64_t retry_after :
       {std::int64_t{1'800'000'000},
        std::numeric_limits<std::int64_t>::max()}) {
    RateLimitGate gate;
    gate.Record(RouteKind::kWrite, 0, retry_after, true, kT0);
    EXPECT_EQ(gate.OpensAt(RouteKind::kWrite, kT0), kT0 + absl::Minutes(5))
        << retry_after;
  }
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

struct WaitCase {
  const char* name;
  absl::Duration wait;
  absl::Duration max_wait;
  absl::Duration time_left;
  bool should_wait;
};

void PrintTo(const WaitCase& c, std::ostream* os) { *os << c.name; }

const absl::Duration kOneMs = absl::Milliseconds(1);

const WaitCase kWaitCases[] = {
    // name, wait, max_wait, time_left, should_wait
    {"NeverWhenWaitingIsOff", kOneMs, absl::ZeroDuration(), absl::Seconds(60),
     false},
    {"WithinMaxWaitAndHalfTheTimeLeft", absl::Seconds(2), absl::Seconds(5),
     absl::Seconds(10), true},
    {"ForExactlyMaxWait", absl::Seconds(5), absl::Seconds(5), absl::Seconds(60),
     true},
    {"NotBeyondMaxWait", absl::Seconds(5) + kOneMs, absl::Seconds(5),
     absl::Seconds(60), false},
    {"ForExactlyHalfTheTimeLeft", absl::Seconds(3), absl::Seconds(10),
     absl::Seconds(6), true},
    {"NotForMoreThanHalfTheTimeLeft", absl::Seconds(3) + kOneMs,
     absl::Seconds(10), absl::Seconds(6), false},
    {"WithoutDeadline", absl::Seconds(3), absl::Seconds(10),
     absl::InfiniteDuration(), true},
    {"NotWhenNoTimeIsLeft", kOneMs, absl::Seconds(10), absl::ZeroDuration(),
     false},
};

class ShouldWaitForWindowTest : public ::testing::TestWithParam<WaitCase> {};

TEST_P(ShouldWaitForWindowTest, Waits) {
  const WaitCase& c = GetParam();
  EXPECT_EQ(ShouldWaitForWindow(c.wait, c.max_wait, c.time_left),
            c.should_wait);
}

INSTANTIATE_TEST_SUITE_P(ShouldWaitForWindow, ShouldWaitForWindowTest,
                         ::testing::ValuesIn(kWaitCases),
                         [](const ::testing::TestParamInfo<WaitCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace gateway::policy
