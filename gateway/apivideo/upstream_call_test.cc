// UpstreamCall: retries, the retry budget, rate-limit windows, the circuit
// breaker, bearer renewal, deadlines and cancellation, on a fake transport
// and a fake clock.

#include "gateway/apivideo/upstream_call.h"

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/testing/fake_upstream.h"
#include "gateway/apivideo/testing/problem_bodies.h"
#include "gateway/common/scheduler.h"
#include "gateway/common/status_details.h"
#include "gateway/http/http_client.h"
#include "gateway/http/http_types.h"
#include "gateway/http/testing/fake_http_client.h"
#include "gateway/policy/quota_window.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::gateway::apivideo::testing::FakeUpstream;

constexpr char kUrl[] = "https://ws.api.video/upload-tokens/toABC";
// Reset times learnt from X-RateLimit-Retry-After are taken this much late.
const absl::Duration kMargin = policy::QuotaWindow::kResetMargin;

// Records the completion and how often it ran.
struct Outcome {
  int calls = 0;
  absl::StatusOr<http::HttpResponse> result = absl::UnknownError("not run");
  UpstreamCallInfo info;

  UpstreamCompletion Callback() {
    return [this](absl::StatusOr<http::HttpResponse> r,
                  const UpstreamCallInfo& i) {
      ++calls;
      result = std::move(r);
      info = i;
    };
  }
  absl::StatusCode code() const { return result.status().code(); }
  std::string reason() const {
    const auto info = GetDetail<google::rpc::ErrorInfo>(result.status());
    return info.has_value() ? info->reason() : "<none>";
  }
};

// Hands out "Bearer t<n>", where n counts renewals.
class RenewingAuthenticator final : public Authenticator {
 public:
  void Authorize(Callback done) override {
    std::move(done)(absl::StrCat("Bearer t", renewals_));
  }
  bool Renew(absl::string_view authorization) override {
    ++renewals_;
    return true;
  }
  int renewals() const { return renewals_; }

  void SetApiKey(absl::string_view) override {}

 private:
  int renewals_ = 0;
};

absl::Status Unreachable() {
  return http::MarkRequestNotSent(absl::UnavailableError("connection refused"));
}
absl::Status ResetAfterSending() {
  return absl::UnavailableError("connection reset by peer");
}
http::HttpResponse Answer(int status) {
  http::HttpResponse response;
  response.status = status;
  return response;
}
http::HttpResponse ProblemAnswer(int status, const char* problem) {
  http::HttpResponse response = Answer(status);
  response.body = problem;
  response.headers.emplace_back("content-type", "application/problem+json");
  return response;
}
http::HttpResponse TokenNotFound() {
  return ProblemAnswer(404, testing::kResourceNotFoundProblem);
}
http::HttpResponse UnrecognizedUrl() {
  return ProblemAnswer(404, testing::kUnrecognizedRequestUrlProblem);
}

class UpstreamCallTest : public ::testing::Test {
 protected:
  UpstreamCallTest() { services_.retry.max_attempts = 3; }

  // Starts a `method` call that must end within `time_left`; its completion
  // lands in `outcome`.
  std::shared_ptr<UpstreamCall> Start(
      http::Method method, Outcome& outcome,
      absl::Duration time_left = absl::Seconds(10)) {
    RequestSpec spec;
    spec.method = method;
    spec.url = kUrl;
    spec.route = "TEST /route";
    spec.token = "toABC";
    spec.operation = method == http::Method::kPost ? policy::Operation::kCreate
                     : method == http::Method::kGet
                         ? policy::Operation::kRead
                         : policy::Operation::kDelete;
    spec.deadline = upstream_.scheduler.Now() + time_left;
    return UpstreamCall::Start(services_, std::move(spec), outcome.Callback());
  }

  // Moves the clock just far enough to run every pending backoff or wait.
  void RunPendingWaits() {
    while (upstream_.scheduler.pending() > 0) {
      upstream_.scheduler.Advance(upstream_.scheduler.NextDelay());
    }
  }

