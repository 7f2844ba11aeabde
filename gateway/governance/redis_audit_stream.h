// The audit trail shared by the replicas: a Redis stream (--redis_address),
// one entry per event, so that operators read every replica's acts in one
// place (XRANGE, XREAD) and in order.
//
// Each event is `XADD gateway:audit MINID ~ <now - retention> * event
// <json>`: the JSON line of audit_trail.h under the field "event", and the
// entries older than the retention (--audit_retention) trimmed as new ones
// come (approximately, as Redis trims whole nodes). Redis is a help: an
// event that cannot be added is counted (write_failures) and logged, never
// fails the call; the --audit_log file, when set, still has it.

#ifndef GATEWAY_GOVERNANCE_REDIS_AUDIT_STREAM_H_
#define GATEWAY_GOVERNANCE_REDIS_AUDIT_STREAM_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "gateway/governance/audit_trail.h"
#include "gateway/redis/redis_client.h"

namespace gateway::governance {

inline constexpr char kAuditStreamKey[] = "gateway:audit";

class RedisAuditStream final : public AuditTrail {
 public:
  // `redis` must outlive the stream and every event it sends.
  RedisAuditStream(
      redis::RedisCommander& redis, absl::Duration retention,
      std::function<absl::Time()> now = [] { return absl::Now(); });

  void Record(const AuditEvent& event) override;

  // Events Redis did not take.
  std::int64_t write_failures() const { return failures_->load(); }

 private:
  redis::RedisCommander& redis_;
  const absl::Duration retention_;
  const std::function<absl::Time()> now_;
  // Shared with the callbacks of commands in flight.
  const std::shared_ptr<std::atomic<std::int64_t>> failures_ =
      std::make_shared<std::atomic<std::int64_t>>(0);
};

// Records each event in every trail of `trails` (the file and the stream).
class AuditTrails final : public AuditTrail {
 public:
  explicit AuditTrails(std::vector<AuditTrail*> trails)
      : trails_(std::move(trails)) {}
  void Record(const AuditEvent& event) override {
    for (AuditTrail* trail : trails_) trail->Record(event);
  }

 private:
  const std::vector<AuditTrail*> trails_;
};

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_REDIS_AUDIT_STREAM_H_
