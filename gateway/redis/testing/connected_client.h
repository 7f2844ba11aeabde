// A RedisClient to a test's RedisServer, connected before the test goes on:
// for the tests of what is kept in Redis, which are not about connecting.

#ifndef GATEWAY_REDIS_TESTING_CONNECTED_CLIENT_H_
#define GATEWAY_REDIS_TESTING_CONNECTED_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/redis/redis_client.h"
#include "gateway/redis/testing/redis_server.h"

namespace gateway::redis {

// A client of `server` (its port, a 2 s command timeout), once connected;
// an error if it is not within 10 s.
absl::StatusOr<std::unique_ptr<RedisClient>> ConnectedClient(
    const RedisServer& server);

// A new server, and a client connected to it.
struct RedisWithClient {
  std::unique_ptr<RedisServer> server;
  std::unique_ptr<RedisClient> client;
};
absl::StatusOr<RedisWithClient> StartRedisWithClient();

// Sends `argv` through `redis` and waits for the reply: DEADLINE_EXCEEDED
// when none comes within 5 s. Redis answers one connection's commands in
// order, so this also waits for every command sent before it.
absl::StatusOr<RedisReply> CommandAndWait(RedisCommander& redis,
                                          std::vector<std::string> argv);

}  // namespace gateway::redis

#endif  // GATEWAY_REDIS_TESTING_CONNECTED_CLIENT_H_
