// The request ids of creates, shared by the replicas through Redis
// (--redis_address), so that a retry that lands on another replica still
// gets the first call's token and never creates a second one.
//
// One key per (caller, request_id), "gateway:request-id:{<caller>}:<id>",
// kept for the retention (24 h) from the first attempt. Its value says what
// became of the first create, in the same states as RequestIdLedger:
//   running   a replica is creating it, until `running_until` (its
//             upstream deadline, plus a margin);
//   created   the token (serialized);
//   unknown   it was sent and no answer came.
// A create that created nothing deletes the key, so a retry tries again.
// Claiming is one `SET key value NX GET PX retention`: of two replicas
// claiming at once, exactly one goes upstream. A replica that finds the key
// running polls it until it settles; past `running_until` (the replica that
// ran it died) the outcome counts as unknown.
//
// Redis is a help: when it does not answer, Claim says so (kUnavailable)
// and the replica goes on with its own RequestIdLedger.
//
// Thread-safe. Callbacks run on the Redis loop thread, or on the
// scheduler's thread after a poll's wait.

#ifndef GATEWAY_GOVERNANCE_SHARED_REQUEST_IDS_H_
#define GATEWAY_GOVERNANCE_SHARED_REQUEST_IDS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/common/scheduler.h"
#include "gateway/redis/redis_client.h"

namespace gateway::governance {

struct SharedRequestIdsOptions {
  // How long a request id is remembered, from its first attempt.
  absl::Duration retention = absl::Hours(24);
  // Added to a running create's upstream deadline before other replicas
  // take its outcome as unknown.
  absl::Duration running_margin = absl::Seconds(5);
  // How often a replica looks again at a create another one is running.
  absl::Duration poll_interval = absl::Milliseconds(100);
};

class SharedRequestIds {
 public:
  struct Outcome {
    enum class Kind {
      // This replica claimed the key: create, then settle.
      kFirst,
      // Created: `token`.
      kCreated,
      // Another ttl than the first create's: `first_ttl`.
      kOtherTtl,
      // Sent and never answered, at `attempted_at`.
      kUnknown,
      // Another replica is still running it and `stop_waiting` said stop,
      // or the wait reached `deadline`.
      kStillRunning,
      // Redis did not answer: go on without it.
      kUnavailable,
    };
    Kind kind = Kind::kUnavailable;
    apivideo::UploadToken token;
    std::int32_t first_ttl = 0;
    absl::Time attempted_at;
  };
  using Callback = absl::AnyInvocable<void(Outcome) &&>;

  // `redis` and `scheduler` must outlive this object and every claim.
  SharedRequestIds(
      redis::RedisCommander& redis, Scheduler& scheduler,
      const SharedRequestIdsOptions& options,
      std::function<absl::Time()> now = [] { return absl::Now(); });

  // Claims (caller, request_id) for a create of `ttl` whose upstream call
  // must end by `upstream_deadline`; waits for a create another replica
  // runs until it settles, `upstream_deadline` passes or `stop_waiting()`
  // returns true. `done` runs once.
  void Claim(const std::string& caller, const std::string& request_id,
             std::int32_t ttl, absl::Time upstream_deadline,
             std::function<bool()> stop_waiting, Callback done);

  // What became of a create this replica claimed. Errors are ignored: the
  // key then ends as running, and other replicas take it as unknown once
  // its time is up, never as free.
  void SettleCreated(const std::string& caller, const std::string& request_id,
                     const apivideo::UploadToken& token);
  void SettleFailed(const std::string& caller, const std::string& request_id);
  void SettleUnknown(const std::string& caller, const std::string& request_id);

  static std::string KeyOf(absl::string_view caller,
                           absl::string_view request_id);

 private:
  struct Claiming;
  void Look(const std::shared_ptr<Claiming>& claiming);
  // Replaces the value of a key this replica claimed, keeping its expiry.
  void Replace(const std::string& caller, const std::string& request_id,
               std::string value);

  redis::RedisCommander& redis_;
  Scheduler& scheduler_;
  const SharedRequestIdsOptions options_;
  const std::function<absl::Time()> now_;
};

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_SHARED_REQUEST_IDS_H_
