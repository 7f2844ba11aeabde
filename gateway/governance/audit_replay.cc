#include "gateway/governance/audit_replay.h"

namespace gateway::governance {
namespace {

absl::Time ToTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

}  // namespace

void ApplyAuditEvent(const AuditEvent& event, absl::Time now,
                     OwnershipIndex& index, RequestIdLedger& ledger) {
  if (event.token().empty()) return;
  if (event.rpc() == "CreateUploadToken" && event.outcome() == "OK") {
    Ownership ownership;
    ownership.creator = event.caller();
    ownership.ttl_seconds = event.ttl();
    ownership.created_at = event.has_created_at() ? ToTime(event.created_at())
                                                  : ToTime(event.time());
    ownership.expires_at = event.has_expires_at() ? ToTime(event.expires_at())
                                                  : absl::InfiniteFuture();
    if (!event.request_id().empty()) {
      apivideo::UploadToken token;
      token.set_token(event.token());
      token.set_ttl(event.ttl());
      if (event.has_created_at())
        *token.mutable_created_at() = event.created_at();
      if (event.has_expires_at())
        *token.mutable_expires_at() = event.expires_at();
      token.set_creator(event.caller());
      ledger.Restore(event.caller(), event.request_id(), token,
                     ownership.created_at, now);
    }
    index.Record(event.token(), std::move(ownership), now);
  } else if ((event.rpc() == "DeleteUploadToken" ||
              event.rpc() == "PurgeUploadTokens") &&
             (event.outcome() == "OK" || event.outcome() == "NOT_FOUND")) {
    index.Forget(event.token());
  }
}

absl::StatusOr<int> ReplayAuditLog(const std::string& path, absl::Time now,
                                   OwnershipIndex& index,
                                   RequestIdLedger& ledger) {
  return ReadAuditLog(path, [&](const AuditEvent& event) {
    ApplyAuditEvent(event, now, index, ledger);
  });
}

}  // namespace gateway::governance