  // Makes a `method` call that succeeds but uses up its rate-limit window for
  // `retry_after` seconds.
  void UseUpTheWindow(http::Method method, const char* retry_after) {
    Outcome outcome;
    Start(method, outcome);
    client_.Respond(client_.started() - 1, 200, "{}",
                    {{"x-ratelimit-remaining", "0"},
                     {"x-ratelimit-retry-after", retry_after}});
    ASSERT_TRUE(outcome.result.ok());
  }

  // Ends five GET calls with `failure`, each at its first attempt when
  // max_attempts is 1: enough to open the circuit.
  void OpenTheCircuit(const absl::StatusOr<http::HttpResponse>& failure) {
    for (int i = 0; i < 5; ++i) {
      Outcome failed;
      Start(http::Method::kGet, failed);
      client_.Complete(client_.started() - 1, failure);
    }
  }

  FakeUpstream upstream_;
  http::testing::FakeHttpClient& client_ = upstream_.client;
  BasicAuthenticator authenticator_{"key"};
  // What each call is started with; a test may change it first.
  UpstreamServices services_ = upstream_.Services(authenticator_);
};

// An UpstreamCallTest over a table of cases; each case prints as its name,
// which names its instance.
template <typename Case>
class UpstreamCallTableTest : public UpstreamCallTest,
                              public ::testing::WithParamInterface<Case> {};

// ---- Retries ---------------------------------------------------------------

// An answer after which the call ends with its first attempt.
struct OneAttemptCase {
  const char* name;
  http::Method method;
  absl::StatusOr<http::HttpResponse> answer;
  absl::StatusCode code;
  int http_status;  // 0: no HTTP answer

  friend void PrintTo(const OneAttemptCase& c, std::ostream* os) {
    *os << c.name;
  }
};

using UpstreamCallOneAttemptTest = UpstreamCallTableTest<OneAttemptCase>;

TEST_P(UpstreamCallOneAttemptTest, EndsTheCallWithoutRetrying) {
  const OneAttemptCase& c = GetParam();
  Outcome outcome;
  Start(c.method, outcome);
  ASSERT_EQ(client_.started(), 1u);
  client_.Complete(0, c.answer);
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 1u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), c.code) << outcome.result.status();
  EXPECT_EQ(outcome.info.attempts, 1);
  EXPECT_EQ(outcome.info.http_status, c.http_status);
}

INSTANTIATE_TEST_SUITE_P(
    Answers, UpstreamCallOneAttemptTest,
    ::testing::Values(
        OneAttemptCase{"GetSucceeds", http::Method::kGet, Answer(200),
                       absl::StatusCode::kOk, 200},
        // A POST that reached api.video may have created a token.
        OneAttemptCase{"PostServerError", http::Method::kPost, Answer(503),
                       absl::StatusCode::kUnavailable, 503},
        OneAttemptCase{"PostResetAfterSending", http::Method::kPost,
                       ResetAfterSending(), absl::StatusCode::kUnavailable, 0},
        OneAttemptCase{"GetNotFound", http::Method::kGet, Answer(404),
                       absl::StatusCode::kNotFound, 404},
        OneAttemptCase{"DeleteNotFound", http::Method::kDelete, Answer(404),
                       absl::StatusCode::kNotFound, 404},
        // The gateway's URL is wrong: not the caller's to fix.
        OneAttemptCase{"DeleteUnrecognizedUrl", http::Method::kDelete,
                       UnrecognizedUrl(), absl::StatusCode::kInternal, 404},
        OneAttemptCase{"GetTimeout", http::Method::kGet,
                       absl::DeadlineExceededError("timed out"),
                       absl::StatusCode::kDeadlineExceeded, 0},
        // Basic credentials cannot be renewed.
        OneAttemptCase{"GetUnauthorizedWithBasicAuth", http::Method::kGet,
                       Answer(401), absl::StatusCode::kInternal, 401}),
    ::testing::PrintToStringParamName());

// A first answer that is retried after a backoff, and the retry's answer.
struct RetryCase {
  const char* name;
  http::Method method;
  absl::StatusOr<http::HttpResponse> first_answer;
  http::HttpResponse retry_answer;
  absl::StatusCode code;

  friend void PrintTo(const RetryCase& c, std::ostream* os) { *os << c.name; }
};

using UpstreamCallRetryTest = UpstreamCallTableTest<RetryCase>;

