#include "gateway/apivideo/admission.h"

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gateway/common/status_details.h"
#include "gateway/common/testing/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::gateway::testing::ErrorReason;

using ::testing::ElementsAre;
using Verdict = Admission::Verdict;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

AttemptScope Scope() {
  AttemptScope scope;
  scope.route = "GET /upload-tokens/{token}";
  scope.route_kind = policy::RouteKind::kRead;
  scope.deadline = kNow + absl::Seconds(10);
  scope.min_attempt_time = absl::Milliseconds(5);
  return scope;
}

std::int64_t RetryDelaySeconds(const absl::Status& status) {
  const auto retry = GetDetail<google::rpc::RetryInfo>(status);
  return retry.has_value() ? retry->retry_delay().seconds() : -1;
}

AttemptAnswer AnswerWith(int http_status, RateLimit rate_limit = {}) {
  AttemptAnswer answer;
  answer.outcome.http_status = http_status;
  answer.rate_limit = rate_limit;
  return answer;
}

// A check that answers what the test says and records what it is told.
class ScriptedCheck final : public AdmissionCheck {
 public:
  explicit ScriptedCheck(Admission admission,
                         absl::Duration time_until_open = {})
      : admission_(std::move(admission)), time_until_open_(time_until_open) {}

  Admission Admit(const AttemptScope&, absl::Time) override {
    ++admits;
    return admission_;
  }
  absl::Duration TimeUntilOpen(const AttemptScope&, absl::Time) const override {
    return time_until_open_;
  }
  void OnAnswer(const AttemptScope&, std::uint32_t ticket, const AttemptAnswer&,
                absl::Time) override {
    tickets.push_back(ticket);
  }

  int admits = 0;
  std::vector<std::uint32_t> tickets;

 private:
  const Admission admission_;
  const absl::Duration time_until_open_;
};

Admission SendWithTicket(std::uint32_t ticket) {
  Admission admission;
  admission.ticket = ticket;
  return admission;
}

Admission WaitFor(absl::Duration wait) {
  Admission admission;
  admission.verdict = Verdict::kWait;
  admission.wait = wait;
  return admission;
}

// ---- AdmissionChain ---------------------------------------------------------

TEST(AdmissionChain, SendsWhenEveryCheckDoesAndKeepsTheirTickets) {
  ScriptedCheck first(SendWithTicket(7));
  ScriptedCheck second(SendWithTicket(9));
  const AdmissionChain chain({&first, &second});
  AdmissionChain::Tickets tickets;
  EXPECT_EQ(chain.Admit(Scope(), kNow, tickets).verdict, Verdict::kSend);
  EXPECT_THAT(tickets, ElementsAre(7, 9));
}

TEST(AdmissionChain, TheFirstCheckThatHoldsTheAttemptDecides) {
  ScriptedCheck waits(WaitFor(absl::Seconds(2)));
  ScriptedCheck never_asked(SendWithTicket(0));
  const AdmissionChain chain({&waits, &never_asked});
  AdmissionChain::Tickets tickets;
  const Admission admission = chain.Admit(Scope(), kNow, tickets);
  EXPECT_EQ(admission.verdict, Verdict::kWait);
  EXPECT_EQ(admission.wait, absl::Seconds(2));
  EXPECT_EQ(never_asked.admits, 0);
}

TEST(AdmissionChain, HandsEachCheckItsOwnTicketWithTheAnswer) {
  ScriptedCheck first(SendWithTicket(1));
  ScriptedCheck second(SendWithTicket(2));
  const AdmissionChain chain({&first, &second});
  AdmissionChain::Tickets tickets;
  chain.Admit(Scope(), kNow, tickets);
  chain.OnAnswer(Scope(), tickets, AnswerWith(200), kNow);
  EXPECT_THAT(first.tickets, ElementsAre(1));
  EXPECT_THAT(second.tickets, ElementsAre(2));
}

TEST(AdmissionChain, TimeUntilOpenIsTheLongestOfTheChecks) {
  ScriptedCheck short_wait(SendWithTicket(0), absl::Seconds(1));
  ScriptedCheck long_wait(SendWithTicket(0), absl::Seconds(4));
  const AdmissionChain chain({&short_wait, &long_wait});
  EXPECT_EQ(chain.TimeUntilOpen(Scope(), kNow), absl::Seconds(4));
}

