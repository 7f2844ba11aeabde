#include "gateway/policy/retry_policy.h"

#include <algorithm>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "absl/random/mock_distributions.h"
#include "absl/random/mocking_bit_gen.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::policy {
namespace {

using ::testing::Return;

AttemptOutcome Answer(int http_status) {
  AttemptOutcome outcome;
  outcome.http_status = http_status;
  return outcome;
}

// A 404 that says the resource does not exist.
AttemptOutcome ResourceNotFound() {
  AttemptOutcome outcome = Answer(404);
  outcome.resource_not_found = true;
  return outcome;
}

AttemptOutcome NoAnswer(absl::StatusCode transport_error, bool sent) {
  AttemptOutcome outcome;
  outcome.transport_error = transport_error;
  outcome.request_may_have_been_sent = sent;
  return outcome;
}

AttemptOutcome ConnectionFailure(bool sent) {
  return NoAnswer(absl::StatusCode::kUnavailable, sent);
}

// --- IsRetryable ------------------------------------------------------------

TEST(IsRetryable, IdempotentRetriesConnectionFailureAfterSending) {
  EXPECT_TRUE(IsRetryable(Idempotency::kIdempotent, ConnectionFailure(true)));
}

TEST(IsRetryable, IdempotentRetriesConnectionFailureBeforeSending) {
  EXPECT_TRUE(IsRetryable(Idempotency::kIdempotent, ConnectionFailure(false)));
}

// An answer's status, and whether an idempotent call retries after it.
struct StatusCase {
  int status;
  bool idempotent_retries;
};

void PrintTo(const StatusCase& c, std::ostream* os) { *os << c.status; }

std::vector<StatusCase> StatusCases() {
  std::vector<StatusCase> cases;
  for (const int gateway_error : {502, 503, 504}) {
    cases.push_back({gateway_error, /*idempotent_retries=*/true});
  }
  for (const int other : {200, 201, 204, 400, 401, 403, 404, 500, 501, 505}) {
    cases.push_back({other, /*idempotent_retries=*/false});
  }
  return cases;
}

class RetryableStatusTest : public testing::TestWithParam<StatusCase> {};

TEST_P(RetryableStatusTest, IdempotentRetriesGatewayErrorsOnly) {
  EXPECT_EQ(IsRetryable(Idempotency::kIdempotent, Answer(GetParam().status)),
            GetParam().idempotent_retries);
}

TEST_P(RetryableStatusTest, NonIdempotentNeverRetries) {
  EXPECT_FALSE(
      IsRetryable(Idempotency::kNonIdempotent, Answer(GetParam().status)));
}

INSTANTIATE_TEST_SUITE_P(Answers, RetryableStatusTest,
                         testing::ValuesIn(StatusCases()),
                         [](const testing::TestParamInfo<StatusCase>& info) {
                           return absl::StrCat(info.param.idempotent_retries
                                                   ? "GatewayError"
                                                   : "Other",
                                               info.param.status);
                         });

TEST(IsRetryable, TooManyRequestsIsRetryableWhateverTheMethod) {
  EXPECT_TRUE(IsRetryable(Idempotency::kIdempotent, Answer(429)));
  EXPECT_TRUE(IsRetryable(Idempotency::kNonIdempotent, Answer(429)));
}

TEST(IsRetryable, NonIdempotentRetriesConnectionFailureOnlyWhenNothingSent) {
  EXPECT_TRUE(
      IsRetryable(Idempotency::kNonIdempotent, ConnectionFailure(false)));
}

TEST(IsRetryable, NonIdempotentNeverRetriesWhenRequestMayHaveBeenSent) {
  EXPECT_FALSE(
      IsRetryable(Idempotency::kNonIdempotent, ConnectionFailure(true)));
}

TEST(IsRetryable, TimeoutIsNeverRetried) {
  for (const bool sent : {false, true}) {
    const AttemptOutcome timeout =
        NoAnswer(absl::StatusCode::kDeadlineExceeded, sent);
    EXPECT_FALSE(IsRetryable(Idempotency::kIdempotent, timeout)) << sent;
    EXPECT_FALSE(IsRetryable(Idempotency::kNonIdempotent, timeout)) << sent;
  }
}

TEST(IsRetryable, CancellationIsNeverRetried) {
  const AttemptOutcome cancelled =
      NoAnswer(absl::StatusCode::kCancelled, /*sent=*/false);
  EXPECT_FALSE(IsRetryable(Idempotency::kIdempotent, cancelled));
  EXPECT_FALSE(IsRetryable(Idempotency::kNonIdempotent, cancelled));
}

TEST(IsRetryable, ResponseTooLargeIsNotRetried) {
  const AttemptOutcome too_large =
      NoAnswer(absl::StatusCode::kResourceExhausted, /*sent=*/true);
  EXPECT_FALSE(IsRetryable(Idempotency::kIdempotent, too_large));
}

// --- MayHaveTakenEffect -----------------------------------------------------

TEST(MayHaveTakenEffect, ProxyErrorsLeaveItOpen) {
  EXPECT_TRUE(MayHaveTakenEffect(Answer(502)));
  EXPECT_TRUE(MayHaveTakenEffect(Answer(504)));
}

TEST(MayHaveTakenEffect, ServiceUnavailableDidNotTakeEffect) {
  EXPECT_FALSE(MayHaveTakenEffect(Answer(503)));
}

TEST(MayHaveTakenEffect, DefiniteAnswersDoNotLeaveItOpen) {
  for (const int status : {200, 204, 400, 404, 429}) {
    EXPECT_FALSE(MayHaveTakenEffect(Answer(status))) << status;
  }
}

TEST(MayHaveTakenEffect, FailureAfterSendingLeavesItOpen) {
  EXPECT_TRUE(MayHaveTakenEffect(ConnectionFailure(true)));
  EXPECT_TRUE(MayHaveTakenEffect(
      NoAnswer(absl::StatusCode::kDeadlineExceeded, /*sent=*/true)));
}

TEST(MayHaveTakenEffect, FailureBeforeSendingDidNotTakeEffect) {
  EXPECT_FALSE(MayHaveTakenEffect(ConnectionFailure(false)));
}

// --- IsUpstreamFailure ------------------------------------------------------

TEST(IsUpstreamFailure, ConnectionFailureCounts) {
  EXPECT_TRUE(IsUpstreamFailure(ConnectionFailure(true)));
  EXPECT_TRUE(IsUpstreamFailure(ConnectionFailure(false)));
}

TEST(IsUpstreamFailure, EveryServerErrorCounts) {
  for (const int status : {500, 501, 502, 503, 504, 599}) {
    EXPECT_TRUE(IsUpstreamFailure(Answer(status))) << status;
  }
}

TEST(IsUpstreamFailure, ClientErrorsAndSuccessDoNotCount) {
  for (const int status : {200, 204, 400, 401, 403, 404, 429, 499}) {
    EXPECT_FALSE(IsUpstreamFailure(Answer(status))) << status;
  }
}

TEST(IsUpstreamFailure, TimeoutAndCancellationDoNotCount) {
  EXPECT_FALSE(IsUpstreamFailure(
      NoAnswer(absl::StatusCode::kDeadlineExceeded, /*sent=*/true)));
  EXPECT_FALSE(IsUpstreamFailure(
      NoAnswer(absl::StatusCode::kCancelled, /*sent=*/false)));
}

// --- BackoffDelay -----------------------------------------------------------

// A generator whose uniform draw in [0, 1] is always `fraction`.
class FixedDraw {
 public:
  explicit FixedDraw(double fraction) {
    ON_CALL(absl::MockUniform<double>(),
            Call(absl::IntervalClosedClosed, gen_, 0.0, 1.0))
        .WillByDefault(Return(fraction));
  }
  absl::MockingBitGen& gen() { return gen_; }

