// SharedQuota on a Redis server: the windows of the api.video account that
// every replica of the gateway spends, kept where each decision is atomic.
//
// Each kind's state lives under keys of one hash slot
// ("gateway:quota:{reads}..."): the window as QuotaWindow learns it, the
// units in flight (a sorted set of reservations, each with a lease so that
// a replica that dies holding units frees them at the lease's end), the
// callers' fair-queuing tags, and the callers now waiting on some replica.
// Three Lua scripts (reserve, settle, release) change it; each runs whole
// on the server, on the server's clock, so replicas need no common clock.
// The rules are QuotaWindow's (policy/quota_window.cc), written again in
// Lua: keep the two in step.
//
// Thread-safe; callbacks run on the Redis client's loop thread.

#ifndef GATEWAY_APIVIDEO_REDIS_SHARED_QUOTA_H_
#define GATEWAY_APIVIDEO_REDIS_SHARED_QUOTA_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/shared_quota.h"
#include "gateway/policy/quota_window.h"
#include "gateway/redis/redis_client.h"

namespace gateway::apivideo {

struct RedisSharedQuotaOptions {
  // The share and burst every replica applies to the shared window
  // (--quota_share, --quota_burst): all replicas must agree on them.
  policy::QuotaWindowOptions window;
  // How long a reservation counts as in flight without being settled: the
  // longest a request can take. A replica that dies frees its units then.
  absl::Duration lease = absl::Seconds(60);
  // How long a caller stays among the waiting callers after its replica
  // last asked for a unit on its behalf. Replicas ask again at least this
  // often while a caller waits (QuotaSteward caps its retry delay below).
  absl::Duration waiting_ttl = absl::Milliseconds(1500);
  // Prefix of every key; replicas sharing an account share it.
  std::string key_prefix = "gateway:quota";
};

class RedisSharedQuota final : public SharedQuota {
 public:
  // `redis` must outlive this object and every call made through it.
  RedisSharedQuota(redis::RedisCommander& redis,
                   RedisSharedQuotaOptions options);

  bool available() const override;
  void Reserve(const SharedQuotaRequest& request,
               SharedQuotaCallback done) override;
  void Settle(policy::RouteKind kind, const std::string& reservation,
              std::uint64_t epoch, const policy::QuotaAnswer& answer,
              SharedQuotaDone done) override;
  void Release(policy::RouteKind kind, const std::string& reservation,
               SharedQuotaDone done) override;

 private:
  // EVAL <script> 4 <the kind's keys> <args...>.
  std::vector<std::string> Eval(absl::string_view script,
                                policy::RouteKind kind,
                                std::vector<std::string> args) const;

  redis::RedisCommander& redis_;
  const RedisSharedQuotaOptions options_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_REDIS_SHARED_QUOTA_H_
