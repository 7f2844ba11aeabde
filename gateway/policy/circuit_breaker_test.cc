#include "gateway/policy/circuit_breaker.h"

#include <algorithm>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace gateway::policy {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);
constexpr absl::Duration kOpenFor = absl::Milliseconds(500);
constexpr int kThreshold = 5;

CircuitBreakerOptions Options() {
  CircuitBreakerOptions options;
  options.failure_threshold = kThreshold;
  options.open_for = kOpenFor;
  options.max_open_for = absl::Seconds(30);
  return options;
}

// Records `n` failures of ordinary (non-probe) calls at `now`.
void Fail(CircuitBreaker& breaker, int n, absl::Time now) {
  for (int i = 0; i < n; ++i) breaker.RecordFailure(now, /*probe=*/false);
}

// How many ordinary failures in a row at `now` open `breaker` (stops at 100).
int FailuresToOpen(CircuitBreaker& breaker, absl::Time now) {
  int failures = 0;
  while (!breaker.IsOpen(now) && failures < 100) {
    Fail(breaker, 1, now);
    ++failures;
  }
  return failures;
}

// A breaker with Options(), and ways to bring it into its states.
class CircuitBreakerTest : public ::testing::Test {
 protected:
  // Opens the breaker at `now` with the threshold's worth of failures.
  void Open(absl::Time now) {
    Fail(breaker_, kThreshold, now);
    ASSERT_TRUE(breaker_.IsOpen(now));
  }

  // Opens the breaker at kT0, then lets the probe through at `now` (at or
  // after the end of the period): the breaker is half-open.
  void OpenAndAdmitProbe(absl::Time now) {
    Open(kT0);
    ASSERT_TRUE(breaker_.Admit(now).probe);
  }

  CircuitBreaker breaker_{Options()};
};

TEST_F(CircuitBreakerTest, StartsClosedAndAdmitsAsOrdinaryCalls) {
  EXPECT_FALSE(breaker_.IsOpen(kT0));
  for (int i = 0; i < 10; ++i) {
    const CircuitBreaker::Admission admission = breaker_.Admit(kT0);
    EXPECT_TRUE(admission.allowed);
    EXPECT_FALSE(admission.probe);
  }
}

TEST_F(CircuitBreakerTest, StaysClosedBelowThreshold) {
  Fail(breaker_, kThreshold - 1, kT0);
  EXPECT_FALSE(breaker_.IsOpen(kT0));
  EXPECT_TRUE(breaker_.Admit(kT0).allowed);
}

TEST_F(CircuitBreakerTest, ThresholdFailuresInARowOpenIt) {
  Fail(breaker_, kThreshold, kT0);
  EXPECT_TRUE(breaker_.IsOpen(kT0));
}

TEST_F(CircuitBreakerTest, SuccessResetsTheCount) {
  Fail(breaker_, kThreshold - 1, kT0);
  breaker_.RecordSuccess();
  EXPECT_EQ(FailuresToOpen(breaker_, kT0), kThreshold);
}

TEST_F(CircuitBreakerTest, OpenRefusesWithRetryAtEndOfPeriod) {
  Open(kT0);
  const CircuitBreaker::Admission admission =
      breaker_.Admit(kT0 + absl::Milliseconds(100));
  EXPECT_FALSE(admission.allowed);
  EXPECT_FALSE(admission.probe);
  EXPECT_EQ(admission.retry_at, kT0 + kOpenFor);
}

TEST_F(CircuitBreakerTest, OpenRefusesEveryCallUntilThePeriodEnds) {
  Open(kT0);
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(breaker_.Admit(kT0 + kOpenFor - absl::Nanoseconds(1)).allowed);
  }
}

TEST_F(CircuitBreakerTest, AfterThePeriodAdmitsOneProbe) {
  Open(kT0);
  const CircuitBreaker::Admission probe = breaker_.Admit(kT0 + kOpenFor);
  EXPECT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
}

