// Each caller's creates_per_minute shared by the replicas through Redis
// (--redis_address): one token bucket per caller on the Redis server, so
// that N replicas together allow the caller its rate, not N times it.
//
// The bucket is CreateRateLimiter's (a minute's worth of creates, refilled
// at the caller's rate), kept in a hash "gateway:creates:{<caller>}" by one
// Lua script that takes a create atomically, on the Redis server's clock.
// Redis is a help: when it does not answer, TryCreate says UNAVAILABLE and
// the replica counts the create in its own CreateRateLimiter instead.
//
// Thread-safe. Callbacks run on the Redis loop thread.

#ifndef GATEWAY_GOVERNANCE_SHARED_CREATE_RATE_H_
#define GATEWAY_GOVERNANCE_SHARED_CREATE_RATE_H_

#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/redis/redis_client.h"

namespace gateway::governance {

class SharedCreateRate {
 public:
  using Callback = absl::AnyInvocable<void(absl::Status) &&>;

  // `redis` must outlive this object and every call.
  explicit SharedCreateRate(redis::RedisCommander& redis) : redis_(redis) {}

  // Takes one create from `caller`'s shared bucket (`creates_per_minute` >
  // 0). `done` gets OK, CreateRateExceeded's refusal, or UNAVAILABLE when
  // Redis did not answer.
  void TryCreate(const std::string& caller, int creates_per_minute,
                 Callback done);

  // Gives back a create taken that did not happen.
  void Refund(const std::string& caller);

  static std::string KeyOf(absl::string_view caller);

 private:
  redis::RedisCommander& redis_;
};

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_SHARED_CREATE_RATE_H_
