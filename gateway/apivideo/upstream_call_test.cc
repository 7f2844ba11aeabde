// UpstreamCall: retries, the retry budget, rate-limit windows, the circuit
// breaker, bearer renewal, deadlines and cancellation, on a fake transport
// and a fake clock.

#include "gateway/apivideo/upstream_call.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/testing/fake_upstream.h"
#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::gateway::apivideo::testing::FakeUpstream;
using ::testing::Contains;
using ::testing::Pair;

constexpr char kUrl[] = "https://ws.api.video/upload-tokens/toABC";

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

class UpstreamCallTest : public ::testing::Test {
 protected:
  UpstreamCallTest() : authenticator_("key") {}

  UpstreamServices Services() {
    UpstreamServices services = upstream_.Services(authenticator_);
    services.retry.max_attempts = 3;
    return services;
  }

  RequestSpec Spec(http::Method method) {
    RequestSpec spec;
    spec.method = method;
    spec.url = kUrl;
    spec.route = "TEST /route";
    spec.token = "toABC";
    spec.operation = method == http::Method::kPost ? policy::Operation::kCreate
                     : method == http::Method::kGet
                         ? policy::Operation::kRead
                         : policy::Operation::kDelete;
    spec.deadline = upstream_.scheduler.Now() + absl::Seconds(10);
    return spec;
  }

  std::shared_ptr<UpstreamCall> StartCall(const UpstreamServices& services,
                                          RequestSpec spec, Outcome& outcome) {
    return UpstreamCall::Start(services, std::move(spec), outcome.Callback());
  }

  // Moves the clock just far enough to run every pending backoff or wait.
  void RunPendingWaits() {
    while (upstream_.scheduler.pending() > 0) {
      upstream_.scheduler.Advance(upstream_.scheduler.NextDelay());
    }
  }

  FakeUpstream upstream_;
  http::testing::FakeHttpClient& client_ = upstream_.client;
  BasicAuthenticator authenticator_;
};

// ---- Retries ---------------------------------------------------------------

TEST_F(UpstreamCallTest, SuccessTakesOneAttempt) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
  ASSERT_EQ(client_.started(), 1u);
  client_.Respond(0, 200, "{}");
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.result.ok());
  EXPECT_EQ(outcome.info.attempts, 1);
  EXPECT_EQ(outcome.info.http_status, 200);
}

TEST_F(UpstreamCallTest, GetIsRetriedAfterServiceUnavailable) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
  client_.Respond(0, 503, "");
  EXPECT_EQ(outcome.calls, 0);
  EXPECT_EQ(upstream_.scheduler.pending(), 1u);
  EXPECT_LE(upstream_.scheduler.NextDelay(), services.retry.initial_backoff);
  RunPendingWaits();
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.result.ok());
  EXPECT_EQ(outcome.info.attempts, 2);
}

TEST_F(UpstreamCallTest, GetGivesUpAfterMaxAttempts) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
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

TEST_F(UpstreamCallTest, GetIsRetriedAfterConnectionReset) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
  client_.Complete(0, ResetAfterSending());
  RunPendingWaits();
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(outcome.result.ok());
}

TEST_F(UpstreamCallTest, PostIsNotRetriedAfterServerError) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kPost), outcome);
  client_.Respond(0, 503, "");
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 1u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(outcome.info.attempts, 1);
}

TEST_F(UpstreamCallTest, PostIsNotRetriedWhenItMayHaveReachedTheUpstream) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kPost), outcome);
  client_.Complete(0, ResetAfterSending());
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 1u);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kUnavailable);
}

TEST_F(UpstreamCallTest, PostIsRetriedWhenNoConnectionWasEstablished) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kPost), outcome);
  client_.Complete(0, Unreachable());
  RunPendingWaits();
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(outcome.result.ok());
  EXPECT_EQ(outcome.info.attempts, 2);
}

TEST_F(UpstreamCallTest, NotFoundIsNotRetried) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
  client_.Respond(0, 404, "");
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 1u);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kNotFound);
}