TEST_F(CircuitBreakerTest, WhileProbingOthersAreRefusedForAnotherPeriod) {
  const absl::Time after = kT0 + kOpenFor + absl::Milliseconds(7);
  OpenAndAdmitProbe(after);
  const CircuitBreaker::Admission other = breaker_.Admit(after);
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.retry_at, after + kOpenFor);
  EXPECT_TRUE(breaker_.IsOpen(after));
}

TEST_F(CircuitBreakerTest, ProbeSuccessClosesIt) {
  const absl::Time after = kT0 + kOpenFor;
  OpenAndAdmitProbe(after);
  breaker_.RecordSuccess();
  EXPECT_FALSE(breaker_.IsOpen(after));
  const CircuitBreaker::Admission admission = breaker_.Admit(after);
  EXPECT_TRUE(admission.allowed);
  EXPECT_FALSE(admission.probe);
}

TEST_F(CircuitBreakerTest, AfterClosingTheFullThresholdIsNeededAgain) {
  const absl::Time after = kT0 + kOpenFor;
  OpenAndAdmitProbe(after);
  breaker_.RecordSuccess();
  EXPECT_EQ(FailuresToOpen(breaker_, after), kThreshold);
}

TEST_F(CircuitBreakerTest, ProbeFailureReopensForTwiceAsLong) {
  OpenAndAdmitProbe(kT0 + kOpenFor);
  const absl::Time failed = kT0 + kOpenFor + absl::Milliseconds(30);
  breaker_.RecordFailure(failed, /*probe=*/true);
  const CircuitBreaker::Admission admission = breaker_.Admit(failed);
  EXPECT_FALSE(admission.allowed);
  EXPECT_EQ(admission.retry_at, failed + 2 * kOpenFor);
  EXPECT_FALSE(
      breaker_.Admit(failed + 2 * kOpenFor - absl::Nanoseconds(1)).allowed);
  EXPECT_TRUE(breaker_.Admit(failed + 2 * kOpenFor).probe);
}

TEST_F(CircuitBreakerTest, EachFailedProbeDoublesTheWaitUpToMax) {
  Open(kT0);
  absl::Time now = kT0 + kOpenFor;
  absl::Duration expected = kOpenFor;
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(breaker_.Admit(now).probe) << "probe " << i;
    breaker_.RecordFailure(now, /*probe=*/true);
    expected = std::min(expected * 2, absl::Seconds(30));
    const CircuitBreaker::Admission refused = breaker_.Admit(now);
    ASSERT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_at - now, expected) << "probe " << i;
    now = refused.retry_at;
  }
  EXPECT_EQ(expected, absl::Seconds(30));  // The cap was reached.
}

TEST_F(CircuitBreakerTest, SuccessResetsTheWaitToOpenFor) {
  Open(kT0);
  absl::Time now = kT0 + kOpenFor;
  for (int i = 0; i < 3; ++i) {  // Wait grows to 4 s.
    ASSERT_TRUE(breaker_.Admit(now).probe);
    breaker_.RecordFailure(now, /*probe=*/true);
    now = breaker_.Admit(now).retry_at;
  }
  ASSERT_TRUE(breaker_.Admit(now).probe);
  breaker_.RecordSuccess();
  Open(now);
  EXPECT_EQ(breaker_.Admit(now).retry_at, now + kOpenFor);
}

TEST_F(CircuitBreakerTest, NonProbeFailuresWhileOpenChangeNothing) {
  Open(kT0);
  // Calls admitted before it opened fail later: the period stays put.
  Fail(breaker_, 20, kT0 + absl::Milliseconds(400));
  EXPECT_EQ(breaker_.Admit(kT0 + absl::Milliseconds(400)).retry_at,
            kT0 + kOpenFor);
  EXPECT_TRUE(breaker_.Admit(kT0 + kOpenFor).probe);
}

TEST_F(CircuitBreakerTest, NonProbeFailuresWhileProbingChangeNothing) {
  const absl::Time probe_time = kT0 + kOpenFor;
  OpenAndAdmitProbe(probe_time);
  Fail(breaker_, 20, probe_time + absl::Milliseconds(100));
  EXPECT_EQ(breaker_.Admit(probe_time).retry_at, probe_time + kOpenFor);
  // The probe's success still closes it.
  breaker_.RecordSuccess();
  EXPECT_FALSE(breaker_.IsOpen(probe_time));
}

