#include "gateway/governance/audit_trail.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gateway/common/testing/temp_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::gateway::testing::TempFile;
using ::testing::HasSubstr;
using ::testing::SizeIs;

AuditEvent CreateEvent(const std::string& token) {
  AuditEvent event;
  event.mutable_time()->set_seconds(1'800'000'000);
  event.set_rpc("CreateUploadToken");
  event.set_caller("web");
  event.set_peer("ipv4:127.0.0.1:5000");
  event.set_token(token);
  event.set_ttl(3600);
  event.set_outcome("OK");
  return event;
}

std::string Contents(const std::string& path) {
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

TEST(AuditEventJsonTest, UsesTheProtoFieldNamesAndRfc3339Times) {
  const std::string json = AuditEventToJson(CreateEvent("to1"));
  EXPECT_THAT(json, HasSubstr("\"rpc\":\"CreateUploadToken\""));
  EXPECT_THAT(json, HasSubstr("\"time\":\"2027-01-15T08:00:00Z\""));
  // Fields left empty are left out.
  EXPECT_THAT(json, ::testing::Not(HasSubstr("trace_id")));
  EXPECT_EQ(json.find('\n'), std::string::npos);
}

TEST(AuditEventJsonTest, ReadsBackWhatItWrites) {
  const AuditEvent event = CreateEvent("to1");
  absl::StatusOr<AuditEvent> read = AuditEventFromJson(AuditEventToJson(event));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), event.SerializeAsString());
}

TEST(AuditEventJsonTest, RefusesALineCutShort) {
  const std::string json = AuditEventToJson(CreateEvent("to1"));
  EXPECT_FALSE(AuditEventFromJson(json.substr(0, json.size() / 2)).ok());
}

TEST(AuditLogFileTest, AppendsOneLinePerEvent) {
  TempFile file("");
  {
    absl::StatusOr<std::unique_ptr<AuditLogFile>> log =
        AuditLogFile::Open(file.path());
    ASSERT_TRUE(log.ok()) << log.status();
    (*log)->Record(CreateEvent("to1"));
    (*log)->Record(CreateEvent("to2"));
  }
  {
    // A second process (a restart) appends after the first one's events.
    absl::StatusOr<std::unique_ptr<AuditLogFile>> log =
        AuditLogFile::Open(file.path());
    ASSERT_TRUE(log.ok()) << log.status();
    (*log)->Record(CreateEvent("to3"));
  }
  const std::vector<std::string> lines =
      absl::StrSplit(Contents(file.path()), '\n', absl::SkipEmpty());
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_THAT(lines[0], HasSubstr("\"to1\""));
  EXPECT_THAT(lines[2], HasSubstr("\"to3\""));
}

TEST(AuditLogFileTest, AnEventIsInTheFileAsSoonAsItIsRecorded) {
  TempFile file("");
  absl::StatusOr<std::unique_ptr<AuditLogFile>> log =
      AuditLogFile::Open(file.path());
  ASSERT_TRUE(log.ok()) << log.status();
  (*log)->Record(CreateEvent("to1"));
  // Still open: nothing waits in a buffer.
  EXPECT_THAT(Contents(file.path()), HasSubstr("\"to1\""));
}

TEST(AuditLogFileTest, ANewFileIsReadableByItsOwnerOnly) {
  const std::string path =
      ::testing::TempDir() + "/audit_mode_" + std::to_string(getpid());
  std::remove(path.c_str());
  absl::StatusOr<std::unique_ptr<AuditLogFile>> log = AuditLogFile::Open(path);
  ASSERT_TRUE(log.ok()) << log.status();
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  std::remove(path.c_str());
}

TEST(AuditLogFileTest, AFileThatCannotBeOpenedIsNamedInTheError) {
  absl::StatusOr<std::unique_ptr<AuditLogFile>> log =
      AuditLogFile::Open("/nonexistent-dir/audit.jsonl");
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(log.status().message(),
              HasSubstr("/nonexistent-dir/audit.jsonl"));
}

TEST(ReadAuditLogTest, ReadsEveryEventInOrderAndSkipsACutLastLine) {
  const std::string first = AuditEventToJson(CreateEvent("to1"));
  const std::string second = AuditEventToJson(CreateEvent("to2"));
  TempFile file(first + "\n" + second + "\n" + second.substr(0, 20));
  std::vector<std::string> tokens;
  absl::StatusOr<int> read = ReadAuditLog(
      file.path(),
      [&](const AuditEvent& event) { tokens.push_back(event.token()); });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, 2);
  EXPECT_THAT(tokens, ::testing::ElementsAre("to1", "to2"));
}

TEST(ReadAuditLogTest, AMissingFileHasNoEvents) {
  absl::StatusOr<int> read =
      ReadAuditLog(::testing::TempDir() + "/no_such_audit_log",
                   [](const AuditEvent&) { FAIL() << "no event expected"; });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, 0);
}

}  // namespace
}  // namespace gateway::governance
