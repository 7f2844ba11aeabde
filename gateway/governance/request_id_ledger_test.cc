#include "gateway/governance/request_id_ledger.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::testing::HasSubstr;
using Verdict = RequestIdLedger::Claim::Verdict;

constexpr char kId[] = "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f";
const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

apivideo::UploadToken Token(const std::string& name, int ttl = 60) {
  apivideo::UploadToken token;
  token.set_token(name);
  token.set_ttl(ttl);
  return token;
}

// A waiter that keeps what it got.
struct Got {
  std::optional<absl::StatusOr<apivideo::UploadToken>> outcome;
  RequestIdLedger::Waiter Waiter() {
    return [this](absl::StatusOr<apivideo::UploadToken> got) {
      outcome = std::move(got);
    };
  }
};

std::string ReasonOf(const absl::Status& status) {
  const auto info = GetDetail<google::rpc::ErrorInfo>(status);
  return info.has_value() ? info->reason() : "";
}

TEST(RequestIdLedgerTest, TheFirstCreateOfAKeyGoesUpstream) {
  RequestIdLedger ledger;
  Got got;
  EXPECT_EQ(ledger.Begin("web", kId, 60, kStart, got.Waiter()).verdict,
            Verdict::kFirst);
}

TEST(RequestIdLedgerTest, ARetryAfterTheCreateGetsTheSameToken) {
  RequestIdLedger ledger;
  Got first;
  ledger.Begin("web", kId, 60, kStart, first.Waiter());
  ledger.SettleCreated("web", kId, Token("toOne"));
  Got retry;
  const RequestIdLedger::Claim claim =
      ledger.Begin("web", kId, 60, kStart + absl::Hours(23), retry.Waiter());
  ASSERT_EQ(claim.verdict, Verdict::kAnswered);
  ASSERT_TRUE(claim.answer.ok());
  EXPECT_EQ(claim.answer->token(), "toOne");
}

TEST(RequestIdLedgerTest, AnotherCallersSameIdIsAnotherKey) {
  RequestIdLedger ledger;
  Got first;
  ledger.Begin("web", kId, 60, kStart, first.Waiter());
  ledger.SettleCreated("web", kId, Token("toOne"));
  Got other;
  EXPECT_EQ(ledger.Begin("ops", kId, 60, kStart, other.Waiter()).verdict,
            Verdict::kFirst);
}

TEST(RequestIdLedgerTest, AConcurrentDuplicateWaitsForTheFirst) {
  RequestIdLedger ledger;
  Got first;
  ledger.Begin("web", kId, 60, kStart, first.Waiter());
  Got duplicate;
  EXPECT_EQ(ledger.Begin("web", kId, 60, kStart, duplicate.Waiter()).verdict,
            Verdict::kWaiting);
  EXPECT_FALSE(duplicate.outcome.has_value());
  ledger.SettleCreated("web", kId, Token("toOne"));
  ASSERT_TRUE(duplicate.outcome.has_value());
  ASSERT_TRUE(duplicate.outcome->ok());
  EXPECT_EQ((*duplicate.outcome)->token(), "toOne");
  EXPECT_FALSE(first.outcome.has_value()) << "the first is no waiter";
}

TEST(RequestIdLedgerTest, AnotherTtlIsInvalidArgumentOnRequestId) {
  RequestIdLedger ledger;
  Got first;
  ledger.Begin("web", kId, 60, kStart, first.Waiter());
  Got other;
  const RequestIdLedger::Claim claim =
      ledger.Begin("web", kId, 120, kStart, other.Waiter());
  ASSERT_EQ(claim.verdict, Verdict::kAnswered);
  EXPECT_EQ(claim.answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(claim.answer.status()), "REQUEST_ID_REUSED");
  const auto bad_request =
      GetDetail<google::rpc::BadRequest>(claim.answer.status());
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations(0).field(), "request_id");
  EXPECT_THAT(bad_request->field_violations(0).description(),
              HasSubstr("ttl 60"));
}

TEST(RequestIdLedgerTest, AFailureThatCreatedNothingFreesTheKey) {
  RequestIdLedger ledger;
  Got first;
  ledger.Begin("web", kId, 60, kStart, first.Waiter());
  Got duplicate;
  ledger.Begin("web", kId, 60, kStart, duplicate.Waiter());
  ledger.SettleFailed("web", kId, absl::UnavailableError("api.video is down"));
  ASSERT_TRUE(duplicate.outcome.has_value());
  EXPECT_EQ(duplicate.outcome->status().code(), absl::StatusCode::kUnavailable);
  Got retry;
  EXPECT_EQ(ledger.Begin("web", kId, 60, kStart, retry.Waiter()).verdict,
            Verdict::kFirst);
}

