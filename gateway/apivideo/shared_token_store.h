// The token cache that replicas of the gateway share (--redis_address):
// what one replica learns of a token, the others answer from.
//
// TokenCache (token_cache.h) remembers what one process created, read or
// deleted; a token deleted through replica A stays in B's memory until its
// max age. A SharedTokenStore holds the same entries where every replica
// sees them, with two promises the local cache cannot give:
//   - a token created on one replica is a hit on the others (AddCreated);
//   - once Forget has completed, no replica answers the token from the
//     store, and no Get that started before the delete, on any replica,
//     can put it back: Forget leaves a tombstone for `max_age` that
//     AddAnswer respects.
// The rules of what is kept and for how long are TokenCache's: tokens for
// at most TokenCacheOptions::max_age and never past their expires_at,
// NOT_FOUND (with the very status the caller got) for negative_max_age,
// other errors never.
//
// The store is a help, never something a call may fail on or wait long
// for: every operation answers within the transport's timeout, and an
// error means "the store could not answer", after which the caller does
// what one process can do alone (CachingUploadTokenStub falls back to its
// TokenCache).
//
// Asynchronous: callbacks run exactly once, on any thread (RedisTokenStore:
// the Redis client's loop thread), maybe before the operation returns, with
// no lock of the store held. Implementations are thread-safe. Tokens must
// already be validated.
//
// Example:
//   store.Find(token, [](SharedTokenStore::FindResult found) {
//     if (!found.ok()) { ... the local cache ... }
//     else if (!found->has_value()) { ... upstream, then AddAnswer ... }
//     else { ... answer **found (a token or NOT_FOUND) ... }
//   });

#ifndef GATEWAY_APIVIDEO_SHARED_TOKEN_STORE_H_
#define GATEWAY_APIVIDEO_SHARED_TOKEN_STORE_H_

#include <optional>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/apivideo/token_page.h"

namespace gateway::apivideo {

class SharedTokenStore {
 public:
  // Outer error: the store could not answer (fall back). nullopt: nothing
  // stored for the token. Otherwise the remembered answer of a Get: the
  // token, or the NOT_FOUND status (code, message, payloads) api.video gave.
  using FindResult = absl::StatusOr<std::optional<absl::StatusOr<UploadToken>>>;
  using FindCallback = absl::AnyInvocable<void(FindResult) &&>;
  // OK: done; an error: maybe not done (sharing lost, nothing else).
  using DoneCallback = absl::AnyInvocable<void(absl::Status) &&>;

  virtual ~SharedTokenStore() = default;

  // Whether the store can be asked now (Redis connected). A hint: it may
  // go down the next moment, and then the operations answer errors.
  virtual bool available() const = 0;

  // The remembered answer of Get(token).
  virtual void Find(absl::string_view token, FindCallback done) = 0;

  // A token just created: stored for max_age, never past its expires_at.
  virtual void AddCreated(const UploadToken& token, DoneCallback done) = 0;

  // The answer of an upstream Get of `token`: a token, or a NOT_FOUND (for
  // negative_max_age; it removes the token either way), is stored unless
  // the token has a tombstone; other errors are ignored. Fire and forget.
  virtual void AddAnswer(absl::string_view token,
                         const absl::StatusOr<UploadToken>& answer) = 0;

  // The token was deleted, or may have been: its entry is removed and a
  // tombstone written for max_age, so that Gets in flight anywhere do not
  // store it again.
  virtual void Forget(absl::string_view token, DoneCallback done) = 0;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_SHARED_TOKEN_STORE_H_
