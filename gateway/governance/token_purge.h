// Deletes a list of upload tokens, a few at a time: the work behind
// PurgeUploadTokens (AIP-165).
//
// Each token is deleted through an UploadTokenStub, so every delete goes
// through the same rules, quota and retries as a DeleteUploadToken. A token
// api.video no longer knows (NOT_FOUND) is gone, which is what a purge
// wants: it counts as deleted. The first other failure stops the purge:
// no new delete starts, the ones in flight end, and the purge ends with that
// failure; what was deleted stays deleted, so a second purge continues
// where the first stopped. Each delete that took effect is written to the
// audit trail as a PurgeUploadTokens event naming the token.

#ifndef GATEWAY_GOVERNANCE_TOKEN_PURGE_H_
#define GATEWAY_GOVERNANCE_TOKEN_PURGE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/common/cancellable.h"
#include "gateway/governance/audit_trail.h"
#include "gateway/governance/caller_rules.h"

namespace gateway::governance {

struct PurgeResult {
  // Tokens deleted (or found gone); for a dry run, the tokens matched.
  int count = 0;
  // The first of them, in the order given, at most kMaxPurgeSample.
  std::vector<std::string> sample;
};

inline constexpr int kMaxPurgeSample = 100;

struct PurgeOptions {
  // Deletes in flight at once.
  int parallelism = 4;
  // Written to each delete's audit event; may be null.
  AuditTrail* audit = nullptr;
  // The call's W3C trace id, for the audit events.
  std::string trace_id;
  std::string peer;
};

// Starts deleting `tokens` through `stub` with `call` (the caller, its
// deadline). `done` runs once, on the thread that ends the last delete (or
// at once when `tokens` is empty). Cancelling stops new deletes, cancels the
// ones in flight and ends the purge with CANCELLED. `stub` must outlive the
// purge.
std::shared_ptr<Cancellable> StartPurge(
    apivideo::UploadTokenStub& stub, std::vector<std::string> tokens,
    const apivideo::CallOptions& call, const PurgeOptions& options,
    apivideo::ApiCallback<PurgeResult> done);

// A purge of the tokens of no known creator leaves out those created in the
// last minute: a token just created through another replica reaches this
// replica's record through the audit stream within a few hundred
// milliseconds, and api.video's createdAt is in whole seconds on a clock
// that is not ours. Such a token is purged by its creator's name instead.
inline constexpr absl::Duration kUnownedTokenPurgeMinAge = absl::Minutes(1);

// A dry run's answer: `tokens` counted, the first kMaxPurgeSample of them.
PurgeResult CountedForPurge(std::vector<std::string> tokens);

// Purges the tokens of no known creator created before `created_before`:
// finds them in api.video's listing first (unowned_token_scan.h), then
// deletes them as StartPurge does; with `force` false, only counts them.
// Cancelling cancels whichever step is running.
std::shared_ptr<Cancellable> StartUnownedTokenPurge(
    apivideo::UploadTokenStub& stub, const apivideo::CallOptions& call,
    const PurgeOptions& options, absl::Time created_before, bool force,
    apivideo::ApiCallback<PurgeResult> done);

// Whether `caller` may purge the tokens `creator` created: its own always;
// another's when its rules let it delete others' tokens (`force`) or, for a
// dry run, read them. PERMISSION_DENIED (NOT_TOKEN_CREATOR) otherwise.
absl::Status CheckPurgeAccess(const CallerLimits& limits,
                              absl::string_view caller,
                              absl::string_view creator, bool force);

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_TOKEN_PURGE_H_
