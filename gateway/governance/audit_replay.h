// Rebuilds the ownership index and the request-id ledger from the audit log
// at start, so that a restarted gateway still knows who created every live
// token, and which request ids created which token.
//
// Replaying the events in order: a successful CreateUploadToken records its
// token under its caller (and its request id, if any, in the ledger); a
// DeleteUploadToken (or a PurgeUploadTokens event naming a token) that
// succeeded, or that api.video answered with NOT_FOUND, forgets it. Tokens
// already expired are left out.

#ifndef GATEWAY_GOVERNANCE_AUDIT_REPLAY_H_
#define GATEWAY_GOVERNANCE_AUDIT_REPLAY_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/governance/audit_trail.h"
#include "gateway/governance/ownership_index.h"
#include "gateway/governance/request_id_ledger.h"

namespace gateway::governance {

// Applies one event to `index` and `ledger`.
void ApplyAuditEvent(const AuditEvent& event, absl::Time now,
                     OwnershipIndex& index, RequestIdLedger& ledger);

// Every event of the log at `path` (audit_trail.h's ReadAuditLog) applied to
// `index` and `ledger`; returns the events read.
absl::StatusOr<int> ReplayAuditLog(const std::string& path, absl::Time now,
                                   OwnershipIndex& index,
                                   RequestIdLedger& ledger);

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_AUDIT_REPLAY_H_
