// Rebuilds the ownership index from the audit log at start, so that a
// restarted gateway still knows who created every live token.
//
// Replaying the events in order: a successful CreateUploadToken records its
// token under its caller; a DeleteUploadToken that succeeded, or that
// api.video answered with NOT_FOUND, forgets it. Tokens already expired are
// left out.

#ifndef GATEWAY_GOVERNANCE_AUDIT_REPLAY_H_
#define GATEWAY_GOVERNANCE_AUDIT_REPLAY_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/governance/audit_trail.h"
#include "gateway/governance/ownership_index.h"

namespace gateway::governance {

// Applies one event to `index`.
void ApplyAuditEvent(const AuditEvent& event, absl::Time now,
                     OwnershipIndex& index);

// Every event of the log at `path` (audit_trail.h's ReadAuditLog) applied to
// `index`; returns the events read.
absl::StatusOr<int> ReplayAuditLog(const std::string& path, absl::Time now,
                                   OwnershipIndex& index);

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_AUDIT_REPLAY_H_
