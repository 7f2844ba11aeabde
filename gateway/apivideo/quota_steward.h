// Spends the api.video account's rate-limit windows on behalf of every
// caller of the gateway: a request goes upstream only with a unit of its
// window reserved here (policy/quota_window.h), and when demand exceeds the
// window, callers with calls waiting share its units max-min fairly, by
// weight (policy/fair_queue.h).
//
// A call asks for a unit with Acquire. It gets one at once, or waits in its
// caller's queue while its deadline leaves the time the request itself
// needs, or is refused at once (RESOURCE_EXHAUSTED, TOO_MANY_REQUESTS, with
// RetryInfo saying when its caller's next unit is expected and QuotaFailure
// naming the caller) when the wait cannot fit. A waiter cancelled or out of
// time leaves the queue at once and takes nothing. Every unit granted must
// be handed back: Settle with what the answer said of the window, or
// Release if the request never left.
//
// Example:
//   QuotaAcquisition got = steward.Acquire(request, [](auto grant) {...});
//   switch (got.result) {
//     case kGranted: send, then steward.Settle(got.grant, answer); break;
//     case kRefused: fail with got.refusal; break;
//     case kQueued:  the callback runs later, unless Cancel(...) is true.
//   }
//
// With a SharedQuota (replicas sharing Redis), the windows and the fair
// queuing's turns are the shared ones: a call always queues here, and the
// head of the queue asks the shared state for a unit, one request at a
// time per kind. While the shared state cannot be reached the steward
// spends on its own window, at `fallback_share` of the account: it cannot
// see what the other replicas spend.
//
// Thread-safe. Callbacks run on the thread that frees a unit (an answer on
// the curl loop, a reset timer on the Scheduler, a shared decision on the
// Redis loop), never under the lock.

#ifndef GATEWAY_APIVIDEO_QUOTA_STEWARD_H_
#define GATEWAY_APIVIDEO_QUOTA_STEWARD_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/rate_limit.h"
#include "gateway/apivideo/shared_quota.h"
#include "gateway/common/scheduler.h"
#include "gateway/policy/fair_queue.h"
#include "gateway/policy/operation.h"
#include "gateway/policy/quota_window.h"

namespace gateway::apivideo {

// The name under which calls of no named caller share the quota.
inline constexpr absl::string_view kAnonymousCaller = "anonymous";

struct QuotaStewardOptions {
  // The fraction of each window the gateway may spend (--quota_share).
  double share = 1.0;
  // The fraction of that share spent at once; the rest is paced over the
  // window (--quota_burst; policy/quota_window.h).
  double burst = 0.25;
  // Callers' weights (--caller_weights_file); 1 for a caller not listed.
  absl::flat_hash_map<std::string, double> weights;
  // The windows shared by the replicas (--redis_address); null: this
  // process's own. Must outlive the steward.
  SharedQuota* shared = nullptr;
  // With `shared`: the share the steward spends on its own accounting while
  // the shared state is unreachable (--redis_fallback_share), at most
  // `share`.
  double fallback_share = 0.25;
};

struct QuotaRequest {
  policy::RouteKind kind = policy::RouteKind::kRead;
  // The caller policy's name for the caller; empty: kAnonymousCaller.
  std::string caller;
  // The caller's deadline, and the least time a request needs before it:
  // a call waits at most until deadline - max(this, the answers' recent
  // latency).
  absl::Time deadline = absl::InfiniteFuture();
  absl::Duration min_request_time = absl::ZeroDuration();
  // For the refusal's message: e.g. "GET /upload-tokens/{token}".
  absl::string_view route;
};

// A unit of a window, held by one request.
struct QuotaGrant {
  policy::RouteKind kind = policy::RouteKind::kRead;
  policy::QuotaReservation reservation;
  absl::Time granted_at;
  // The unit's name in the shared state; empty: a unit of the steward's
  // own window.
  std::string shared_reservation;
};

using QuotaCallback = absl::AnyInvocable<void(absl::StatusOr<QuotaGrant>) &&>;

struct QuotaAcquisition {
  enum class Result { kGranted, kRefused, kQueued };
  Result result = Result::kGranted;
  // kGranted.
  QuotaGrant grant;
  // kRefused: the call's error, and what to tell the caller of the window.
  absl::Status refusal;
  RateLimit rate_limit;
  // kQueued: the waiter, for Cancel.
  std::uint64_t waiter = 0;
};

// Told what the steward does for each caller; for metrics. Called outside
// the steward's lock, on any thread.
class QuotaObserver {
 public:
  virtual ~QuotaObserver() = default;
  // A unit went to `caller` after it waited `waited` (zero: at once).
  virtual void OnGranted(absl::string_view caller, policy::RouteKind kind,
                         absl::Duration waited) = 0;
  // `caller` was refused for want of quota.
  virtual void OnRefused(absl::string_view caller, policy::RouteKind kind) = 0;
};

class QuotaSteward {
 public:
  // `scheduler` runs the reset and deadline timers; it and `observer`
  // (may be null) must outlive the steward, and the steward must outlive
  // every task it gave the scheduler (shut the scheduler down first).
  QuotaSteward(
      Scheduler& scheduler, QuotaStewardOptions options,
      std::function<absl::Time()> now = [] { return absl::Now(); },
      QuotaObserver* observer = nullptr);

