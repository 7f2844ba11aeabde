// The api.video account's windows as several replicas of the gateway share
// them: the interface QuotaSteward asks for units when the windows live
// outside the process (redis_shared_quota.h), and a fake implements in
// tests.
//
// It keeps, for each kind, what one QuotaWindow keeps (policy/
// quota_window.h: the window learnt from every replica's answers, the units
// reserved and not yet answered, the pacing bucket) and, across replicas,
// the fair queuing's tags, so that a caller waiting on one replica is
// served before a flood on another takes the unit. Each decision is atomic
// where the state lives.
//
// Asynchronous; every callback runs exactly once, on the implementation's
// thread. An error means the shared state could not be reached in time:
// the steward then spends on local accounting (QuotaStewardOptions::
// fallback_share).

#ifndef GATEWAY_APIVIDEO_SHARED_QUOTA_H_
#define GATEWAY_APIVIDEO_SHARED_QUOTA_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/policy/operation.h"
#include "gateway/policy/quota_window.h"

namespace gateway::apivideo {

struct SharedQuotaRequest {
  policy::RouteKind kind = policy::RouteKind::kRead;
  // Whose turn it would be; its weight (--caller_weights_file).
  std::string caller;
  double weight = 1.0;
  // Whether the caller has further calls waiting here after this one: it
  // then stays among the waiting callers the other replicas defer to.
  bool more_waiting = false;
  // Names the unit if granted, for Settle and Release; unique across
  // replicas.
  std::string reservation;
};

struct SharedQuotaDecision {
  bool granted = false;
  // The window the unit was taken from (see QuotaReservation::epoch).
  std::uint64_t epoch = 0;
  // Not granted: when to ask again (a unit is expected, or another
  // replica's caller has the turn).
  absl::Duration retry_after = absl::ZeroDuration();
  // What the shared window says, for metrics and waiting-time estimates:
  // units left to the gateway (nullopt while unknown), units per window
  // (nullopt while the limit is unknown) and the window's length.
  std::optional<std::int64_t> available;
  std::optional<std::int64_t> usable_per_window;
  absl::Duration window_length = absl::Minutes(1);
};

using SharedQuotaCallback =
    absl::AnyInvocable<void(absl::StatusOr<SharedQuotaDecision>) &&>;
using SharedQuotaDone = absl::AnyInvocable<void() &&>;

class SharedQuota {
 public:
  virtual ~SharedQuota() = default;

  // Whether the shared state is reachable now (a hint).
  virtual bool available() const = 0;

  // Reserves one unit for `request.caller` if the window has one and no
  // caller waiting elsewhere has an earlier turn.
  virtual void Reserve(const SharedQuotaRequest& request,
                       SharedQuotaCallback done) = 0;

  // The reserved request was answered, or failed after it may have been
  // sent: the shared window learns what the answer said. `done` runs once
  // the unit is freed (or the state could not be reached).
  virtual void Settle(policy::RouteKind kind, const std::string& reservation,
                      std::uint64_t epoch, const policy::QuotaAnswer& answer,
                      SharedQuotaDone done) = 0;

  // The reserved request was never sent: its unit is free again.
  virtual void Release(policy::RouteKind kind, const std::string& reservation,
                       SharedQuotaDone done) = 0;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_SHARED_QUOTA_H_