TEST_P(UpstreamCallRetryTest, RetriesOnceAfterABackoff) {
  const RetryCase& c = GetParam();
  Outcome outcome;
  Start(c.method, outcome);
  client_.Complete(0, c.first_answer);
  EXPECT_EQ(outcome.calls, 0);
  ASSERT_EQ(upstream_.scheduler.pending(), 1u);
  EXPECT_LE(upstream_.scheduler.NextDelay(), services_.retry.initial_backoff);
  RunPendingWaits();
  ASSERT_EQ(client_.started(), 2u);
  client_.Complete(1, c.retry_answer);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), c.code) << outcome.result.status();
  EXPECT_EQ(outcome.info.attempts, 2);
}

INSTANTIATE_TEST_SUITE_P(
    Answers, UpstreamCallRetryTest,
    ::testing::Values(
        RetryCase{"GetServiceUnavailable", http::Method::kGet, Answer(503),
                  Answer(200), absl::StatusCode::kOk},
        RetryCase{"GetResetAfterSending", http::Method::kGet,
                  ResetAfterSending(), Answer(200), absl::StatusCode::kOk},
        // Nothing reached api.video, so even a POST is safe to retry.
        RetryCase{"PostUnreachable", http::Method::kPost, Unreachable(),
                  Answer(200), absl::StatusCode::kOk},
        // The first DELETE may have deleted the token: gone is success.
        RetryCase{"DeleteResetThenTokenGone", http::Method::kDelete,
                  ResetAfterSending(), TokenNotFound(), absl::StatusCode::kOk},
        // A 404 with no problem document cannot say the token is gone.
        RetryCase{"DeleteResetThenBareNotFound", http::Method::kDelete,
                  ResetAfterSending(), Answer(404),
                  absl::StatusCode::kNotFound},
        // The 503 was a refusal: nothing was deleted, so 404 stands.
        RetryCase{"DeleteRefusedThenNotFound", http::Method::kDelete,
                  Answer(503), Answer(404), absl::StatusCode::kNotFound}),
    ::testing::PrintToStringParamName());

// Only api.video's resource-not-found says the first attempt deleted the
// token. Its 404 for a URL it does not serve (a wrong --api_base_url, a moved
// route) says nothing about the token, and fails as it does on a first try.
TEST_F(UpstreamCallTest, CreateResetAfterSendingIsAnUnansweredSend) {
  Outcome outcome;
  Start(http::Method::kPost, outcome);
  client_.Complete(0, ResetAfterSending());
  RunPendingWaits();
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(outcome.info.unanswered_send);
}

TEST_F(UpstreamCallTest, CreateNeverSentIsNoUnansweredSend) {
  services_.retry.max_attempts = 1;
  Outcome outcome;
  Start(http::Method::kPost, outcome);
  client_.Complete(0, Unreachable());
  RunPendingWaits();
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_FALSE(outcome.info.unanswered_send);
}

TEST_F(UpstreamCallTest, CreateAnsweredWithAnErrorIsNoUnansweredSend) {
  Outcome outcome;
  Start(http::Method::kPost, outcome);
  client_.Complete(0, Answer(500));
  RunPendingWaits();
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.info.http_status, 500);
  EXPECT_FALSE(outcome.info.unanswered_send);
}

TEST_F(UpstreamCallTest, DeleteRetriedIntoAnUnrecognizedUrlIsNoSuccess) {
  Outcome outcome;
  Start(http::Method::kDelete, outcome);
  client_.Complete(0, ResetAfterSending());
  RunPendingWaits();
  ASSERT_EQ(client_.started(), 2u);
  client_.Complete(1, UnrecognizedUrl());
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kInternal)
      << outcome.result.status();
  EXPECT_EQ(outcome.reason(), "UNRECOGNIZED_REQUEST_URL");
}

TEST_F(UpstreamCallTest, GetGivesUpAfterMaxAttempts) {
  Outcome outcome;
  Start(http::Method::kGet, outcome);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(client_.started(), i + 1);
    client_.Respond(i, 502, "");
    RunPendingWaits();
  }
  EXPECT_EQ(client_.started(), 3u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(outcome.info.attempts, 3);
}