// ---- DeadlineCheck ----------------------------------------------------------

TEST(DeadlineCheck, SendsWhileAnAttemptStillFits) {
  DeadlineCheck check;
  AttemptScope scope = Scope();
  scope.deadline = kNow + scope.min_attempt_time;
  EXPECT_EQ(check.Admit(scope, kNow).verdict, Verdict::kSend);
}

TEST(DeadlineCheck, RefusesWhenTooLittleTimeIsLeft) {
  DeadlineCheck check;
  AttemptScope scope = Scope();
  scope.deadline = kNow + absl::Milliseconds(1);
  const Admission admission = check.Admit(scope, kNow);
  ASSERT_EQ(admission.verdict, Verdict::kRefuse);
  EXPECT_EQ(admission.refusal.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(ErrorReason(admission.refusal), "UPSTREAM_TIMEOUT");
}

// ---- CircuitBreakerCheck ----------------------------------------------------

AttemptAnswer NoConnection() {
  AttemptAnswer answer;
  answer.outcome.transport_error = absl::StatusCode::kUnavailable;
  answer.outcome.request_may_have_been_sent = false;
  return answer;
}

// Opens `check`'s breaker with five failures in a row.
void Open(CircuitBreakerCheck& check) {
  for (int i = 0; i < 5; ++i) check.OnAnswer(Scope(), 0, NoConnection(), kNow);
}

TEST(CircuitBreakerCheck, RefusesWhileOpenWithRetryInfo) {
  policy::CircuitBreaker breaker;
  CircuitBreakerCheck check(breaker);
  Open(check);
  const Admission admission = check.Admit(Scope(), kNow);
  ASSERT_EQ(admission.verdict, Verdict::kRefuse);
  EXPECT_EQ(admission.refusal.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(admission.refusal), "UPSTREAM_CIRCUIT_OPEN");
  EXPECT_EQ(RetryDelaySeconds(admission.refusal), 1);
}

// google.protobuf.Duration holds at most 315,576,000,000 s (10,000 years).
TEST(CircuitBreakerCheck, RetryInfoOfAnEndlessWaitIsProtobufsLongestDuration) {
  for (const absl::Duration open_for :
       {absl::Hours(24 * 365) * 20'000, absl::InfiniteDuration()}) {
    policy::CircuitBreaker breaker(
        {/*failure_threshold=*/5, open_for, open_for});
    CircuitBreakerCheck check(breaker);
    Open(check);
    const Admission admission = check.Admit(Scope(), kNow);
    ASSERT_EQ(admission.verdict, Verdict::kRefuse);
    EXPECT_EQ(RetryDelaySeconds(admission.refusal), 315'576'000'000)
        << open_for;
  }
}

TEST(CircuitBreakerCheck, AnAnswerThatIsNoFailureResetsTheCount) {
  policy::CircuitBreaker breaker;
  CircuitBreakerCheck check(breaker);
  for (int i = 0; i < 4; ++i) check.OnAnswer(Scope(), 0, NoConnection(), kNow);
  check.OnAnswer(Scope(), 0, AnswerWith(404), kNow);
  check.OnAnswer(Scope(), 0, NoConnection(), kNow);
  EXPECT_EQ(check.Admit(Scope(), kNow).verdict, Verdict::kSend);
}

TEST(CircuitBreakerCheck, AFailedProbeKeepsTheCircuitOpenLonger) {
  policy::CircuitBreaker breaker;
  CircuitBreakerCheck check(breaker);
  Open(check);
  const absl::Time later = kNow + absl::Seconds(1);
  const Admission probe = check.Admit(Scope(), later);
  ASSERT_EQ(probe.verdict, Verdict::kSend);
  EXPECT_EQ(probe.ticket, 1u);
  check.OnAnswer(Scope(), probe.ticket, NoConnection(), later);
  // Open for twice the first period now: still refused a period later.
  EXPECT_EQ(check.Admit(Scope(), later + absl::Milliseconds(600)).verdict,
            Verdict::kRefuse);
}

}  // namespace
}  // namespace gateway::apivideo
