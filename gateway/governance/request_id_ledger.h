// What became of each Create that carried a request id (AIP-155), so that a
// retry never creates a second token.
//
// Keyed by (caller, request_id): two callers may pick the same id. The first
// Create of a key goes upstream; until it settles, later ones wait for its
// outcome; after, they get it at once, for `retention` (24 h) from the first
// attempt:
//   - created: the same token;
//   - failed in a way that created nothing (a refusal, an error answer from
//     api.video): the entry is dropped, the waiters get that error, and a
//     later retry tries again;
//   - unknown (the request was sent and no answer came): ABORTED, reason
//     CREATE_OUTCOME_UNKNOWN, with the time of the attempt, for as long as
//     the entry is kept. Nobody can tell whether api.video created the
//     token, so the gateway never creates another under that id.
// A request id reused with another ttl is INVALID_ARGUMENT
// (REQUEST_ID_REUSED), whatever the state.
//
// Thread-safe. Waiters are called outside the lock, on the thread that
// settles the first Create (or that cancels the waiter).

#ifndef GATEWAY_GOVERNANCE_REQUEST_ID_LEDGER_H_
#define GATEWAY_GOVERNANCE_REQUEST_ID_LEDGER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upload_token_stub.h"

namespace gateway::governance {

class RequestIdLedger {
 public:
  // Gets the outcome of the first Create of a key.
  using Waiter =
      absl::AnyInvocable<void(absl::StatusOr<apivideo::UploadToken>) &&>;

  struct Claim {
    enum class Verdict {
      // The first Create of its key: send it, then settle it.
      kFirst,
      // The outcome is known: `answer` holds it.
      kAnswered,
      // The first Create is still running: the waiter will get its outcome
      // unless DropWaiter comes first.
      kWaiting,
    };
    Verdict verdict = Verdict::kFirst;
    absl::StatusOr<apivideo::UploadToken> answer;
    // Names the waiter for DropWaiter.
    std::uint64_t waiter_id = 0;
  };

  explicit RequestIdLedger(absl::Duration retention = absl::Hours(24));

  // A Create by `caller` of a token of `ttl` seconds with `request_id`, at
  // `now`. `waiter` is kept only for kWaiting.
  Claim Begin(absl::string_view caller, absl::string_view request_id,
              std::int32_t ttl, absl::Time now, Waiter waiter);

  // The first Create of the key created `token`.
  void SettleCreated(absl::string_view caller, absl::string_view request_id,
                     const apivideo::UploadToken& token);
  // The first Create of the key created nothing: the key is free again, and
  // each waiter gets `error`.
  void SettleFailed(absl::string_view caller, absl::string_view request_id,
                    const absl::Status& error);
  // The first Create of the key was sent and no answer came: each waiter,
  // and every later Create of the key, gets CREATE_OUTCOME_UNKNOWN.
  void SettleUnknown(absl::string_view caller, absl::string_view request_id);

  // The waiter `waiter_id` of the key gets `why` now, unless the key has
  // settled already (then it got its outcome).
  void DropWaiter(absl::string_view caller, absl::string_view request_id,
                  std::uint64_t waiter_id, const absl::Status& why);

  // A created token known from the audit trail, attempted at `attempted_at`
  // (a restart forgets nothing younger than the retention), or from
  // another replica's act. A create of the key running here with waiters
  // is left to settle by itself.
  void Restore(absl::string_view caller, absl::string_view request_id,
               const apivideo::UploadToken& token, absl::Time attempted_at,
               absl::Time now);

  // Keys kept (settled or running), for a gauge.
  std::size_t size() const;

 private:
  enum class State { kRunning, kCreated, kUnknown };
  struct Entry {
    State state = State::kRunning;
    std::int32_t ttl = 0;
    absl::Time attempted_at;
    apivideo::UploadToken token;  // kCreated
    std::vector<std::pair<std::uint64_t, Waiter>> waiters;
  };

  static std::string KeyOf(absl::string_view caller,
                           absl::string_view request_id);
  // Forgets settled entries first attempted before now - retention.
  void DropExpiredLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves the waiters of `key` out, setting the entry's new state (or
  // erasing it when `erase`).
  std::vector<std::pair<std::uint64_t, Waiter>> Settle(const std::string& key,
                                                       State state, bool erase);

  const absl::Duration retention_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  // Keys in the order they were first attempted, for DropExpiredLocked.
  std::deque<std::pair<absl::Time, std::string>> by_age_ ABSL_GUARDED_BY(mu_);
  std::uint64_t next_waiter_id_ ABSL_GUARDED_BY(mu_) = 1;
};

// INVALID_ARGUMENT, reason REQUEST_ID_REUSED, a BadRequest on request_id:
// what a create gets that reuses a request id with another ttl.
absl::Status RequestIdReused(absl::string_view request_id,
                             std::int32_t first_ttl, std::int32_t ttl);

// ABORTED, reason CREATE_OUTCOME_UNKNOWN, ErrorInfo metadata attemptedAt
// (RFC 3339): what a retry of a Create whose outcome is unknown gets.
absl::Status CreateOutcomeUnknown(absl::string_view request_id,
                                  absl::Time attempted_at);

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_REQUEST_ID_LEDGER_H_
