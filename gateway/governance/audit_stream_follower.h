// Keeps this replica's ownership index and request-id ledger in step with
// every replica's acts, by reading the shared audit stream (Redis,
// redis_audit_stream.h) and applying each event as a restart applies the
// audit log (audit_replay.h).
//
// So who created which token is the replicas' shared knowledge: a token
// created through one replica is its creator's on all of them (for the
// filtered list, purge, live-token limits and the right to read or delete
// it), a moment later. The follower reads with a plain XREAD every
// `interval` (200 ms), never a blocking one: the Redis connection is shared
// with every call's commands. At start it reads the whole stream (what the
// retention kept), then follows it. Its own events come back to it too;
// applying an event twice changes nothing.
//
// Redis is a help: while it does not answer, the follower tries again at
// the next look and the replica goes on with what it knows.

#ifndef GATEWAY_GOVERNANCE_AUDIT_STREAM_FOLLOWER_H_
#define GATEWAY_GOVERNANCE_AUDIT_STREAM_FOLLOWER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gateway/common/scheduler.h"
#include "gateway/governance/ownership_index.h"
#include "gateway/governance/request_id_ledger.h"
#include "gateway/redis/redis_client.h"

namespace gateway::governance {

class AuditStreamFollower {
 public:
  // Every reference must outlive the follower.
  AuditStreamFollower(
      redis::RedisCommander& redis, Scheduler& scheduler,
      OwnershipIndex& ownership, RequestIdLedger& ledger,
      absl::Duration interval = absl::Milliseconds(200),
      std::function<absl::Time()> now = [] { return absl::Now(); });
  // Stops it.
  ~AuditStreamFollower();

  // Reads from the stream's start, then every interval.
  void Start();
  // No read starts after this returns. Idempotent.
  void Stop();

  // Events applied so far.
  std::int64_t events_applied() const;

 private:
  // What reads and their callbacks share; outlives the follower while a
  // read is in flight.
  struct State;
  static void Read(const std::shared_ptr<State>& state);
  static void ScheduleNext(const std::shared_ptr<State>& state);

  const std::shared_ptr<State> state_;
};

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_AUDIT_STREAM_FOLLOWER_H_