TEST_F(UpstreamCallTest, NoRetryWhenTheDeadlineLeavesNoTime) {
  Outcome outcome;
  Start(http::Method::kGet, outcome, /*time_left=*/absl::Seconds(1));
  upstream_.scheduler.Advance(absl::Milliseconds(998));
  client_.Respond(0, 503, "");
  EXPECT_EQ(upstream_.scheduler.pending(), 0u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kUnavailable);
}

TEST_F(UpstreamCallTest, AttemptsAreBoundedByTheTimeLeft) {
  Outcome outcome;
  Start(http::Method::kGet, outcome, /*time_left=*/absl::Seconds(3));
  EXPECT_EQ(client_.request(0).timeout, absl::Seconds(3));
  upstream_.scheduler.Advance(absl::Seconds(1));
  client_.Respond(0, 503, "");
  RunPendingWaits();
  ASSERT_EQ(client_.started(), 2u);
  EXPECT_LT(client_.request(1).timeout, absl::Seconds(2));
  client_.Respond(1, 200, "{}");
}

TEST_F(UpstreamCallTest, DeadlineTooCloseFailsWithoutSending) {
  Outcome outcome;
  Start(http::Method::kGet, outcome, /*time_left=*/absl::Milliseconds(1));
  EXPECT_EQ(client_.started(), 0u);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(UpstreamCallTest, EmptyRetryBudgetStopsRetries) {
  policy::RetryBudget empty({/*ratio=*/0.0, /*capacity=*/0.0});
  services_.retry_budget = &empty;
  Outcome outcome;
  Start(http::Method::kGet, outcome);
  client_.Respond(0, 503, "");
  EXPECT_EQ(upstream_.scheduler.pending(), 0u);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(outcome.info.attempts, 1);
}

// ---- Rate limits
// -------------------------------------------------------------

TEST_F(UpstreamCallTest, TooManyRequestsFailsAtOnceWithRetryInfo) {
  Outcome outcome;
  Start(http::Method::kGet, outcome);
  client_.Respond(0, 429, "", {{"x-ratelimit-retry-after", "7"}});
  EXPECT_EQ(upstream_.scheduler.pending(), 0u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kResourceExhausted);
  const auto retry = GetDetail<google::rpc::RetryInfo>(outcome.result.status());
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 7);
}

TEST_F(UpstreamCallTest, TooManyRequestsIsWaitedOutWhenItFitsTheDeadline) {
  services_.retry.max_window_wait = absl::Seconds(10);
  Outcome outcome;
  // A POST too: a 429 was never processed.
  Start(http::Method::kPost, outcome, /*time_left=*/absl::Seconds(60));
  client_.Respond(0, 429, "", {{"x-ratelimit-retry-after", "3"}});
  EXPECT_EQ(outcome.calls, 0);
  EXPECT_EQ(upstream_.scheduler.NextDelay(), absl::Seconds(3) + kMargin);
  upstream_.scheduler.Advance(absl::Seconds(3) + kMargin);
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(outcome.result.ok());
  EXPECT_EQ(outcome.info.attempts, 2);
}

