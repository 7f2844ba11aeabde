#include "gateway/redis/testing/connected_client.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gateway::redis {

absl::StatusOr<std::unique_ptr<RedisClient>> ConnectedClient(
    const RedisServer& server) {
  RedisClientOptions options;
  options.port = server.port();
  // Generous: a loaded CI machine must not turn a slow answer into a test
  // failure; the tests of timeouts set their own.
  options.command_timeout = absl::Seconds(2);
  auto client = std::make_unique<RedisClient>(options);
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!client->connected()) {
    if (absl::Now() > give_up) {
      return absl::DeadlineExceededError(
          absl::StrCat("test: no connection to ", server.address(), " in 10s"));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return client;
}

absl::StatusOr<RedisWithClient> StartRedisWithClient() {
  absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
  if (!server.ok()) return server.status();
  absl::StatusOr<std::unique_ptr<RedisClient>> client =
      ConnectedClient(**server);
  if (!client.ok()) return client.status();
  return RedisWithClient{*std::move(server), *std::move(client)};
}

absl::StatusOr<RedisReply> CommandAndWait(RedisCommander& redis,
                                          std::vector<std::string> argv) {
  // Shared with the callback, which may come after a timeout here.
  struct Wait {
    absl::Notification done;
    absl::StatusOr<RedisReply> reply;
  };
  auto wait = std::make_shared<Wait>();
  redis.Command(std::move(argv), [wait](absl::StatusOr<RedisReply> reply) {
    wait->reply = std::move(reply);
    wait->done.Notify();
  });
  if (!wait->done.WaitForNotificationWithTimeout(absl::Seconds(5))) {
    return absl::DeadlineExceededError("test: no Redis reply in 5s");
  }
  return wait->reply;
}

}  // namespace gateway::redis
