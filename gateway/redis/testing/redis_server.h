// A real redis-server (/usr/bin/redis-server, Debian's redis-server) as a
// child process on a free loopback port, for the tests of gateway/redis and
// the integration tests: no persistence, nothing written to disk.
//
// Example:
//   absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
//   ASSERT_TRUE(server.ok()) << server.status();
//   options.port = (*server)->port();
//   (*server)->Stop();     // SIGKILL: connections break
//   (*server)->Restart();  // the same port again, empty
//
// Killed (SIGKILL) when destroyed, and when the test process dies.
// Not thread-safe.

#ifndef GATEWAY_REDIS_TESTING_REDIS_SERVER_H_
#define GATEWAY_REDIS_TESTING_REDIS_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gateway::redis {

class RedisServer {
 public:
  struct Options {
    // --requirepass when not empty.
    std::string password;
    std::string binary = "/usr/bin/redis-server";
  };

  // Starts the server and waits until it answers PING (or asks for the
  // password). An error when it cannot start within some seconds.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(
      const Options& options);
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start();

  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // SIGKILL and reap; a no-op when it is not running.
  void Stop();
  // Stop() if running, then a new server on the same port.
  absl::Status Restart();
  // SIGSTOP / SIGCONT: connections stay up, nothing is answered.
  void Pause();
  void Resume();

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  // "127.0.0.1:PORT".
  std::string address() const;

 private:
  RedisServer(Options options, int port)
      : options_(std::move(options)), port_(port) {}

  absl::Status Launch();

  Options options_;
  int port_;
  pid_t pid_ = -1;
  bool paused_ = false;
};

}  // namespace gateway::redis

#endif  // GATEWAY_REDIS_TESTING_REDIS_SERVER_H_