TEST_F(UpstreamCallTest, TooManyRequestsIsNotWaitedOutPastHalfTheDeadline) {
  services_.retry.max_window_wait = absl::Seconds(10);
  Outcome outcome;
  Start(http::Method::kGet, outcome, /*time_left=*/absl::Seconds(5));
  client_.Respond(0, 429, "", {{"x-ratelimit-retry-after", "3"}});
  EXPECT_EQ(outcome.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(client_.started(), 1u);
}

TEST_F(UpstreamCallTest, UsedUpWindowFailsLaterCallsWithoutSending) {
  UseUpTheWindow(http::Method::kPost, /*retry_after=*/"30");
  Outcome later;
  Start(http::Method::kDelete, later);
  EXPECT_EQ(client_.started(), 1u);
  ASSERT_EQ(later.calls, 1);
  EXPECT_EQ(later.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(later.info.attempts, 0);
  const auto retry = GetDetail<google::rpc::RetryInfo>(later.result.status());
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(),
            absl::ToInt64Seconds(absl::Seconds(30) + kMargin));
}

// A call made after an earlier one used up its window for 30 s, and how
// long after.
struct LaterCallCase {
  const char* name;
  http::Method earlier;
  absl::Duration elapsed;
  http::Method later;

  friend void PrintTo(const LaterCallCase& c, std::ostream* os) {
    *os << c.name;
  }
};

using UpstreamCallLaterCallTest = UpstreamCallTableTest<LaterCallCase>;

TEST_P(UpstreamCallLaterCallTest, IsSentWhenItsWindowIsOpen) {
  const LaterCallCase& c = GetParam();
  UseUpTheWindow(c.earlier, /*retry_after=*/"30");
  upstream_.scheduler.Advance(c.elapsed);
  Outcome later;
  Start(c.later, later);
  EXPECT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(later.result.ok());
}

INSTANTIATE_TEST_SUITE_P(
    Windows, UpstreamCallLaterCallTest,
    ::testing::Values(
        // Writes and reads have windows of their own.
        LaterCallCase{"ReadWhileTheWriteWindowIsUsedUp", http::Method::kPost,
                      absl::ZeroDuration(), http::Method::kGet},
        // Its reset taken a second late.
        LaterCallCase{"ReadOnceTheReadWindowResets", http::Method::kGet,
                      absl::Seconds(31), http::Method::kGet}),
    ::testing::PrintToStringParamName());

// An epoch time sent as X-RateLimit-Retry-After would otherwise close writes
// until the gateway restarts: no write goes upstream to learn otherwise.
TEST_F(UpstreamCallTest, EpochTimeAsRetryAfterClosesTheWindowForFiveMinutes) {
  UseUpTheWindow(http::Method::kPost, /*retry_after=*/"1800000000");
  upstream_.scheduler.Advance(absl::Minutes(5) + kMargin);
  Outcome later;
  Start(http::Method::kPost, later);
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(later.result.ok()) << later.result.status();
}

TEST_F(UpstreamCallTest, CallsWaitForTheWindowWhenTheDeadlineAllows) {
  UseUpTheWindow(http::Method::kGet, /*retry_after=*/"2");
  Outcome waiting;
  Start(http::Method::kGet, waiting);
  EXPECT_EQ(client_.started(), 1u);
  EXPECT_EQ(waiting.calls, 0);
  upstream_.scheduler.Advance(absl::Seconds(2) + kMargin);
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(waiting.result.ok());
}

TEST_F(UpstreamCallTest, LastAnswersRateLimitIsReported) {
  Outcome outcome;
  Start(http::Method::kGet, outcome);
  client_.Respond(0, 200, "{}",
                  {{"x-ratelimit-limit", "500"},
                   {"x-ratelimit-remaining", "499"},
                   {"x-ratelimit-retry-after", "60"}});
  EXPECT_EQ(outcome.info.rate_limit.limit, 500);
  EXPECT_EQ(outcome.info.rate_limit.remaining, 499);
  EXPECT_EQ(outcome.info.rate_limit.retry_after_seconds, 60);
}

// ---- Circuit breaker
// ---------------------------------------------------------

TEST_F(UpstreamCallTest, OpenCircuitFailsFastWithoutSending) {
  services_.retry.max_attempts = 1;
  OpenTheCircuit(Unreachable());
  Outcome refused;
  Start(http::Method::kGet, refused);
  EXPECT_EQ(client_.started(), 5u);
  ASSERT_EQ(refused.calls, 1);
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(refused.reason(), "UPSTREAM_CIRCUIT_OPEN");
  EXPECT_TRUE(
      GetDetail<google::rpc::RetryInfo>(refused.result.status()).has_value());
}

TEST_F(UpstreamCallTest, SuccessfulProbeClosesTheCircuit) {
  services_.retry.max_attempts = 1;
  OpenTheCircuit(Answer(503));
  upstream_.scheduler.Advance(absl::Seconds(1));
  Outcome probe;
  Start(http::Method::kGet, probe);
  ASSERT_EQ(client_.started(), 6u);
  client_.Respond(5, 200, "{}");
  Outcome after;
  Start(http::Method::kGet, after);
  EXPECT_EQ(client_.started(), 7u);
  client_.Respond(6, 200, "{}");
  EXPECT_TRUE(after.result.ok());
}

// ---- Authorization
// -------------------------------------------------------------

TEST_F(UpstreamCallTest, UnauthorizedIsRetriedOnceWithRenewedCredentials) {
  RenewingAuthenticator renewing;
  services_.authenticator = &renewing;
  Outcome outcome;
  Start(http::Method::kPost, outcome);
  EXPECT_THAT(client_.request(0).headers, ::testing::Contains(::testing::Pair(
                                              "Authorization", "Bearer t0")));
  client_.Respond(0, 401, "");
  ASSERT_EQ(client_.started(), 2u);
  EXPECT_THAT(client_.request(1).headers, ::testing::Contains(::testing::Pair(
                                              "Authorization", "Bearer t1")));
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(outcome.result.ok());
  EXPECT_EQ(renewing.renewals(), 1);
  EXPECT_EQ(outcome.info.attempts, 2);
}

TEST_F(UpstreamCallTest, UnauthorizedAfterRenewalIsInternal) {
  RenewingAuthenticator renewing;
  services_.authenticator = &renewing;
  Outcome outcome;
  Start(http::Method::kGet, outcome);
  client_.Respond(0, 401, "");
  client_.Respond(1, 401, "");
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 2u);
  EXPECT_EQ(renewing.renewals(), 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kInternal);
}

