#include "gateway/redis/redis_client.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/redis/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::redis {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kWait = absl::Seconds(10);

// Records every OnConnectionChanged and lets a test wait for the next one.
class RecordingObserver : public RedisConnectionObserver {
 public:
  void OnConnectionChanged(bool connected) override {
    absl::MutexLock lock(&mu_);
    events_.push_back(connected);
  }

  // Waits for an event `connected` after those already waited for.
  bool WaitFor(bool connected, absl::Duration timeout = kWait) {
    absl::MutexLock lock(&mu_);
    auto seen = [&] {
      for (size_t i = consumed_; i < events_.size(); ++i) {
        if (events_[i] == connected) return true;
      }
      return false;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&seen), timeout)) return false;
    while (events_[consumed_] != connected) ++consumed_;
    ++consumed_;
    return true;
  }

  std::vector<bool> events() {
    absl::MutexLock lock(&mu_);
    return events_;
  }

 private:
  absl::Mutex mu_;
  std::vector<bool> events_;
  size_t consumed_ = 0;
};

// One command, waited for.
absl::StatusOr<RedisReply> Call(RedisCommander& redis,
                                std::vector<std::string> argv) {
  absl::Notification done;
  absl::StatusOr<RedisReply> result;
  redis.Command(std::move(argv), [&](absl::StatusOr<RedisReply> reply) {
    result = std::move(reply);
    done.Notify();
  });
  if (!done.WaitForNotificationWithTimeout(kWait)) {
    return absl::InternalError("test: no callback within 10s");
  }
  return result;
}

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  RedisClientOptions Options() const {
    RedisClientOptions options;
    options.port = server_->port();
    options.command_timeout = absl::Seconds(2);
    options.connect_timeout = absl::Seconds(1);
    options.min_backoff = absl::Milliseconds(20);
    options.max_backoff = absl::Milliseconds(200);
    return options;
  }

  // A client to the server, connected.
  std::unique_ptr<RedisClient> Connect(RedisClientOptions options) {
    auto client = std::make_unique<RedisClient>(options, &observer_);
    EXPECT_TRUE(observer_.WaitFor(true)) << "never connected";
    EXPECT_TRUE(client->connected());
    return client;
  }
  std::unique_ptr<RedisClient> Connect() { return Connect(Options()); }

  std::unique_ptr<RedisServer> server_;
  RecordingObserver observer_;
};

TEST_F(RedisClientTest, SetThenGetRoundTrip) {
  std::unique_ptr<RedisClient> redis = Connect();

  absl::StatusOr<RedisReply> set = Call(*redis, {"SET", "key", "value"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->type, RedisReply::Type::kStatus);
  EXPECT_EQ(set->text, "OK");

  absl::StatusOr<RedisReply> get = Call(*redis, {"GET", "key"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->type, RedisReply::Type::kString);
  EXPECT_EQ(get->text, "value");

  absl::StatusOr<RedisReply> missing = Call(*redis, {"GET", "missing"});
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->type, RedisReply::Type::kNil);
}

TEST_F(RedisClientTest, ArgumentsAreBinarySafe) {
  std::unique_ptr<RedisClient> redis = Connect();
  const std::string key("k\0 \r\n", 5);
  const std::string value("\0\xff\r\n$3\r\nbad\r\n", 14);

  ASSERT_TRUE(Call(*redis, {"SET", key, value}).ok());
  absl::StatusOr<RedisReply> get = Call(*redis, {"GET", key});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->text, value);
  absl::StatusOr<RedisReply> length = Call(*redis, {"STRLEN", key});
  ASSERT_TRUE(length.ok()) << length.status();
  EXPECT_EQ(length->type, RedisReply::Type::kInteger);
  EXPECT_EQ(length->integer, 14);
}

TEST_F(RedisClientTest, ServerErrorReplyIsUnknownWithTheServersText) {
  std::unique_ptr<RedisClient> redis = Connect();
  ASSERT_TRUE(Call(*redis, {"SET", "text", "not a number"}).ok());

  absl::StatusOr<RedisReply> reply = Call(*redis, {"INCR", "text"});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnknown);
  EXPECT_THAT(reply.status().message(), HasSubstr("not an integer"));
}

