#include "gateway/governance/redis_audit_stream.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"

namespace gateway::governance {

RedisAuditStream::RedisAuditStream(redis::RedisCommander& redis,
                                   absl::Duration retention,
                                   std::function<absl::Time()> now)
    : redis_(redis), retention_(retention), now_(std::move(now)) {}

void RedisAuditStream::Record(const AuditEvent& event) {
  // Stream ids are milliseconds since the epoch: MINID trims by age.
  const std::int64_t oldest_kept = absl::ToUnixMillis(now_() - retention_);
  redis_.Command(
      {"XADD", kAuditStreamKey, "MINID", "~", absl::StrCat(oldest_kept), "*",
       "event", AuditEventToJson(event)},
      [failures = failures_](const absl::StatusOr<redis::RedisReply>& reply) {
        if (reply.ok()) return;
        // Logged once per hundred, so that a Redis outage does not flood
        // the log; the count is a metric.
        if (failures->fetch_add(1) % 100 == 0) {
          LogWarning(absl::StrCat("audit event not added to the Redis stream ",
                                  kAuditStreamKey, ": ",
                                  reply.status().message()));
        }
      });
}

}  // namespace gateway::governance