 private:
  absl::MockingBitGen gen_;
};

TEST(BackoffDelay, DrawsFullJitterFromClosedUnitInterval) {
  absl::MockingBitGen gen;
  EXPECT_CALL(absl::MockUniform<double>(),
              Call(absl::IntervalClosedClosed, gen, 0.0, 1.0))
      .WillOnce(Return(0.5));
  EXPECT_EQ(BackoffDelay(RetryOptions(), 1, gen), absl::Microseconds(12500));
}

// BackoffDelay with the default options (25 ms doubling up to 1 s) when the
// uniform draw is `draw`: the ceiling of retry n scaled by the draw.
struct DefaultBackoffCase {
  const char* name;
  double draw;
  int retry;
  absl::Duration delay;
};

void PrintTo(const DefaultBackoffCase& c, std::ostream* os) { *os << c.name; }

const DefaultBackoffCase kDefaultBackoffCases[] = {
    {"FirstCeilingIsInitialBackoff", 1.0, 1, absl::Milliseconds(25)},
    {"CeilingDoublesForRetry2", 1.0, 2, absl::Milliseconds(50)},
    {"CeilingDoublesForRetry3", 1.0, 3, absl::Milliseconds(100)},
    {"CeilingDoublesForRetry4", 1.0, 4, absl::Milliseconds(200)},
    {"CeilingDoublesForRetry6", 1.0, 6, absl::Milliseconds(800)},
    // 25 ms * 2^6 = 1.6 s > 1 s.
    {"CeilingIsCappedForRetry7", 1.0, 7, absl::Seconds(1)},
    {"CeilingIsCappedForRetry8", 1.0, 8, absl::Seconds(1)},
    {"HugeRetryNumberStaysAtMaxBackoff", 1.0, 2000, absl::Seconds(1)},
    {"LowestDrawIsNoWait", 0.0, 3, absl::ZeroDuration()},
    // Ceiling of retry 3 is 100 ms.
    {"ScalesCeilingByDraw", 0.25, 3, absl::Milliseconds(25)},
};

class DefaultBackoffTest : public testing::TestWithParam<DefaultBackoffCase> {};

TEST_P(DefaultBackoffTest, IsTheCeilingScaledByTheDraw) {
  FixedDraw draw(GetParam().draw);
  EXPECT_EQ(BackoffDelay(RetryOptions(), GetParam().retry, draw.gen()),
            GetParam().delay);
}

INSTANTIATE_TEST_SUITE_P(
    BackoffDelay, DefaultBackoffTest, testing::ValuesIn(kDefaultBackoffCases),
    [](const testing::TestParamInfo<DefaultBackoffCase>& info) {
      return std::string(info.param.name);
    });

TEST(BackoffDelay, FollowsCustomOptions) {
  FixedDraw draw(1.0);
  RetryOptions options;
  options.initial_backoff = absl::Milliseconds(10);
  options.multiplier = 3.0;
  options.max_backoff = absl::Milliseconds(200);
  EXPECT_EQ(BackoffDelay(options, 1, draw.gen()), absl::Milliseconds(10));
  EXPECT_EQ(BackoffDelay(options, 3, draw.gen()), absl::Milliseconds(90));
  EXPECT_EQ(BackoffDelay(options, 4, draw.gen()), absl::Milliseconds(200));
}

TEST(BackoffDelay, ZeroInitialBackoffNeverWaits) {
  RetryOptions options;
  options.initial_backoff = absl::ZeroDuration();
  std::mt19937 gen(42);
  for (int retry = 1; retry <= 5; ++retry) {
    EXPECT_EQ(BackoffDelay(options, retry, gen), absl::ZeroDuration());
  }
}

TEST(BackoffDelay, RealDrawsStayWithinZeroAndCeilingAndSpreadOverIt) {
  const RetryOptions options;
  std::mt19937_64 gen(20220623);  // Seeded: the same draws every run.
  for (int retry = 1; retry <= 8; ++retry) {
    const absl::Duration ceiling = std::min(
        options.max_backoff, options.initial_backoff * (1 << (retry - 1)));
    absl::Duration lowest = absl::InfiniteDuration();
    absl::Duration highest = absl::ZeroDuration();
    for (int i = 0; i < 1000; ++i) {
      const absl::Duration delay = BackoffDelay(options, retry, gen);
      ASSERT_GE(delay, absl::ZeroDuration()) << "retry " << retry;
      ASSERT_LE(delay, ceiling) << "retry " << retry;
      lowest = std::min(lowest, delay);
      highest = std::max(highest, delay);
    }
    // Full jitter: the whole range is used, not just its top.
    EXPECT_LT(lowest, ceiling / 10) << "retry " << retry;
    EXPECT_GT(highest, ceiling * 9 / 10) << "retry " << retry;
  }
}

TEST(BackoffDelay, RealDrawsAverageHalfTheCeiling) {
  const RetryOptions options;
  std::mt19937_64 gen(7);
  absl::Duration total;
  constexpr int kDraws = 10000;
  for (int i = 0; i < kDraws; ++i) total += BackoffDelay(options, 3, gen);
  // Ceiling 100 ms: the mean of a uniform draw is 50 ms.
  EXPECT_GT(total / kDraws, absl::Milliseconds(47));
  EXPECT_LT(total / kDraws, absl::Milliseconds(53));
}

// --- RetryPolicy: the rules applied to one call -----------------------------

class RetryPolicyTest : public ::testing::Test {
 protected:
  // A policy with one attempt made.
  RetryPolicy AfterOneAttempt(Operation operation) {
    RetryPolicy policy(operation, options_, budget_);
    policy.OnAttemptStarted();
    return policy;
  }