TEST_F(RedisClientTest, EvalOfLuaScriptReturnsArray) {
  std::unique_ptr<RedisClient> redis = Connect();

  absl::StatusOr<RedisReply> reply = Call(
      *redis, {"EVAL", "return {1, 'two', KEYS[1], ARGV[1]}", "1", "k", "a"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_EQ(reply->type, RedisReply::Type::kArray);
  ASSERT_EQ(reply->elements.size(), 4u);
  EXPECT_EQ(reply->elements[0].type, RedisReply::Type::kInteger);
  EXPECT_EQ(reply->elements[0].integer, 1);
  EXPECT_EQ(reply->elements[1].text, "two");
  EXPECT_EQ(reply->elements[2].text, "k");
  EXPECT_EQ(reply->elements[3].text, "a");
}

TEST_F(RedisClientTest, CommandWhileServerIsDownFailsUnavailableAtOnce) {
  server_->Stop();
  RedisClientOptions options = Options();
  options.command_timeout = absl::Seconds(2);
  RedisClient redis(options, &observer_);

  for (int i = 0; i < 3; ++i) {
    const absl::Time start = absl::Now();
    absl::StatusOr<RedisReply> reply = Call(redis, {"PING"});
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable)
        << reply.status();
    EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
    absl::SleepFor(absl::Milliseconds(50));  // across reconnect attempts
  }
  EXPECT_FALSE(redis.connected());
  EXPECT_TRUE(observer_.events().empty());
}

TEST_F(RedisClientTest, StoppedServerFailsDeadlineExceededWithinTimeout) {
  RedisClientOptions options = Options();
  options.command_timeout = absl::Milliseconds(200);
  std::unique_ptr<RedisClient> redis = Connect(options);
  server_->Pause();  // SIGSTOP: the connection is up, nothing answers

  const absl::Time start = absl::Now();
  absl::StatusOr<RedisReply> reply = Call(*redis, {"PING"});
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kDeadlineExceeded)
      << reply.status();
  EXPECT_GE(took, absl::Milliseconds(180));
  EXPECT_LT(took, absl::Seconds(2));

  // The late answer is dropped; the connection still works.
  server_->Resume();
  absl::StatusOr<RedisReply> after = Call(*redis, {"PING"});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->text, "PONG");
}

TEST_F(RedisClientTest, UnansweredHandshakeTimesOutThenConnectsWhenAnswered) {
  // Stopped: the kernel completes TCP connects, the PING gets no answer.
  server_->Pause();
  RedisClientOptions options = Options();
  options.connect_timeout = absl::Milliseconds(100);
  RedisClient redis(options, &observer_);
  absl::SleepFor(absl::Milliseconds(400));  // a few timed-out attempts
  EXPECT_FALSE(redis.connected());
  EXPECT_EQ(Call(redis, {"PING"}).status().code(),
            absl::StatusCode::kUnavailable);

  server_->Resume();
  ASSERT_TRUE(observer_.WaitFor(true));
  absl::StatusOr<RedisReply> reply = Call(redis, {"PING"});
  ASSERT_TRUE(reply.ok()) << reply.status();
}

TEST_F(RedisClientTest, KilledServerFailsPendingCommandUnavailable) {
  RedisClientOptions options = Options();
  options.command_timeout = absl::Seconds(5);
  std::unique_ptr<RedisClient> redis = Connect(options);
  server_->Pause();  // the command stays pending

  absl::Notification done;
  absl::StatusOr<RedisReply> result;
  redis->Command({"PING"}, [&](absl::StatusOr<RedisReply> reply) {
    result = std::move(reply);
    done.Notify();
  });
  absl::SleepFor(absl::Milliseconds(50));  // the command reaches the socket
  server_->Stop();

  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(4)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable)
      << result.status();
  EXPECT_TRUE(observer_.WaitFor(false));
  EXPECT_FALSE(redis->connected());
  EXPECT_EQ(observer_.events(), (std::vector<bool>{true, false}));
}

