// RedisTokenStore against a real redis-server (redis/testing/redis_server.h)
// through a real RedisClient: what it stores, restores, refuses and lets
// expire.

#include "gateway/apivideo/redis_token_store.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/common/status_details.h"
#include "gateway/redis/redis_client.h"
#include "gateway/redis/testing/connected_client.h"
#include "gateway/redis/testing/redis_server.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

constexpr absl::string_view kToken = "to1tcmSFHeYY5KzyhOqVKMKb";
constexpr absl::Duration kWait = absl::Seconds(5);

UploadToken TokenNamed(absl::string_view name, absl::Time created,
                       int ttl = 0) {
  UploadToken token;
  token.set_token(std::string(name));
  token.set_ttl(ttl);
  token.mutable_created_at()->set_seconds(absl::ToUnixSeconds(created));
  if (ttl > 0) {
    token.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(created) + ttl);
  }
  return token;
}

class RedisTokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<redis::RedisWithClient> redis =
        redis::StartRedisWithClient();
    ASSERT_TRUE(redis.ok()) << redis.status();
    server_ = std::move(redis->server);
    client_ = std::move(redis->client);
  }

  RedisTokenStore& Store(TokenCacheOptions options = {}) {
    store_ = std::make_unique<RedisTokenStore>(*client_, options);
    return *store_;
  }

  // Runs `argv` and waits for its reply.
  absl::StatusOr<redis::RedisReply> Command(std::vector<std::string> argv) {
    absl::Notification done;
    absl::StatusOr<redis::RedisReply> reply;
    client_->Command(std::move(argv),
                     [&](absl::StatusOr<redis::RedisReply> answer) {
                       reply = std::move(answer);
                       done.Notify();
                     });
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(kWait));
    return reply;
  }

  SharedTokenStore::FindResult Find(absl::string_view token) {
    absl::Notification done;
    SharedTokenStore::FindResult result = absl::UnknownError("no answer");
    store_->Find(token, [&](SharedTokenStore::FindResult found) {
      result = std::move(found);
      done.Notify();
    });
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(kWait));
    return result;
  }

  absl::Status AddCreated(const UploadToken& token) {
    absl::Notification done;
    absl::Status result = absl::UnknownError("no answer");
    store_->AddCreated(token, [&](absl::Status status) {
      result = std::move(status);
      done.Notify();
    });
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(kWait));
    return result;
  }

  absl::Status Forget(absl::string_view token) {
    absl::Notification done;
    absl::Status result = absl::UnknownError("no answer");
    store_->Forget(token, [&](absl::Status status) {
      result = std::move(status);
      done.Notify();
    });
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(kWait));
    return result;
  }

  // AddAnswer is fire and forget: a PING after it, on the same
  // connection, answers once it has run.
  void AddAnswerAndWait(absl::string_view token,
                        const absl::StatusOr<UploadToken>& answer) {
    store_->AddAnswer(token, answer);
    ASSERT_TRUE(Command({"PING"}).ok());
  }

  std::unique_ptr<redis::RedisServer> server_;
  std::unique_ptr<redis::RedisClient> client_;
  std::unique_ptr<RedisTokenStore> store_;
};

TEST_F(RedisTokenStoreTest, CreatedTokenRoundTrips) {
  Store();
  const UploadToken token = TokenNamed(kToken, absl::Now(), /*ttl=*/3600);
  ASSERT_TRUE(AddCreated(token).ok());
  SharedTokenStore::FindResult found = Find(kToken);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  ASSERT_TRUE((*found)->ok());
  EXPECT_EQ((**found)->SerializeAsString(), token.SerializeAsString());
}

TEST_F(RedisTokenStoreTest, UnknownTokenIsAMiss) {
  Store();
  SharedTokenStore::FindResult found = Find(kToken);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());
}

