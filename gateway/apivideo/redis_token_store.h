// The SharedTokenStore of replicas sharing one Redis (--redis_address).
//
// Two keys per token, in one hash slot (the token is the hash tag):
//   gateway:token:{<token>}          the remembered answer, PX its max age
//   gateway:token-deleted:{<token>}  the tombstone of a delete, PX max_age
// A value is one tag byte and a serialized protobuf message:
//   'T' + UploadToken                 a token
//   'N' + google.rpc.Status           a NOT_FOUND: code, message, and every
//                                     payload (type URL → bytes) of the
//                                     absl::Status, so that a hit restores
//                                     exactly what the caller would have got
// Anything else (another version, a hand-written key) is a miss, logged
// once, and is overwritten by the next answer.
//
// AddAnswer is one EVAL: SET ... PX only when there is no tombstone, so a
// Get that started before a Delete on any replica cannot put the token
// back (for as long as the tombstone lives: max_age, longer than any
// upstream call). Forget is one EVAL too: DEL the entry and SET the
// tombstone.
//
// Keys are built from the token value alone. TTLs are whole milliseconds,
// never past a token's expires_at; an entry that would live under 1 ms is
// not written.
//
// Thread-safe. Callbacks run on the commander's thread; they hold no
// pointer to this object, so they may run after it is gone (a RedisClient
// fails its pending commands when destroyed).

#ifndef GATEWAY_APIVIDEO_REDIS_TOKEN_STORE_H_
#define GATEWAY_APIVIDEO_REDIS_TOKEN_STORE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/shared_token_store.h"
#include "gateway/apivideo/token_cache.h"
#include "gateway/redis/redis_client.h"

namespace gateway::apivideo {

class RedisTokenStore final : public SharedTokenStore {
 public:
  // `redis` must outlive this object. `now` is the clock expires_at is
  // compared with.
  RedisTokenStore(
      redis::RedisCommander& redis, const TokenCacheOptions& options,
      std::function<absl::Time()> now = [] { return absl::Now(); });

  bool available() const override;
  void Find(absl::string_view token, FindCallback done) override;
  void AddCreated(const UploadToken& token, DoneCallback done) override;
  void AddAnswer(absl::string_view token,
                 const absl::StatusOr<UploadToken>& answer) override;
  void Forget(absl::string_view token, DoneCallback done) override;

  // The keys of `token`, for tests and operators.
  static std::string EntryKey(absl::string_view token);
  static std::string TombstoneKey(absl::string_view token);

  // The stored form of an answer (a token or a NOT_FOUND), and back;
  // nullopt: not a value this store wrote.
  static std::string Encode(const absl::StatusOr<UploadToken>& answer);
  static std::optional<absl::StatusOr<UploadToken>> Decode(
      absl::string_view value);

 private:
  // How long `token` may be kept from now: max_age, never past its
  // expires_at; at most zero when it must not be.
  absl::Duration TtlOf(const UploadToken& token) const;

  redis::RedisCommander& redis_;
  const TokenCacheOptions options_;
  const std::function<absl::Time()> now_;
  // Whether a malformed value was logged already; shared with callbacks.
  const std::shared_ptr<std::atomic<bool>> malformed_logged_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_REDIS_TOKEN_STORE_H_
