#include "gateway/policy/circuit_breaker.h"

#include <algorithm>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace gateway::policy {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);
constexpr absl::Duration kOpenFor = absl::Milliseconds(500);

CircuitBreakerOptions Options() {
  CircuitBreakerOptions options;
  options.failure_threshold = 5;
  options.open_for = kOpenFor;
  options.max_open_for = absl::Seconds(30);
  return options;
}

// Records `n` failures of ordinary (non-probe) calls at `now`.
void Fail(CircuitBreaker& breaker, int n, absl::Time now) {
  for (int i = 0; i < n; ++i) breaker.RecordFailure(now, /*probe=*/false);
}

// Opens `breaker` at `now` with the threshold's worth of failures.
void Open(CircuitBreaker& breaker, absl::Time now) {
  Fail(breaker, Options().failure_threshold, now);
  ASSERT_TRUE(breaker.IsOpen(now));
}

TEST(CircuitBreaker, StartsClosedAndAdmitsAsOrdinaryCalls) {
  CircuitBreaker breaker(Options());
  EXPECT_FALSE(breaker.IsOpen(kT0));
  for (int i = 0; i < 10; ++i) {
    const CircuitBreaker::Admission admission = breaker.Admit(kT0);
    EXPECT_TRUE(admission.allowed);
    EXPECT_FALSE(admission.probe);
  }
}

TEST(CircuitBreaker, StaysClosedBelowThreshold) {
  CircuitBreaker breaker(Options());
  Fail(breaker, 4, kT0);
  EXPECT_FALSE(breaker.IsOpen(kT0));
  EXPECT_TRUE(breaker.Admit(kT0).allowed);
}

TEST(CircuitBreaker, ThresholdFailuresInARowOpenIt) {
  CircuitBreaker breaker(Options());
  Fail(breaker, 5, kT0);
  EXPECT_TRUE(breaker.IsOpen(kT0));
}

TEST(CircuitBreaker, SuccessResetsTheCount) {
  CircuitBreaker breaker(Options());
  Fail(breaker, 4, kT0);
  breaker.RecordSuccess();
  Fail(breaker, 4, kT0);
  EXPECT_FALSE(breaker.IsOpen(kT0));
  Fail(breaker, 1, kT0);
  EXPECT_TRUE(breaker.IsOpen(kT0));
}

TEST(CircuitBreaker, OpenRefusesWithRetryAtEndOfPeriod) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  const absl::Time during = kT0 + absl::Milliseconds(100);
  const CircuitBreaker::Admission admission = breaker.Admit(during);
  EXPECT_FALSE(admission.allowed);
  EXPECT_FALSE(admission.probe);
  EXPECT_EQ(admission.retry_at, kT0 + kOpenFor);
}

TEST(CircuitBreaker, OpenRefusesEveryCallUntilThePeriodEnds) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(breaker.Admit(kT0 + kOpenFor - absl::Nanoseconds(1)).allowed);
  }
}

TEST(CircuitBreaker, AfterThePeriodAdmitsOneProbe) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  const absl::Time after = kT0 + kOpenFor;
  const CircuitBreaker::Admission probe = breaker.Admit(after);
  EXPECT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
}

TEST(CircuitBreaker, WhileProbingOthersAreRefusedForAnotherPeriod) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  const absl::Time after = kT0 + kOpenFor + absl::Milliseconds(7);
  ASSERT_TRUE(breaker.Admit(after).probe);
  const CircuitBreaker::Admission other = breaker.Admit(after);
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.retry_at, after + kOpenFor);
  EXPECT_TRUE(breaker.IsOpen(after));
}

TEST(CircuitBreaker, ProbeSuccessClosesIt) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  const absl::Time after = kT0 + kOpenFor;
  ASSERT_TRUE(breaker.Admit(after).probe);
  breaker.RecordSuccess();
  EXPECT_FALSE(breaker.IsOpen(after));
  const CircuitBreaker::Admission admission = breaker.Admit(after);
  EXPECT_TRUE(admission.allowed);
  EXPECT_FALSE(admission.probe);
}

TEST(CircuitBreaker, AfterClosingTheFullThresholdIsNeededAgain) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  const absl::Time after = kT0 + kOpenFor;
  ASSERT_TRUE(breaker.Admit(after).probe);
  breaker.RecordSuccess();
  Fail(breaker, 4, after);
  EXPECT_FALSE(breaker.IsOpen(after));
  Fail(breaker, 1, after);
  EXPECT_TRUE(breaker.IsOpen(after));
}