// ---- Cancellation
// -------------------------------------------------------------

TEST_F(UpstreamCallTest, CancelDuringBackoffEndsAtOnceAndNeverRetries) {
  Outcome outcome;
  auto call = Start(http::Method::kGet, outcome);
  client_.Respond(0, 503, "");
  ASSERT_EQ(upstream_.scheduler.pending(), 1u);
  call->Cancel();
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(upstream_.scheduler.pending(), 0u);
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 1u);
  EXPECT_EQ(outcome.calls, 1);
}

TEST_F(UpstreamCallTest, CancelWhileWaitingForQuotaEndsAtOnceAndSendsNothing) {
  UseUpTheWindow(http::Method::kGet, /*retry_after=*/"2");
  Outcome outcome;
  auto call = Start(http::Method::kGet, outcome);
  ASSERT_EQ(outcome.calls, 0);  // Waiting for the window.
  call->Cancel();
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(upstream_.quota.Snap(policy::RouteKind::kRead).waiting, 0u);
  upstream_.scheduler.Advance(absl::Seconds(2) + kMargin);
  EXPECT_EQ(client_.started(), 1u);
  EXPECT_EQ(outcome.calls, 1);
}

TEST_F(UpstreamCallTest, AttemptRefusedAfterItsUnitGivesTheUnitBack) {
  // The probe's unit goes to a call the deadline check then refuses...
  Outcome refused;
  Start(http::Method::kGet, refused, /*time_left=*/absl::Milliseconds(1));
  ASSERT_EQ(refused.code(), absl::StatusCode::kDeadlineExceeded);
  // ...and is free again for the next call, which goes at once.
  Outcome next;
  Start(http::Method::kGet, next);
  EXPECT_EQ(client_.started(), 1u);
  client_.Respond(0, 200, "{}");
  EXPECT_TRUE(next.result.ok());
}

TEST_F(UpstreamCallTest, CancelDuringTransferAbortsIt) {
  Outcome outcome;
  auto call = Start(http::Method::kGet, outcome);
  call->Cancel();
  EXPECT_EQ(outcome.calls, 0);
  EXPECT_THAT(client_.cancel_calls(), ::testing::ElementsAre(client_.id(0)));
  client_.DeliverCancellations();
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kCancelled);
}

// An answer that arrives after Cancel() but before the client delivers the
// cancellation.
struct RaceCase {
  const char* name;
  http::HttpResponse answer;
  absl::StatusCode code;

  friend void PrintTo(const RaceCase& c, std::ostream* os) { *os << c.name; }
};

using UpstreamCallRaceTest = UpstreamCallTableTest<RaceCase>;

TEST_P(UpstreamCallRaceTest, AnswerThatBeatsTheCancelEndsTheCall) {
  Outcome outcome;
  auto call = Start(http::Method::kGet, outcome);
  call->Cancel();
  client_.Complete(0, GetParam().answer);
  client_.DeliverCancellations();
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 1u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), GetParam().code) << outcome.result.status();
}

