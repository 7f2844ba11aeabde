#include "gateway/governance/audit_replay.h"

#include <string>

#include "gateway/common/testing/temp_file.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::gateway::testing::TempFile;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

AuditEvent Event(const std::string& rpc, const std::string& caller,
                 const std::string& token, const std::string& outcome) {
  AuditEvent event;
  event.mutable_time()->set_seconds(absl::ToUnixSeconds(kNow) - 60);
  event.set_rpc(rpc);
  event.set_caller(caller);
  event.set_token(token);
  event.set_outcome(outcome);
  return event;
}

TEST(AuditReplayTest, ASuccessfulCreateRecordsItsCallerAsCreator) {
  OwnershipIndex index;
  RequestIdLedger ledger;
  ApplyAuditEvent(Event("CreateUploadToken", "web", "to1", "OK"), kNow, index,
                  ledger);
  ASSERT_TRUE(index.Find("to1", kNow).has_value());
  EXPECT_EQ(index.Find("to1", kNow)->creator, "web");
}

TEST(AuditReplayTest, ARefusedCreateRecordsNothing) {
  OwnershipIndex index;
  RequestIdLedger ledger;
  ApplyAuditEvent(Event("CreateUploadToken", "web", "", "PERMISSION_DENIED"),
                  kNow, index, ledger);
  ApplyAuditEvent(Event("CreateUploadToken", "web", "to1", "UNAVAILABLE"), kNow,
                  index, ledger);
  EXPECT_EQ(index.size(), 0);
}

TEST(AuditReplayTest, ACreatedTokenKeepsItsExpiry) {
  OwnershipIndex index;
  RequestIdLedger ledger;
  AuditEvent event = Event("CreateUploadToken", "web", "to1", "OK");
  event.set_ttl(120);
  event.mutable_created_at()->set_seconds(absl::ToUnixSeconds(kNow) - 60);
  event.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(kNow) + 60);
  ApplyAuditEvent(event, kNow, index, ledger);
  ASSERT_TRUE(index.Find("to1", kNow).has_value());
  EXPECT_EQ(index.Find("to1", kNow)->ttl_seconds, 120);
  EXPECT_FALSE(index.Find("to1", kNow + absl::Minutes(2)).has_value());
}

TEST(AuditReplayTest, AnExpiredTokenIsLeftOut) {
  OwnershipIndex index;
  RequestIdLedger ledger;
  AuditEvent event = Event("CreateUploadToken", "web", "to1", "OK");
  event.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(kNow) - 1);
  ApplyAuditEvent(event, kNow, index, ledger);
  EXPECT_EQ(index.size(), 0);
}

TEST(AuditReplayTest, ADeleteThatSucceededOrFoundNothingForgetsTheToken) {
  OwnershipIndex index;
  RequestIdLedger ledger;
  ApplyAuditEvent(Event("CreateUploadToken", "web", "to1", "OK"), kNow, index,
                  ledger);
  ApplyAuditEvent(Event("CreateUploadToken", "web", "to2", "OK"), kNow, index,
                  ledger);
  ApplyAuditEvent(Event("DeleteUploadToken", "web", "to1", "OK"), kNow, index,
                  ledger);
  ApplyAuditEvent(Event("DeleteUploadToken", "ops", "to2", "NOT_FOUND"), kNow,
                  index, ledger);
  EXPECT_EQ(index.size(), 0);
}

TEST(AuditReplayTest, ARefusedDeleteKeepsTheToken) {
  OwnershipIndex index;
  RequestIdLedger ledger;
  ApplyAuditEvent(Event("CreateUploadToken", "web", "to1", "OK"), kNow, index,
                  ledger);
  ApplyAuditEvent(Event("DeleteUploadToken", "ops", "to1", "PERMISSION_DENIED"),
                  kNow, index, ledger);
  EXPECT_TRUE(index.Find("to1", kNow).has_value());
}

TEST(AuditReplayTest, ACreateWithARequestIdAnswersItsRetries) {
  OwnershipIndex index;
  RequestIdLedger ledger;
  AuditEvent event = Event("CreateUploadToken", "web", "to1", "OK");
  event.set_request_id("4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f");
  event.set_ttl(60);
  ApplyAuditEvent(event, kNow, index, ledger);
  const RequestIdLedger::Claim claim =
      ledger.Begin("web", "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f", 60, kNow,
                   [](absl::StatusOr<apivideo::UploadToken>) {});
  ASSERT_EQ(claim.verdict, RequestIdLedger::Claim::Verdict::kAnswered);
  ASSERT_TRUE(claim.answer.ok());
  EXPECT_EQ(claim.answer->token(), "to1");
  EXPECT_EQ(claim.answer->creator(), "web");
}

TEST(AuditReplayTest, ReplaysAWholeLog) {
  TempFile log(
      AuditEventToJson(Event("CreateUploadToken", "web", "to1", "OK")) + "\n" +
      AuditEventToJson(Event("CreateUploadToken", "ops", "to2", "OK")) + "\n" +
      AuditEventToJson(Event("DeleteUploadToken", "web", "to1", "OK")) + "\n");
  OwnershipIndex index;
  RequestIdLedger ledger;
  absl::StatusOr<int> replayed =
      ReplayAuditLog(log.path(), kNow, index, ledger);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(*replayed, 3);
  EXPECT_FALSE(index.Find("to1", kNow).has_value());
  ASSERT_TRUE(index.Find("to2", kNow).has_value());
  EXPECT_EQ(index.Find("to2", kNow)->creator, "ops");
}

}  // namespace
}  // namespace gateway::governance