TEST_F(CircuitBreakerTest, ProbeThatNeverReportsCostsOnePeriod) {
  const absl::Time first_probe = kT0 + kOpenFor;
  OpenAndAdmitProbe(first_probe);
  // The probe is cancelled and never reports: one period later another call
  // probes.
  EXPECT_FALSE(
      breaker_.Admit(first_probe + kOpenFor - absl::Nanoseconds(1)).allowed);
  const CircuitBreaker::Admission second =
      breaker_.Admit(first_probe + kOpenFor);
  EXPECT_TRUE(second.allowed);
  EXPECT_TRUE(second.probe);
}

TEST_F(CircuitBreakerTest, LostProbeCostsOnePeriodEvenAfterTheWaitGrew) {
  absl::Time now = kT0 + kOpenFor;
  OpenAndAdmitProbe(now);
  breaker_.RecordFailure(now, /*probe=*/true);  // Wait is now 1 s.
  now += absl::Seconds(1);
  ASSERT_TRUE(breaker_.Admit(now).probe);  // This one never reports.
  EXPECT_TRUE(breaker_.Admit(now + kOpenFor).probe);
}

TEST_F(CircuitBreakerTest, IsOpenOnlyDuringThePeriod) {
  Open(kT0);
  EXPECT_TRUE(breaker_.IsOpen(kT0 + kOpenFor - absl::Nanoseconds(1)));
  EXPECT_FALSE(breaker_.IsOpen(kT0 + kOpenFor));
}

TEST(CircuitBreaker, CustomThreshold) {
  CircuitBreakerOptions options = Options();
  options.failure_threshold = 2;
  CircuitBreaker breaker(options);
  EXPECT_EQ(FailuresToOpen(breaker, kT0), 2);
}

// ---- The defaults README.md promises
// ----------------------------------------- "5 upstream failures in a row: the
// circuit opens ... for 0.5 s; then one call probes, and each failed probe
// doubles the wait up to 30 s." These use CircuitBreakerOptions{} as the
// gateway does, not Options() above.

TEST(CircuitBreakerDefaultsTest, FiveFailuresInARowOpenIt) {
  CircuitBreaker breaker;
  EXPECT_EQ(FailuresToOpen(breaker, kT0), 5);
}

TEST(CircuitBreakerDefaultsTest, ItStaysOpenHalfASecondThenAdmitsOneProbe) {
  CircuitBreaker breaker;
  Fail(breaker, 5, kT0);
  EXPECT_FALSE(breaker.Admit(kT0 + absl::Milliseconds(499)).allowed);
  const CircuitBreaker::Admission probe =
      breaker.Admit(kT0 + absl::Milliseconds(500));
  EXPECT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
}

TEST(CircuitBreakerDefaultsTest,
     EachFailedProbeDoublesTheWaitUpToThirtySeconds) {
  CircuitBreaker breaker;
  Fail(breaker, 5, kT0);
  absl::Time opened = kT0;
  absl::Duration wait = absl::Milliseconds(500);
  std::vector<absl::Duration> waits;
  for (int round = 0; round < 9; ++round) {
    ASSERT_FALSE(breaker.Admit(opened + wait - absl::Milliseconds(1)).allowed)
        << "round " << round;
    const absl::Time probe_at = opened + wait;
    ASSERT_TRUE(breaker.Admit(probe_at).probe) << "round " << round;
    waits.push_back(wait);
    breaker.RecordFailure(probe_at, /*probe=*/true);
    opened = probe_at;
    wait = std::min(wait * 2, absl::Seconds(30));
  }
  // 0.5, 1, 2, 4, 8, 16, then 30 and 30 again: the cap holds.
  EXPECT_EQ(waits[5], absl::Seconds(16));
  EXPECT_EQ(waits[6], absl::Seconds(30));
  EXPECT_EQ(waits[8], absl::Seconds(30));
}

}  // namespace
}  // namespace gateway::policy