TEST_F(RedisClientTest, RestartedServerIsReconnectedByItself) {
  std::unique_ptr<RedisClient> redis = Connect();
  server_->Stop();
  ASSERT_TRUE(observer_.WaitFor(false));
  EXPECT_EQ(Call(*redis, {"PING"}).status().code(),
            absl::StatusCode::kUnavailable);

  ASSERT_TRUE(server_->Restart().ok());
  // max_backoff is 200ms: well within the wait.
  ASSERT_TRUE(observer_.WaitFor(true, absl::Seconds(5)));
  EXPECT_TRUE(redis->connected());
  ASSERT_TRUE(Call(*redis, {"SET", "again", "1"}).ok());
  absl::StatusOr<RedisReply> get = Call(*redis, {"GET", "again"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->text, "1");
}

class RedisClientPasswordTest : public RedisClientTest {
 protected:
  void SetUp() override {
    RedisServer::Options options;
    options.password = "s3cret";
    absl::StatusOr<std::unique_ptr<RedisServer>> server =
        RedisServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // Long enough for several attempts (backoff 20..200ms).
  void ExpectNeverConnected(RedisClient& redis) {
    absl::SleepFor(absl::Milliseconds(600));
    EXPECT_FALSE(redis.connected());
    EXPECT_TRUE(observer_.events().empty());
    EXPECT_EQ(Call(redis, {"PING"}).status().code(),
              absl::StatusCode::kUnavailable);
  }
};

TEST_F(RedisClientPasswordTest, RightPasswordConnects) {
  RedisClientOptions options = Options();
  options.password = "s3cret";
  std::unique_ptr<RedisClient> redis = Connect(options);
  absl::StatusOr<RedisReply> reply = Call(*redis, {"PING"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->text, "PONG");
}

TEST_F(RedisClientPasswordTest, WrongPasswordNeverConnects) {
  RedisClientOptions options = Options();
  options.password = "wrong";
  RedisClient redis(options, &observer_);
  ExpectNeverConnected(redis);
}

TEST_F(RedisClientPasswordTest, NoPasswordNeverConnects) {
  RedisClient redis(Options(), &observer_);
  ExpectNeverConnected(redis);
}

TEST_F(RedisClientTest, DestructorCancelsPendingCommandWithoutHanging) {
  RedisClientOptions options = Options();
  options.command_timeout = absl::Seconds(30);
  std::unique_ptr<RedisClient> redis = Connect(options);
  server_->Pause();

  absl::Notification done;
  absl::StatusOr<RedisReply> result;
  redis->Command({"PING"}, [&](absl::StatusOr<RedisReply> reply) {
    result = std::move(reply);
    done.Notify();
  });
  const absl::Time start = absl::Now();
  redis.reset();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  ASSERT_TRUE(done.HasBeenNotified());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled)
      << result.status();
}

TEST_F(RedisClientTest, CommandAfterShutdownFailsCancelledOnTheCallersThread) {
  std::unique_ptr<RedisClient> redis = Connect();
  redis->Shutdown();
  EXPECT_FALSE(redis->connected());
  bool answered = false;
  absl::StatusOr<RedisReply> result;
  redis->Command({"PING"}, [&](absl::StatusOr<RedisReply> reply) {
    result = std::move(reply);
    answered = true;
  });
  // Answered before Command returned: no loop is left to answer later.
  ASSERT_TRUE(answered);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
  redis->Shutdown();  // Idempotent; so is the destructor after it.
}

TEST_F(RedisClientTest, CallbackMayIssueAnotherCommand) {
  std::unique_ptr<RedisClient> redis = Connect();
  absl::Notification done;
  absl::StatusOr<RedisReply> second;
  redis->Command({"SET", "chained", "yes"}, [&](absl::StatusOr<RedisReply>) {
    redis->Command({"GET", "chained"}, [&](absl::StatusOr<RedisReply> reply) {
      second = std::move(reply);
      done.Notify();
    });
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(kWait));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->text, "yes");
}

TEST_F(RedisClientTest, ManyCommandsFromSeveralThreadsAreAllAnswered) {
  std::unique_ptr<RedisClient> redis = Connect();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 250;
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  absl::Notification all;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        redis->Command(
            {"INCR", "counter"}, [&](absl::StatusOr<RedisReply> reply) {
              if (!reply.ok()) failed.fetch_add(1);
              if (answered.fetch_add(1) + 1 == kThreads * kPerThread) {
                all.Notify();
              }
            });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(all.WaitForNotificationWithTimeout(kWait));
  EXPECT_EQ(failed.load(), 0);
  absl::StatusOr<RedisReply> counter = Call(*redis, {"GET", "counter"});
  ASSERT_TRUE(counter.ok()) << counter.status();
  EXPECT_EQ(counter->text, std::to_string(kThreads * kPerThread));
}

}  // namespace
}  // namespace gateway::redis
