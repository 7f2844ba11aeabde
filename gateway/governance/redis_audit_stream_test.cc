// RedisAuditStream against a real redis-server.

#include "gateway/governance/redis_audit_stream.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/redis/testing/connected_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kWait = absl::Seconds(5);

AuditEvent Event(const std::string& token) {
  AuditEvent event;
  event.set_rpc("CreateUploadToken");
  event.set_caller("web");
  event.set_token(token);
  event.set_outcome("OK");
  return event;
}

class RedisAuditStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<redis::RedisWithClient> redis =
        redis::StartRedisWithClient();
    ASSERT_TRUE(redis.ok()) << redis.status();
    server_ = std::move(redis->server);
    client_ = std::move(redis->client);
  }

  absl::StatusOr<redis::RedisReply> Command(std::vector<std::string> argv) {
    return redis::CommandAndWait(*client_, std::move(argv));
  }

  // The "event" field of every entry of the stream, oldest first.
  std::vector<std::string> Entries() {
    absl::StatusOr<redis::RedisReply> range =
        Command({"XRANGE", kAuditStreamKey, "-", "+"});
    std::vector<std::string> events;
    if (!range.ok()) return events;
    for (const redis::RedisReply& entry : range->elements) {
      // [id, [field, value, ...]]
      if (entry.elements.size() == 2 &&
          entry.elements[1].elements.size() == 2) {
        events.push_back(entry.elements[1].elements[1].text);
      }
    }
    return events;
  }

  std::unique_ptr<redis::RedisServer> server_;
  std::unique_ptr<redis::RedisClient> client_;
};

TEST_F(RedisAuditStreamTest, EachEventIsOneEntryOfItsJsonLine) {
  RedisAuditStream stream(*client_, absl::Hours(24));
  stream.Record(Event("to1"));
  stream.Record(Event("to2"));
  const std::vector<std::string> entries = Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0], AuditEventToJson(Event("to1")));
  EXPECT_THAT(entries[1], HasSubstr(R"("token":"to2")"));
  EXPECT_EQ(stream.write_failures(), 0);
}

TEST_F(RedisAuditStreamTest, EntriesOlderThanTheRetentionAreTrimmed) {
  // Redis trims whole nodes with "~": one entry per node makes it exact.
  ASSERT_TRUE(Command({"CONFIG", "SET", "stream-node-max-entries", "1"}).ok());
  // An old entry, its id a day in the past.
  const std::int64_t day_ago_ms =
      absl::ToUnixMillis(absl::Now() - absl::Hours(24));
  ASSERT_TRUE(Command({"XADD", kAuditStreamKey, absl::StrCat(day_ago_ms, "-0"),
                       "event", "old"})
                  .ok());
  RedisAuditStream stream(*client_, absl::Hours(1));
  stream.Record(Event("to1"));
  const std::vector<std::string> entries = Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(entries[0], HasSubstr(R"("token":"to1")"));
}

TEST_F(RedisAuditStreamTest, AnEventRedisDoesNotTakeIsCounted) {
  RedisAuditStream stream(*client_, absl::Hours(24));
  server_->Stop();
  stream.Record(Event("to1"));
  // The failure comes back on the client's thread.
  const absl::Time give_up = absl::Now() + kWait;
  while (stream.write_failures() == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(stream.write_failures(), 1);
}

}  // namespace
}  // namespace gateway::governance