  QuotaSteward(const QuotaSteward&) = delete;
  QuotaSteward& operator=(const QuotaSteward&) = delete;

  // Asks for a unit of `request.kind`'s window. `on_turn` runs only when
  // the result is kQueued: exactly once, with the grant or the refusal,
  // unless Cancel takes the waiter out first.
  QuotaAcquisition Acquire(const QuotaRequest& request, QuotaCallback on_turn);

  // Takes a queued waiter out; true if it was still waiting (its callback
  // then never runs), false if its turn has come or gone.
  bool Cancel(policy::RouteKind kind, std::uint64_t waiter);

  // The granted request was answered, or failed after it may have been
  // sent: the window learns what the answer said.
  void Settle(const QuotaGrant& grant, const policy::QuotaAnswer& answer);

  // The granted request was never sent: its unit goes to the next waiter.
  void Release(const QuotaGrant& grant);

  // How long until a unit of `kind` is expected to be free: zero when one
  // is, the time to the reset when the window is used up.
  absl::Duration TimeUntilUnit(policy::RouteKind kind);

  // For metrics.
  struct Snapshot {
    // Units left to the gateway in the window; nullopt while unknown.
    std::optional<std::int64_t> available;
    std::int64_t in_flight = 0;
    std::size_t waiting = 0;
  };
  Snapshot Snap(policy::RouteKind kind);

 private:
  struct Waiter {
    std::string caller;
    absl::string_view route;
    QuotaCallback on_turn;
    absl::Time enqueued_at;
    std::optional<TaskId> timer;
    // The latest the call may be granted a unit.
    absl::Time latest_start = absl::InfiniteFuture();
  };
  struct Window {
    explicit Window(const policy::QuotaWindowOptions& options)
        : window(options) {}
    policy::QuotaWindow window;
    policy::FairQueue queue;
    absl::flat_hash_map<std::uint64_t, Waiter> waiters;
    // When the pending reset timer fires; InfinitePast when none.
    absl::Time reset_timer_at = absl::InfinitePast();
    // The recent time from grant to answer.
    absl::Duration latency = absl::Milliseconds(100);
    // With a shared state: a Reserve is on its way; the time of the pending
    // retry timer (InfinitePast: none) and the caller last asked for; until
    // when the own window is used because the shared state failed; and what
    // it last said.
    bool shared_pending = false;
    absl::Time shared_retry_at = absl::InfinitePast();
    std::string shared_asked_for;
    absl::Time local_until = absl::InfinitePast();
    absl::Time shared_next_unit_at = absl::InfinitePast();
    SharedQuotaDecision shared_said;
  };
  // A grant decided under the lock, delivered outside it.
  struct Delivery {
    QuotaCallback on_turn;
    absl::StatusOr<QuotaGrant> result;
    std::string caller;
    absl::Duration waited;
    std::optional<TaskId> timer;
  };

  Window& WindowOf(policy::RouteKind kind) {
    return windows_[static_cast<int>(kind)];
  }
  double WeightOf(absl::string_view caller) const;
  // When `caller`'s next unit is expected, were it to queue now.
  absl::Time ExpectedTurn(Window& window, absl::string_view caller,
                          absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Refusal(policy::RouteKind kind, absl::string_view caller,
                       absl::string_view route, absl::Time expected,
                       absl::Time now) const;
  // Grants units to waiters while the window has some.
  std::vector<Delivery> Pump(policy::RouteKind kind, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // When a reset timer must be started for waiters to be served: its time.
  std::optional<absl::Time> ResetTimerNeeded(Window& window, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Pumps `kind` and delivers what it granted; starts the reset timer if
  // waiters remain. Call without the lock.
  void PumpAndDeliver(policy::RouteKind kind);
  void StartResetTimer(policy::RouteKind kind, absl::Time at, absl::Time now);
  void OnWaiterTimeout(policy::RouteKind kind, std::uint64_t waiter);
  void Deliver(std::vector<Delivery> deliveries, policy::RouteKind kind);
  // Whether `window`'s units come from the shared state now.
  bool UsesShared(const Window& window, absl::Time now) const;
  // Asks the shared state for a unit for the head of the queue, unless a
  // request or a retry timer is already pending. Call without the lock.
  void PumpShared(policy::RouteKind kind);
  void OnSharedDecision(policy::RouteKind kind, const std::string& reservation,
                        absl::StatusOr<SharedQuotaDecision> decision);
  // Takes out the waiters whose deadline comes before `next_unit_at`: their
  // refusals, to deliver outside the lock.
  std::vector<Delivery> RefuseWaitersPast(policy::RouteKind kind,
                                          absl::Time next_unit_at,
                                          absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Pumps the shared state or the own window, whichever is in use.
  void PumpEither(policy::RouteKind kind);

  Scheduler& scheduler_;
  const QuotaStewardOptions options_;
  const std::function<absl::Time()> now_;
  QuotaObserver* const observer_;

  absl::Mutex mu_;
  std::array<Window, 2> windows_ ABSL_GUARDED_BY(mu_);
  std::uint64_t next_waiter_ ABSL_GUARDED_BY(mu_) = 1;
  // Names this process's shared reservations apart from other replicas'.
  const std::string replica_;
  std::uint64_t next_reservation_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_QUOTA_STEWARD_H_