TEST_F(UpstreamCallTest, TimeoutIsNotRetried) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
  client_.Complete(0, absl::DeadlineExceededError("timed out"));
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 1u);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(UpstreamCallTest,
       DeleteThatFindsTokenGoneAfterAmbiguousFailureSucceeds) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kDelete), outcome);
  client_.Complete(0, ResetAfterSending());
  RunPendingWaits();
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 404, "");
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.result.ok()) << outcome.result.status();
  EXPECT_EQ(outcome.info.attempts, 2);
}

TEST_F(UpstreamCallTest, DeleteNotFoundAfterUnambiguousFailureIsNotFound) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kDelete), outcome);
  client_.Respond(0, 503, "");  // Refused: nothing was deleted.
  RunPendingWaits();
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 404, "");
  EXPECT_EQ(outcome.code(), absl::StatusCode::kNotFound);
}

TEST_F(UpstreamCallTest, DeleteNotFoundOnFirstAttemptIsNotFound) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kDelete), outcome);
  client_.Respond(0, 404, "");
  EXPECT_EQ(outcome.code(), absl::StatusCode::kNotFound);
}

TEST_F(UpstreamCallTest, NoRetryWhenTheDeadlineLeavesNoTime) {
  const UpstreamServices services = Services();
  Outcome outcome;
  RequestSpec spec = Spec(http::Method::kGet);
  spec.deadline = upstream_.scheduler.Now() + absl::Seconds(1);
  StartCall(services, std::move(spec), outcome);
  upstream_.scheduler.Advance(absl::Milliseconds(998));
  client_.Respond(0, 503, "");
  EXPECT_EQ(upstream_.scheduler.pending(), 0u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kUnavailable);
}

TEST_F(UpstreamCallTest, AttemptsAreBoundedByTheTimeLeft) {
  const UpstreamServices services = Services();
  Outcome outcome;
  RequestSpec spec = Spec(http::Method::kGet);
  spec.deadline = upstream_.scheduler.Now() + absl::Seconds(3);
  StartCall(services, std::move(spec), outcome);
  EXPECT_EQ(client_.request(0).timeout, absl::Seconds(3));
  upstream_.scheduler.Advance(absl::Seconds(1));
  client_.Respond(0, 503, "");
  RunPendingWaits();
  ASSERT_EQ(client_.started(), 2u);
  EXPECT_LT(client_.request(1).timeout, absl::Seconds(2));
  client_.Respond(1, 200, "{}");
}

TEST_F(UpstreamCallTest, DeadlineTooCloseFailsWithoutSending) {
  const UpstreamServices services = Services();
  Outcome outcome;
  RequestSpec spec = Spec(http::Method::kGet);
  spec.deadline = upstream_.scheduler.Now() + absl::Milliseconds(1);
  StartCall(services, std::move(spec), outcome);
  EXPECT_EQ(client_.started(), 0u);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(UpstreamCallTest, EmptyRetryBudgetStopsRetries) {
  policy::RetryBudget empty({/*ratio=*/0.0, /*capacity=*/0.0});
  UpstreamServices services = Services();
  services.retry_budget = &empty;
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
  client_.Respond(0, 503, "");
  EXPECT_EQ(upstream_.scheduler.pending(), 0u);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(outcome.info.attempts, 1);
}

// ---- Rate limits
// -------------------------------------------------------------

TEST_F(UpstreamCallTest, TooManyRequestsFailsAtOnceWithRetryInfo) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
  client_.Respond(0, 429, "", {{"x-ratelimit-retry-after", "7"}});
  EXPECT_EQ(upstream_.scheduler.pending(), 0u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kResourceExhausted);
  const auto retry = GetDetail<google::rpc::RetryInfo>(outcome.result.status());
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 7);
}

TEST_F(UpstreamCallTest, TooManyRequestsIsWaitedOutWhenItFitsTheDeadline) {
  UpstreamServices services = Services();
  services.retry.max_window_wait = absl::Seconds(10);
  Outcome outcome;
  RequestSpec spec = Spec(http::Method::kPost);  // A 429 was never processed.
  spec.deadline = upstream_.scheduler.Now() + absl::Seconds(60);
  StartCall(services, std::move(spec), outcome);
  client_.Respond(0, 429, "", {{"x-ratelimit-retry-after", "3"}});
  EXPECT_EQ(outcome.calls, 0);
  EXPECT_EQ(upstream_.scheduler.NextDelay(), absl::Seconds(3));
  upstream_.scheduler.Advance(absl::Seconds(3));
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(outcome.result.ok());
  EXPECT_EQ(outcome.info.attempts, 2);
}