  RetryDecision Fail(RetryPolicy& policy, const AttemptOutcome& outcome,
                     absl::Duration window_wait = absl::ZeroDuration()) {
    return policy.OnFailure(outcome, time_left_, window_wait, random_);
  }

  // What the policy does with `second` after retrying `first`.
  RetryDecision::Action AfterARetryOf(Operation operation,
                                      const AttemptOutcome& first,
                                      const AttemptOutcome& second) {
    RetryPolicy policy = AfterOneAttempt(operation);
    EXPECT_EQ(Fail(policy, first).action, RetryDecision::Action::kRetry);
    policy.OnAttemptStarted();
    return Fail(policy, second).action;
  }

  RetryOptions options_;
  RetryBudget budget_;
  absl::Duration time_left_ = absl::Seconds(10);
  absl::BitGen random_;
};

TEST_F(RetryPolicyTest, FirstAttemptEarnsTheBudgetItsShareAndNoMore) {
  RetryBudget budget({/*ratio=*/0.5, /*capacity=*/10});
  while (budget.TryRetry()) {
  }
  RetryPolicy policy(Operation::kRead, options_, budget);
  policy.OnAttemptStarted();
  policy.OnAttemptStarted();
  EXPECT_EQ(policy.attempts(), 2);
  EXPECT_DOUBLE_EQ(budget.tokens(), 0.5);
}

TEST_F(RetryPolicyTest, OnlyReadsMayBeResentSilently) {
  EXPECT_TRUE(
      RetryPolicy(Operation::kRead, options_, budget_).AllowsSilentResend());
  EXPECT_FALSE(
      RetryPolicy(Operation::kCreate, options_, budget_).AllowsSilentResend());
  EXPECT_FALSE(
      RetryPolicy(Operation::kDelete, options_, budget_).AllowsSilentResend());
}

TEST_F(RetryPolicyTest, UnauthorizedRenewsCredentialsOncePerCall) {
  RetryPolicy policy = AfterOneAttempt(Operation::kCreate);
  EXPECT_FALSE(policy.ShouldRenewCredentials(Answer(403)));
  EXPECT_TRUE(policy.ShouldRenewCredentials(Answer(401)));
  EXPECT_FALSE(policy.ShouldRenewCredentials(Answer(401)));
}

TEST_F(RetryPolicyTest, ReadIsRetriedAfterABackoffWithinTheFirstCeiling) {
  RetryPolicy policy = AfterOneAttempt(Operation::kRead);
  const RetryDecision decision = Fail(policy, Answer(503));
  EXPECT_EQ(decision.action, RetryDecision::Action::kRetry);
  EXPECT_LE(decision.delay, options_.initial_backoff);
  EXPECT_GE(decision.delay, absl::ZeroDuration());
}

TEST_F(RetryPolicyTest, RetrySpendsOneTokenOfTheBudget) {
  RetryPolicy policy = AfterOneAttempt(Operation::kRead);
  const double before = budget_.tokens();
  Fail(policy, Answer(503));
  EXPECT_DOUBLE_EQ(budget_.tokens(), before - 1);
}

TEST_F(RetryPolicyTest, EmptyBudgetGivesUp) {
  RetryBudget empty({/*ratio=*/0, /*capacity=*/0});
  RetryPolicy policy(Operation::kRead, options_, empty);
  policy.OnAttemptStarted();
  EXPECT_EQ(Fail(policy, Answer(503)).action, RetryDecision::Action::kGiveUp);
}

TEST_F(RetryPolicyTest, CreateGivesUpAfterAServerError) {
  RetryPolicy policy = AfterOneAttempt(Operation::kCreate);
  EXPECT_EQ(Fail(policy, Answer(503)).action, RetryDecision::Action::kGiveUp);
}

TEST_F(RetryPolicyTest, CreateIsRetriedWhenNothingWasSent) {
  RetryPolicy policy = AfterOneAttempt(Operation::kCreate);
  EXPECT_EQ(Fail(policy, ConnectionFailure(/*sent=*/false)).action,
            RetryDecision::Action::kRetry);
}

TEST_F(RetryPolicyTest, GivesUpOnceTheAttemptsAreSpent) {
  options_.max_attempts = 2;
  RetryPolicy policy = AfterOneAttempt(Operation::kRead);
  EXPECT_EQ(Fail(policy, Answer(502)).action, RetryDecision::Action::kRetry);
  policy.OnAttemptStarted();
  EXPECT_EQ(Fail(policy, Answer(502)).action, RetryDecision::Action::kGiveUp);
}

TEST_F(RetryPolicyTest, GivesUpWhenTheBackoffAndAnAttemptDoNotFit) {
  time_left_ = options_.min_attempt_time;
  RetryPolicy policy = AfterOneAttempt(Operation::kRead);
  EXPECT_EQ(Fail(policy, Answer(503)).action, RetryDecision::Action::kGiveUp);
}

TEST_F(RetryPolicyTest, TooManyRequestsWaitsForTheWindowWhenAllowed) {
  options_.max_window_wait = absl::Seconds(10);
  RetryPolicy policy = AfterOneAttempt(Operation::kCreate);
  const RetryDecision decision =
      Fail(policy, Answer(429), /*window_wait=*/absl::Seconds(3));
  EXPECT_EQ(decision.action, RetryDecision::Action::kRetry);
  EXPECT_EQ(decision.delay, absl::Seconds(3));
}

TEST_F(RetryPolicyTest, TooManyRequestsGivesUpWhenWaitingIsNotAllowed) {
  RetryPolicy policy = AfterOneAttempt(Operation::kRead);
  EXPECT_EQ(Fail(policy, Answer(429), absl::Seconds(1)).action,
            RetryDecision::Action::kGiveUp);
}

TEST_F(RetryPolicyTest, TooManyRequestsGivesUpWhenTheWaitTakesOverHalfTheTime) {
  options_.max_window_wait = absl::Seconds(10);
  time_left_ = absl::Seconds(5);
  RetryPolicy policy = AfterOneAttempt(Operation::kRead);
  EXPECT_EQ(Fail(policy, Answer(429), absl::Seconds(3)).action,
            RetryDecision::Action::kGiveUp);
}

TEST_F(RetryPolicyTest, DeleteFindingTheTokenGoneAfterAnAmbiguousTrySucceeded) {
  EXPECT_EQ(AfterARetryOf(Operation::kDelete, Answer(504), ResourceNotFound()),
            RetryDecision::Action::kSucceeded);
}

// A 404 for the URL (api.video's unrecognized-request-url) or one that says
// nothing says nothing about the token either.
TEST_F(RetryPolicyTest, DeleteFindingAnyOther404AfterAnAmbiguousTryGivesUp) {
  EXPECT_EQ(AfterARetryOf(Operation::kDelete, Answer(504), Answer(404)),
            RetryDecision::Action::kGiveUp);
}

TEST_F(RetryPolicyTest, DeleteNotFoundAfterADefiniteFailureGivesUp) {
  EXPECT_EQ(AfterARetryOf(Operation::kDelete, Answer(503), ResourceNotFound()),
            RetryDecision::Action::kGiveUp);
}

TEST_F(RetryPolicyTest, ReadNotFoundAfterAnAmbiguousTryGivesUp) {
  EXPECT_EQ(AfterARetryOf(Operation::kRead, Answer(504), ResourceNotFound()),
            RetryDecision::Action::kGiveUp);
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