TEST(RequestIdLedgerTest, AnUnknownOutcomeIsAbortedWithTheAttemptTime) {
  RequestIdLedger ledger;
  Got first;
  ledger.Begin("web", kId, 60, kStart, first.Waiter());
  Got duplicate;
  ledger.Begin("web", kId, 60, kStart, duplicate.Waiter());
  ledger.SettleUnknown("web", kId);
  ASSERT_TRUE(duplicate.outcome.has_value());
  EXPECT_EQ(duplicate.outcome->status().code(), absl::StatusCode::kAborted);

  Got retry;
  const RequestIdLedger::Claim claim =
      ledger.Begin("web", kId, 60, kStart + absl::Minutes(5), retry.Waiter());
  ASSERT_EQ(claim.verdict, Verdict::kAnswered);
  EXPECT_EQ(claim.answer.status().code(), absl::StatusCode::kAborted);
  const auto info = GetDetail<google::rpc::ErrorInfo>(claim.answer.status());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "CREATE_OUTCOME_UNKNOWN");
  EXPECT_EQ(info->metadata().at("attemptedAt"), "2027-01-15T08:00:00+00:00");
  EXPECT_THAT(claim.answer.status().message(), HasSubstr("no answer came"));
}

TEST(RequestIdLedgerTest, ADroppedWaiterGetsWhyAndNothingLater) {
  RequestIdLedger ledger;
  Got first;
  ledger.Begin("web", kId, 60, kStart, first.Waiter());
  Got duplicate;
  const RequestIdLedger::Claim claim =
      ledger.Begin("web", kId, 60, kStart, duplicate.Waiter());
  ledger.DropWaiter("web", kId, claim.waiter_id,
                    absl::CancelledError("the caller went away"));
  ASSERT_TRUE(duplicate.outcome.has_value());
  EXPECT_EQ(duplicate.outcome->status().code(), absl::StatusCode::kCancelled);
  duplicate.outcome.reset();
  ledger.SettleCreated("web", kId, Token("toOne"));
  EXPECT_FALSE(duplicate.outcome.has_value());
}

TEST(RequestIdLedgerTest, AKeyIsForgottenAfterTheRetention) {
  RequestIdLedger ledger(absl::Hours(24));
  Got first;
  ledger.Begin("web", kId, 60, kStart, first.Waiter());
  ledger.SettleCreated("web", kId, Token("toOne"));
  Got later;
  EXPECT_EQ(
      ledger
          .Begin("web", kId, 60, kStart + absl::Hours(24) + absl::Seconds(1),
                 later.Waiter())
          .verdict,
      Verdict::kFirst);
}

TEST(RequestIdLedgerTest, ARunningCreateIsNeverForgotten) {
  RequestIdLedger ledger(absl::Hours(24));
  Got first;
  ledger.Begin("web", kId, 60, kStart, first.Waiter());
  Got later;
  EXPECT_EQ(
      ledger.Begin("web", kId, 60, kStart + absl::Hours(25), later.Waiter())
          .verdict,
      Verdict::kWaiting);
}

TEST(RequestIdLedgerTest, ARestoredCreateAnswersRetries) {
  RequestIdLedger ledger;
  ledger.Restore("web", kId, Token("toOne", 120), kStart,
                 kStart + absl::Hours(1));
  Got retry;
  const RequestIdLedger::Claim claim =
      ledger.Begin("web", kId, 120, kStart + absl::Hours(1), retry.Waiter());
  ASSERT_EQ(claim.verdict, Verdict::kAnswered);
  ASSERT_TRUE(claim.answer.ok());
  EXPECT_EQ(claim.answer->token(), "toOne");
}

TEST(RequestIdLedgerTest, ACreateOlderThanTheRetentionIsNotRestored) {
  RequestIdLedger ledger(absl::Hours(24));
  ledger.Restore("web", kId, Token("toOne"), kStart, kStart + absl::Hours(25));
  EXPECT_EQ(ledger.size(), 0u);
}

}  // namespace
}  // namespace gateway::governance