TEST_F(UpstreamCallTest, TooManyRequestsIsNotWaitedOutPastHalfTheDeadline) {
  UpstreamServices services = Services();
  services.retry.max_window_wait = absl::Seconds(10);
  Outcome outcome;
  RequestSpec spec = Spec(http::Method::kGet);
  spec.deadline = upstream_.scheduler.Now() + absl::Seconds(5);
  StartCall(services, std::move(spec), outcome);
  client_.Respond(0, 429, "", {{"x-ratelimit-retry-after", "3"}});
  EXPECT_EQ(outcome.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(client_.started(), 1u);
}

TEST_F(UpstreamCallTest, ExhaustedWindowFailsLaterCallsWithoutSending) {
  const UpstreamServices services = Services();
  Outcome first;
  StartCall(services, Spec(http::Method::kPost), first);
  client_.Respond(
      0, 200, "{}",
      {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-retry-after", "30"}});
  ASSERT_TRUE(first.result.ok());

  Outcome second;
  StartCall(services, Spec(http::Method::kDelete), second);
  EXPECT_EQ(client_.started(), 1u);
  ASSERT_EQ(second.calls, 1);
  EXPECT_EQ(second.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(second.info.attempts, 0);
  const auto retry = GetDetail<google::rpc::RetryInfo>(second.result.status());
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 30);
}

TEST_F(UpstreamCallTest, ExhaustedWriteWindowLeavesReadsAlone) {
  const UpstreamServices services = Services();
  Outcome write;
  StartCall(services, Spec(http::Method::kPost), write);
  client_.Respond(
      0, 200, "{}",
      {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-retry-after", "30"}});
  Outcome read;
  StartCall(services, Spec(http::Method::kGet), read);
  EXPECT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(read.result.ok());
}

TEST_F(UpstreamCallTest, ExhaustedWindowReopensWhenItResets) {
  const UpstreamServices services = Services();
  Outcome first;
  StartCall(services, Spec(http::Method::kGet), first);
  client_.Respond(
      0, 200, "{}",
      {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-retry-after", "30"}});
  upstream_.scheduler.Advance(absl::Seconds(30));
  Outcome later;
  StartCall(services, Spec(http::Method::kGet), later);
  EXPECT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(later.result.ok());
}

TEST_F(UpstreamCallTest, CallsWaitForTheWindowWhenConfiguredTo) {
  UpstreamServices services = Services();
  services.retry.max_window_wait = absl::Seconds(10);
  Outcome first;
  StartCall(services, Spec(http::Method::kGet), first);
  client_.Respond(
      0, 200, "{}",
      {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-retry-after", "2"}});
  Outcome waiting;
  StartCall(services, Spec(http::Method::kGet), waiting);
  EXPECT_EQ(client_.started(), 1u);
  EXPECT_EQ(waiting.calls, 0);
  upstream_.scheduler.Advance(absl::Seconds(2));
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(waiting.result.ok());
}

TEST_F(UpstreamCallTest, LastAnswersRateLimitIsReported) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
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
  UpstreamServices services = Services();
  services.retry.max_attempts = 1;
  for (std::size_t i = 0; i < 5; ++i) {
    Outcome failed;
    StartCall(services, Spec(http::Method::kGet), failed);
    client_.Complete(i, Unreachable());
  }
  Outcome refused;
  StartCall(services, Spec(http::Method::kGet), refused);
  EXPECT_EQ(client_.started(), 5u);
  ASSERT_EQ(refused.calls, 1);
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(refused.reason(), "UPSTREAM_CIRCUIT_OPEN");
  EXPECT_TRUE(
      GetDetail<google::rpc::RetryInfo>(refused.result.status()).has_value());
}

TEST_F(UpstreamCallTest, SuccessfulProbeClosesTheCircuit) {
  UpstreamServices services = Services();
  services.retry.max_attempts = 1;
  for (std::size_t i = 0; i < 5; ++i) {
    Outcome failed;
    StartCall(services, Spec(http::Method::kGet), failed);
    client_.Respond(i, 503, "");
  }
  upstream_.scheduler.Advance(absl::Seconds(1));
  Outcome probe;
  StartCall(services, Spec(http::Method::kGet), probe);
  ASSERT_EQ(client_.started(), 6u);
  client_.Respond(5, 200, "{}");
  Outcome after;
  StartCall(services, Spec(http::Method::kGet), after);
  EXPECT_EQ(client_.started(), 7u);
  client_.Respond(6, 200, "{}");
  EXPECT_TRUE(after.result.ok());
}

// ---- Authorization
// -------------------------------------------------------------

TEST_F(UpstreamCallTest, UnauthorizedIsRetriedOnceWithRenewedCredentials) {
  RenewingAuthenticator renewing;
  UpstreamServices services = Services();
  services.authenticator = &renewing;
  Outcome outcome;
  StartCall(services, Spec(http::Method::kPost), outcome);
  EXPECT_THAT(client_.request(0).headers,
              Contains(Pair("Authorization", "Bearer t0")));
  client_.Respond(0, 401, "");
  ASSERT_EQ(client_.started(), 2u);
  EXPECT_THAT(client_.request(1).headers,
              Contains(Pair("Authorization", "Bearer t1")));
  client_.Respond(1, 200, "{}");
  EXPECT_TRUE(outcome.result.ok());
  EXPECT_EQ(renewing.renewals(), 1);
  EXPECT_EQ(outcome.info.attempts, 2);
}

TEST_F(UpstreamCallTest, UnauthorizedAfterRenewalIsInternal) {
  RenewingAuthenticator renewing;
  UpstreamServices services = Services();
  services.authenticator = &renewing;
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
  client_.Respond(0, 401, "");
  client_.Respond(1, 401, "");
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 2u);
  EXPECT_EQ(renewing.renewals(), 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kInternal);
}

TEST_F(UpstreamCallTest, UnauthorizedWithBasicAuthIsNotRetried) {
  const UpstreamServices services = Services();
  Outcome outcome;
  StartCall(services, Spec(http::Method::kGet), outcome);
  client_.Respond(0, 401, "");
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 1u);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kInternal);
}

// ---- Cancellation
// -------------------------------------------------------------

TEST_F(UpstreamCallTest, CancelDuringBackoffEndsAtOnceAndNeverRetries) {
  const UpstreamServices services = Services();
  Outcome outcome;
  auto call = StartCall(services, Spec(http::Method::kGet), outcome);
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

TEST_F(UpstreamCallTest, CancelDuringTransferAbortsIt) {
  const UpstreamServices services = Services();
  Outcome outcome;
  auto call = StartCall(services, Spec(http::Method::kGet), outcome);
  call->Cancel();
  EXPECT_EQ(outcome.calls, 0);
  EXPECT_THAT(client_.cancel_calls(), ::testing::ElementsAre(client_.id(0)));
  client_.DeliverCancellations();
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kCancelled);
}

TEST_F(UpstreamCallTest, FailureThatBeatsTheCancelIsNotRetried) {
  const UpstreamServices services = Services();
  Outcome outcome;
  auto call = StartCall(services, Spec(http::Method::kGet), outcome);
  call->Cancel();
  client_.Respond(0, 503, "");  // Arrives before the cancel is delivered.
  client_.DeliverCancellations();
  RunPendingWaits();
  EXPECT_EQ(client_.started(), 1u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kCancelled);
}

TEST_F(UpstreamCallTest, SuccessThatBeatsTheCancelIsKept) {
  const UpstreamServices services = Services();
  Outcome outcome;
  auto call = StartCall(services, Spec(http::Method::kGet), outcome);
  call->Cancel();
  client_.Respond(0, 200, "{}");
  client_.DeliverCancellations();
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.result.ok());
}

TEST_F(UpstreamCallTest, CancelAfterCompletionChangesNothing) {
  const UpstreamServices services = Services();
  Outcome outcome;
  auto call = StartCall(services, Spec(http::Method::kGet), outcome);
  client_.Respond(0, 200, "{}");
  call->Cancel();
  EXPECT_THAT(client_.cancel_calls(), ::testing::IsEmpty());
  EXPECT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.result.ok());
}

}  // namespace
}  // namespace gateway::apivideo
