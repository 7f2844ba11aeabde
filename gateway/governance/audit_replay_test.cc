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
  ApplyAuditEvent(Event("CreateUploadToken", "web", "to1", "OK"), kNow, index);
  ASSERT_TRUE(index.Find("to1", kNow).has_value());
  EXPECT_EQ(index.Find("to1", kNow)->creator, "web");
}

TEST(AuditReplayTest, ARefusedCreateRecordsNothing) {
  OwnershipIndex index;
  ApplyAuditEvent(Event("CreateUploadToken", "web", "", "PERMISSION_DENIED"),
                  kNow, index);
  ApplyAuditEvent(Event("CreateUploadToken", "web", "to1", "UNAVAILABLE"), kNow,
                  index);
  EXPECT_EQ(index.size(), 0);
}

TEST(AuditReplayTest, ACreatedTokenKeepsItsExpiry) {
  OwnershipIndex index;
  AuditEvent event = Event("CreateUploadToken", "web", "to1", "OK");
  event.set_ttl(120);
  event.mutable_created_at()->set_seconds(absl::ToUnixSeconds(kNow) - 60);
  event.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(kNow) + 60);
  ApplyAuditEvent(event, kNow, index);
  ASSERT_TRUE(index.Find("to1", kNow).has_value());
  EXPECT_EQ(index.Find("to1", kNow)->ttl_seconds, 120);
  EXPECT_FALSE(index.Find("to1", kNow + absl::Minutes(2)).has_value());
}

TEST(AuditReplayTest, AnExpiredTokenIsLeftOut) {
  OwnershipIndex index;
  AuditEvent event = Event("CreateUploadToken", "web", "to1", "OK");
  event.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(kNow) - 1);
  ApplyAuditEvent(event, kNow, index);
  EXPECT_EQ(index.size(), 0);
}

TEST(AuditReplayTest, ADeleteThatSucceededOrFoundNothingForgetsTheToken) {
  OwnershipIndex index;
  ApplyAuditEvent(Event("CreateUploadToken", "web", "to1", "OK"), kNow, index);
  ApplyAuditEvent(Event("CreateUploadToken", "web", "to2", "OK"), kNow, index);
  ApplyAuditEvent(Event("DeleteUploadToken", "web", "to1", "OK"), kNow, index);
  ApplyAuditEvent(Event("DeleteUploadToken", "ops", "to2", "NOT_FOUND"), kNow,
                  index);
  EXPECT_EQ(index.size(), 0);
}

TEST(AuditReplayTest, ARefusedDeleteKeepsTheToken) {
  OwnershipIndex index;
  ApplyAuditEvent(Event("CreateUploadToken", "web", "to1", "OK"), kNow, index);
  ApplyAuditEvent(Event("DeleteUploadToken", "ops", "to1", "PERMISSION_DENIED"),
                  kNow, index);
  EXPECT_TRUE(index.Find("to1", kNow).has_value());
}

TEST(AuditReplayTest, ReplaysAWholeLog) {
  TempFile log(
      AuditEventToJson(Event("CreateUploadToken", "web", "to1", "OK")) + "\n" +
      AuditEventToJson(Event("CreateUploadToken", "ops", "to2", "OK")) + "\n" +
      AuditEventToJson(Event("DeleteUploadToken", "web", "to1", "OK")) + "\n");
  OwnershipIndex index;
  absl::StatusOr<int> replayed = ReplayAuditLog(log.path(), kNow, index);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(*replayed, 3);
  EXPECT_FALSE(index.Find("to1", kNow).has_value());
  ASSERT_TRUE(index.Find("to2", kNow).has_value());
  EXPECT_EQ(index.Find("to2", kNow)->creator, "ops");
}

}  // namespace
}  // namespace gateway::governance
