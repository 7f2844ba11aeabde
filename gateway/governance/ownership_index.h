// Who created which upload token through the gateway: the ownership index.
//
// api.video records nothing about who asked for a token; the gateway knows
// the calling service, so it keeps the record. The index answers the
// questions of governance (caller_rules.h) and of the API:
//   - whose token is this? (UploadToken.creator, and whether a caller may
//     read or delete another caller's token);
//   - how many live tokens does a caller hold? (max_live_tokens);
//   - which tokens did a caller create? (ListUploadTokens with
//     `filter: creator = "name"`, answered without spending read quota).
// A token leaves the index when it is deleted through the gateway or when it
// expires. Tokens deleted outside the gateway stay until they expire (or for
// ever, for tokens that never expire): a Get or Delete that api.video answers
// with NOT_FOUND removes them.
//
// In memory. The audit log rebuilds it at start (audit_replay.h); with
// Redis, every replica applies the shared audit stream to its own
// (audit_stream_follower.h).
//
// Thread-safe.

#ifndef GATEWAY_GOVERNANCE_OWNERSHIP_INDEX_H_
#define GATEWAY_GOVERNANCE_OWNERSHIP_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gateway::governance {

// What the gateway knows of one token it created.
struct Ownership {
  std::string creator;  // the caller policy's name of the creating caller
  std::int32_t ttl_seconds = 0;
  absl::Time created_at;
  // absl::InfiniteFuture() for a token that never expires.
  absl::Time expires_at = absl::InfiniteFuture();
};

struct OwnedToken {
  std::string token;
  Ownership ownership;
};

class OwnershipIndex {
 public:
  // Records that `ownership.creator` created `token`; replaces an earlier
  // record of the same token. A token already expired at `now` is ignored.
  void Record(absl::string_view token, Ownership ownership, absl::Time now);

  // Forgets `token` (deleted); a no-op for a token the index does not hold.
  void Forget(absl::string_view token);

  // The ownership of `token`, unless unknown or expired at `now`.
  std::optional<Ownership> Find(absl::string_view token, absl::Time now) const;

  // The tokens `creator` created that are live at `now`, oldest first (by
  // created_at, then token).
  std::vector<OwnedToken> TokensOf(absl::string_view creator,
                                   absl::Time now) const;

  // How many of `creator`'s tokens are live at `now`, counting the creates
  // reserved and not yet ended (TryReserveCreate).
  int LiveCount(absl::string_view creator, absl::Time now) const;

  // Reserves one create for `creator` if its live tokens plus the creates in
  // flight stay below `max_live` (0: no limit, always true). Every true
  // must be followed by one EndCreate, whether the create succeeded
  // (after Record) or not, so that concurrent creates cannot overshoot.
  bool TryReserveCreate(absl::string_view creator, int max_live,
                        absl::Time now);
  void EndCreate(absl::string_view creator);

  // When the next of `creator`'s live tokens expires; InfiniteFuture when
  // none will.
  absl::Time NextExpiryOf(absl::string_view creator, absl::Time now) const;

  // Drops every token expired at `now`; Find and TokensOf never return them
  // anyway, so this only frees memory (Record does it too). Returns how
  // many were dropped.
  int DropExpired(absl::Time now);

  // Tokens held, expired ones not yet dropped included.
  int size() const;

 private:
  // A creator's tokens in created_at order.
  using CreatorTokens = absl::btree_set<std::pair<absl::Time, std::string>>;

  void EraseLocked(absl::string_view token) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int DropExpiredLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int LiveCountLocked(absl::string_view creator, absl::Time now) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Ownership> by_token_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, CreatorTokens> by_creator_
      ABSL_GUARDED_BY(mu_);
  // Every token that expires, by expiry, to drop them cheaply.
  absl::btree_set<std::pair<absl::Time, std::string>> by_expiry_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int> creates_in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_OWNERSHIP_INDEX_H_