TEST(CircuitBreaker, ProbeFailureReopensForTwiceAsLong) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  const absl::Time probe_time = kT0 + kOpenFor;
  ASSERT_TRUE(breaker.Admit(probe_time).probe);
  const absl::Time failed = probe_time + absl::Milliseconds(30);
  breaker.RecordFailure(failed, /*probe=*/true);
  const CircuitBreaker::Admission admission = breaker.Admit(failed);
  EXPECT_FALSE(admission.allowed);
  EXPECT_EQ(admission.retry_at, failed + 2 * kOpenFor);
  EXPECT_FALSE(
      breaker.Admit(failed + 2 * kOpenFor - absl::Nanoseconds(1)).allowed);
  EXPECT_TRUE(breaker.Admit(failed + 2 * kOpenFor).probe);
}

TEST(CircuitBreaker, EachFailedProbeDoublesTheWaitUpToMax) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  absl::Time now = kT0 + kOpenFor;
  absl::Duration expected = kOpenFor;
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(breaker.Admit(now).probe) << "probe " << i;
    breaker.RecordFailure(now, /*probe=*/true);
    expected = std::min(expected * 2, absl::Seconds(30));
    const CircuitBreaker::Admission refused = breaker.Admit(now);
    ASSERT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_at - now, expected) << "probe " << i;
    now = refused.retry_at;
  }
  EXPECT_EQ(expected, absl::Seconds(30));  // The cap was reached.
}

TEST(CircuitBreaker, SuccessResetsTheWaitToOpenFor) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  absl::Time now = kT0 + kOpenFor;
  for (int i = 0; i < 3; ++i) {  // Wait grows to 4 s.
    ASSERT_TRUE(breaker.Admit(now).probe);
    breaker.RecordFailure(now, /*probe=*/true);
    now = breaker.Admit(now).retry_at;
  }
  ASSERT_TRUE(breaker.Admit(now).probe);
  breaker.RecordSuccess();
  Open(breaker, now);
  EXPECT_EQ(breaker.Admit(now).retry_at, now + kOpenFor);
}

TEST(CircuitBreaker, NonProbeFailuresWhileOpenChangeNothing) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  // Calls admitted before it opened fail later: the period stays put.
  Fail(breaker, 20, kT0 + absl::Milliseconds(400));
  EXPECT_EQ(breaker.Admit(kT0 + absl::Milliseconds(400)).retry_at,
            kT0 + kOpenFor);
  EXPECT_TRUE(breaker.Admit(kT0 + kOpenFor).probe);
}

TEST(CircuitBreaker, NonProbeFailuresWhileProbingChangeNothing) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  const absl::Time probe_time = kT0 + kOpenFor;
  ASSERT_TRUE(breaker.Admit(probe_time).probe);
  Fail(breaker, 20, probe_time + absl::Milliseconds(100));
  EXPECT_EQ(breaker.Admit(probe_time).retry_at, probe_time + kOpenFor);
  // The probe's success still closes it.
  breaker.RecordSuccess();
  EXPECT_FALSE(breaker.IsOpen(probe_time));
}

TEST(CircuitBreaker, ProbeThatNeverReportsCostsOnePeriod) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  const absl::Time first_probe = kT0 + kOpenFor;
  ASSERT_TRUE(breaker.Admit(first_probe).probe);
  // The probe is cancelled and never reports: one period later another call
  // probes.
  EXPECT_FALSE(
      breaker.Admit(first_probe + kOpenFor - absl::Nanoseconds(1)).allowed);
  const CircuitBreaker::Admission second =
      breaker.Admit(first_probe + kOpenFor);
  EXPECT_TRUE(second.allowed);
  EXPECT_TRUE(second.probe);
}

TEST(CircuitBreaker, LostProbeCostsOnePeriodEvenAfterTheWaitGrew) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  absl::Time now = kT0 + kOpenFor;
  ASSERT_TRUE(breaker.Admit(now).probe);
  breaker.RecordFailure(now, /*probe=*/true);  // Wait is now 1 s.
  now += absl::Seconds(1);
  ASSERT_TRUE(breaker.Admit(now).probe);  // This one never reports.
  EXPECT_TRUE(breaker.Admit(now + kOpenFor).probe);
}

TEST(CircuitBreaker, IsOpenOnlyDuringThePeriod) {
  CircuitBreaker breaker(Options());
  Open(breaker, kT0);
  EXPECT_TRUE(breaker.IsOpen(kT0 + kOpenFor - absl::Nanoseconds(1)));
  EXPECT_FALSE(breaker.IsOpen(kT0 + kOpenFor));
}

TEST(CircuitBreaker, CustomThreshold) {
  CircuitBreakerOptions options = Options();
  options.failure_threshold = 2;
  CircuitBreaker breaker(options);
  breaker.RecordFailure(kT0, false);
  EXPECT_FALSE(breaker.IsOpen(kT0));
  breaker.RecordFailure(kT0, false);
  EXPECT_TRUE(breaker.IsOpen(kT0));
}

}  // namespace
}  // namespace gateway::policy