TEST_F(RedisTokenStoreTest, NotFoundRoundTripKeepsCodeMessageAndDetails) {
  Store();
  absl::Status not_found = absl::NotFoundError(
      "upload token \"to1tcmSFHeYY5KzyhOqVKMKb\" was not found");
  google::rpc::ResourceInfo info;
  info.set_resource_type("upload token");
  info.set_resource_name(std::string(kToken));
  AddDetail(not_found, info);
  AddAnswerAndWait(kToken, not_found);
  SharedTokenStore::FindResult found = Find(kToken);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  const absl::Status& status = (*found)->status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), not_found.message());
  std::optional<google::rpc::ResourceInfo> restored =
      GetDetail<google::rpc::ResourceInfo>(status);
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->resource_name(), kToken);
  EXPECT_EQ(status, not_found);
}

TEST_F(RedisTokenStoreTest, OtherErrorsAreNotStored) {
  Store();
  AddAnswerAndWait(kToken, absl::UnavailableError("api.video answered 503"));
  SharedTokenStore::FindResult found = Find(kToken);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());
}

TEST_F(RedisTokenStoreTest, ForgetRemovesTheToken) {
  Store();
  ASSERT_TRUE(AddCreated(TokenNamed(kToken, absl::Now())).ok());
  ASSERT_TRUE(Forget(kToken).ok());
  SharedTokenStore::FindResult found = Find(kToken);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());
}

TEST_F(RedisTokenStoreTest, TombstoneBlocksAddAnswerAfterForget) {
  Store();
  ASSERT_TRUE(Forget(kToken).ok());
  // A Get that started before the delete answers late.
  AddAnswerAndWait(kToken, TokenNamed(kToken, absl::Now()));
  SharedTokenStore::FindResult found = Find(kToken);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());
}

TEST_F(RedisTokenStoreTest, EntryExpiresAfterMaxAge) {
  TokenCacheOptions options;
  options.max_age = absl::Milliseconds(200);
  Store(options);
  ASSERT_TRUE(AddCreated(TokenNamed(kToken, absl::Now())).ok());
  SharedTokenStore::FindResult found = Find(kToken);
  ASSERT_TRUE(found.ok() && found->has_value());
  const absl::Time give_up = absl::Now() + kWait;
  while (absl::Now() < give_up) {
    found = Find(kToken);
    ASSERT_TRUE(found.ok()) << found.status();
    if (!found->has_value()) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_FALSE(found->has_value());
}

TEST_F(RedisTokenStoreTest, EntryNeverOutlivesTheTokensExpiresAt) {
  Store();  // max age 10 s
  const absl::Time now = absl::Now();
  // Created a little earlier, expires in at most two seconds.
  const UploadToken token = TokenNamed(kToken, now - absl::Seconds(1), 3);
  ASSERT_TRUE(AddCreated(token).ok());
  absl::StatusOr<redis::RedisReply> ttl =
      Command({"PTTL", RedisTokenStore::EntryKey(kToken)});
  ASSERT_TRUE(ttl.ok()) << ttl.status();
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, 2000);
}

TEST_F(RedisTokenStoreTest, MalformedValueIsAMiss) {
  Store();
  for (const std::string& value :
       {std::string("not a value of ours"), std::string("T\xff\xff\xff"),
        std::string("N\x08\x02"), std::string()}) {
    ASSERT_TRUE(
        Command({"SET", RedisTokenStore::EntryKey(kToken), value}).ok());
    SharedTokenStore::FindResult found = Find(kToken);
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_FALSE(found->has_value()) << value;
  }
}

// Redis Cluster hashes only the first {...} of a key: the token.
TEST(RedisTokenStoreKeysTest, BothKeysOfATokenShareOneHashTag) {
  const std::string tag = absl::StrCat("{", kToken, "}");
  for (const std::string& key : {RedisTokenStore::EntryKey(kToken),
                                 RedisTokenStore::TombstoneKey(kToken)}) {
    EXPECT_EQ(key.find('{'), key.find(tag)) << key;
    EXPECT_EQ(key.substr(key.size() - tag.size()), tag) << key;
  }
  EXPECT_NE(RedisTokenStore::EntryKey(kToken),
            RedisTokenStore::TombstoneKey(kToken));
}

TEST_F(RedisTokenStoreTest, StoppedServerIsAnErrorNotAMiss) {
  Store();
  server_->Stop();
  SharedTokenStore::FindResult found = Find(kToken);
  EXPECT_FALSE(found.ok());
}

}  // namespace
}  // namespace gateway::apivideo