INSTANTIATE_TEST_SUITE_P(
    Answers, UpstreamCallRaceTest,
    ::testing::Values(
        // Not retried: the caller no longer wants an answer.
        RaceCase{"FailureIsNotRetried", Answer(503),
                 absl::StatusCode::kCancelled},
        RaceCase{"SuccessIsKept", Answer(200), absl::StatusCode::kOk}),
    ::testing::PrintToStringParamName());

// The loop thread may run attempt 1 to its end, and start attempt 2, while
// the thread that started attempt 1 is still inside HttpClient::Start: a
// fast failure, then a retry at once (renewed credentials) or after a
// backoff whose jitter came out near zero. These fakes replay that order on
// one thread: the client ends its first transfer before Start returns, and
// the scheduler runs a task due at once inside RunAfter.
class FirstAnswerBeforeStartReturnsClient final : public http::HttpClient {
 public:
  FirstAnswerBeforeStartReturnsClient(
      http::testing::FakeHttpClient& fake,
      absl::StatusOr<http::HttpResponse> first_answer)
      : fake_(fake), first_answer_(std::move(first_answer)) {}

  http::TransferId Start(http::HttpRequest request,
                         http::ResponseCallback done) override {
    const http::TransferId id =
        fake_.Start(std::move(request), std::move(done));
    if (fake_.started() == 1) fake_.Complete(0, first_answer_);
    return id;
  }
  void Cancel(http::TransferId id) override { fake_.Cancel(id); }

 private:
  http::testing::FakeHttpClient& fake_;
  const absl::StatusOr<http::HttpResponse> first_answer_;
};

class DueAtOnceInlineScheduler final : public Scheduler {
 public:
  explicit DueAtOnceInlineScheduler(Scheduler& later) : later_(later) {}

  TaskId RunAfter(absl::Duration delay, Task task) override {
    if (delay > absl::ZeroDuration()) {
      return later_.RunAfter(delay, std::move(task));
    }
    std::move(task)();
    return 0;
  }
  void CancelTask(TaskId id) override { later_.CancelTask(id); }

 private:
  Scheduler& later_;
};

// A first answer after which a DELETE is tried again without delay.
struct EarlyRetryCase {
  const char* name;
  http::HttpResponse first_answer;

  friend void PrintTo(const EarlyRetryCase& c, std::ostream* os) {
    *os << c.name;
  }
};

using UpstreamCallEarlyRetryTest = UpstreamCallTableTest<EarlyRetryCase>;

TEST_P(UpstreamCallEarlyRetryTest,
       CancelAbortsARetryThatStartedBeforeTheFirstStartReturned) {
  FirstAnswerBeforeStartReturnsClient client(client_, GetParam().first_answer);
  DueAtOnceInlineScheduler scheduler(upstream_.scheduler);
  RenewingAuthenticator renewing;
  services_.client = &client;
  services_.scheduler = &scheduler;
  services_.authenticator = &renewing;
  services_.retry.initial_backoff = absl::ZeroDuration();
  Outcome outcome;
  auto call = Start(http::Method::kDelete, outcome);
  ASSERT_EQ(client_.started(), 2u);
  ASSERT_EQ(client_.running(), 1u);
  call->Cancel();
  EXPECT_THAT(client_.cancel_calls(), ::testing::ElementsAre(client_.id(1)));
  EXPECT_EQ(client_.DeliverCancellations(), 1);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kCancelled);
}

INSTANTIATE_TEST_SUITE_P(
    Answers, UpstreamCallEarlyRetryTest,
    ::testing::Values(EarlyRetryCase{"RenewedCredentials", Answer(401)},
                      EarlyRetryCase{"ZeroBackoff", Answer(503)}),
    ::testing::PrintToStringParamName());

TEST_F(UpstreamCallTest, CancelAfterCompletionChangesNothing) {
  Outcome outcome;
  auto call = Start(http::Method::kGet, outcome);
  client_.Respond(0, 200, "{}");
  call->Cancel();
  EXPECT_THAT(client_.cancel_calls(), ::testing::IsEmpty());
  EXPECT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.result.ok());
}

}  // namespace
}  // namespace gateway::apivideo
