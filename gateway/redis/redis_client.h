// Transport layer: commands to one Redis server, asynchronously, from an
// event loop of the gateway's own (hiredis's async API on libevent).
//
// Replicas of the gateway share the api.video account's windows and the
// token cache through Redis (docs/operations.md, "Sharing one account").
// Redis is a help, never a dependency a call can fail on: a command gets an
// answer within `command_timeout` or an error, and while the server is
// down, slow or restarting every command fails at once with UNAVAILABLE;
// the callers then fall back to what one process can do alone. The client
// reconnects by itself, with backoff.
//
// Example:
//   RedisClient redis(options, &observer);
//   redis.Command({"GET", key}, [](absl::StatusOr<RedisReply> reply) {...});
//
// Thread-safe. Callbacks run on the client's loop thread, never under a
// lock of the client, exactly once each (with an error at shutdown).

#ifndef GATEWAY_REDIS_REDIS_CLIENT_H_
#define GATEWAY_REDIS_REDIS_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gateway::redis {

// One reply of RESP2, copied out of hiredis.
struct RedisReply {
  enum class Type { kNil, kInteger, kString, kStatus, kArray };
  Type type = Type::kNil;
  std::int64_t integer = 0;
  // kString and kStatus.
  std::string text;
  // kArray.
  std::vector<RedisReply> elements;
};

// An error reply of the server (e.g. "NOSCRIPT ...", a Lua error) comes as
// an error status with the server's text: UNKNOWN. No answer within the
// command timeout: DEADLINE_EXCEEDED. Not connected, or the connection
// broke before the answer: UNAVAILABLE. Client shutting down: CANCELLED.
using RedisCallback = absl::AnyInvocable<void(absl::StatusOr<RedisReply>) &&>;

// What sends commands; RedisClient, or a fake in unit tests.
class RedisCommander {
 public:
  virtual ~RedisCommander() = default;

  // Sends `argv` (binary-safe arguments) as one command; `done` runs once
  // with its reply or an error.
  virtual void Command(std::vector<std::string> argv, RedisCallback done) = 0;

  // Whether the connection is up and authenticated now; a hint (it may
  // drop the next moment), for choosing shared or local state.
  virtual bool connected() const = 0;
};

struct RedisClientOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  // AUTH <password> after each connect when not empty
  // (--redis_password_file); PING otherwise. The connection counts as up
  // only once that is answered without an error, so a server that wants
  // another password (or one we lack) is never taken for a working one.
  std::string password;
  // The longest a command waits for its answer.
  absl::Duration command_timeout = absl::Milliseconds(100);
  // The longest a connection attempt (TCP and AUTH or PING) takes.
  absl::Duration connect_timeout = absl::Seconds(1);
  // Delay before reconnecting after a failed attempt or a lost
  // connection: doubles from the first to at most the second, with jitter.
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// Hears when the connection comes up or goes down; for the metric and log
// line. Called on the loop thread; must be quick.
class RedisConnectionObserver {
 public:
  virtual ~RedisConnectionObserver() = default;
  virtual void OnConnectionChanged(bool connected) = 0;
};

class RedisClient final : public RedisCommander {
 public:
  // Starts the loop thread and the first connection attempt; returns at
  // once (commands fail with UNAVAILABLE until connected). `observer` may
  // be null and must outlive the client.
  explicit RedisClient(RedisClientOptions options,
                       RedisConnectionObserver* observer = nullptr);
  // Fails pending commands with CANCELLED, closes the connection and joins
  // the loop thread.
  ~RedisClient() override;

  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Fails pending commands with CANCELLED, closes the connection and joins
  // the loop thread; from then on every command fails at once, on the
  // caller's thread, with CANCELLED. Idempotent; the destructor calls it.
  // Not from one of the client's callbacks.
  void Shutdown();

  void Command(std::vector<std::string> argv, RedisCallback done) override;
  bool connected() const override;

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace gateway::redis

#endif  // GATEWAY_REDIS_REDIS_CLIENT_H_
