// What GetUploadToken answers may be given again without asking api.video,
// and for how long: the token cache's rules over an ExpiringLruCache.
//
// An upload token's fields never change once created; only its existence
// does (a delete, or its expires_at passing). So a token the gateway created
// or read is answered from memory for at most `max_age`, and never past its
// own expires_at. `max_age` bounds how long a token deleted elsewhere (the
// dashboard, another system on the same key) can still be reported. A
// NOT_FOUND answer is remembered for `negative_max_age`, so that a storm of
// reads of a bogus token costs one upstream read. Other errors are never
// kept: they are about the moment, not the token.
//
// Thread-safe (the store's one lock); calls nothing outside this class.
//
// Example:
//   TokenCache cache(options, [] { return absl::Now(); });
//   if (auto answer = cache.Find("to1...")) { ... answer it ... }
//   const std::uint64_t generation = cache.generation();
//   ... Get upstream ...
//   cache.AddAnswer("to1...", result.value, generation);

#ifndef GATEWAY_APIVIDEO_TOKEN_CACHE_H_
#define GATEWAY_APIVIDEO_TOKEN_CACHE_H_

#include <cstdint>
#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/expiring_lru_cache.h"
#include "gateway/apivideo/token_page.h"

namespace gateway::apivideo {

struct TokenCacheOptions {
  // --token_cache_max_age: how long a token created or read through the
  // gateway is answered from memory, and so how long a token deleted
  // elsewhere may still be reported. Ten seconds saves every repeated read
  // of a busy token but a few per minute, against api.video's 500 reads a
  // minute, while a dashboard delete shows within the time a person takes
  // to look. 0: tokens are not cached.
  absl::Duration max_age = absl::Seconds(10);
  // --negative_cache_max_age: how long a NOT_FOUND of GetUploadToken is
  // remembered. Short, since a NOT_FOUND only matters in a storm. 0: not
  // remembered.
  absl::Duration negative_max_age = absl::Seconds(1);
  // --token_cache_entries: entries kept at most, tokens and NOT_FOUNDs
  // together; the least recently used goes first. An entry takes about
  // 300 bytes, so the default is about 3 MB.
  int max_entries = 10000;
};

class TokenCache {
 public:
  // `now` is the clock entries expire by.
  TokenCache(const TokenCacheOptions& options, std::function<absl::Time()> now);

  // The remembered answer of Get(token): the token, or the NOT_FOUND
  // status api.video gave; nullopt: ask upstream.
  std::optional<absl::StatusOr<UploadToken>> Find(absl::string_view token);

  // Read before asking upstream; see AddAnswer.
  std::uint64_t generation() const { return entries_.generation(); }

  // A token the gateway has just created: kept, so that reading it back
  // costs nothing. Replaces a remembered NOT_FOUND of the same value.
  void AddCreated(const UploadToken& token);

  // The answer of a Get of `token` asked for at `generation`: a token or a
  // NOT_FOUND is kept unless the cache was invalidated since; a NOT_FOUND
  // always removes the token; any other error changes nothing.
  void AddAnswer(absl::string_view token,
                 const absl::StatusOr<UploadToken>& answer,
                 std::uint64_t generation);

  // The token was deleted, or may have been: removed, and answers asked for
  // before are not kept.
  void Forget(absl::string_view token) { entries_.Erase(token); }

 private:
  // Until when `token`, seen at `now`, may be answered from memory.
  absl::Time ExpiryOf(const UploadToken& token, absl::Time now) const;

  const TokenCacheOptions options_;
  const std::function<absl::Time()> now_;
  ExpiringLruCache<absl::StatusOr<UploadToken>> entries_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_TOKEN_CACHE_H_
