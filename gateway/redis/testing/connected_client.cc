#include "gateway/redis/testing/connected_client.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
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

}  // namespace gateway::redis
