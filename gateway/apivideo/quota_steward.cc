#include "gateway/apivideo/quota_steward.h"

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gateway/common/log.h"
#include "gateway/common/status_details.h"
#include "google/rpc/error_details.pb.h"

namespace gateway::apivideo {
namespace {

absl::string_view KindName(policy::RouteKind kind) {
  return kind == policy::RouteKind::kRead ? "reads" : "writes";
}

// Weight of the newest sample in the latency's moving average.
constexpr double kLatencyWeight = 0.2;

// The share of the steward's own window: all of the gateway's share, or,
// when replicas share the windows, what one replica may spend alone while
// the shared state is unreachable.
double OwnShare(const QuotaStewardOptions& options) {
  return options.shared != nullptr
             ? std::min(options.fallback_share, options.share)
             : options.share;
}

// How long the steward keeps to its own window after the shared state
// failed to answer, before it asks the shared state again.
const absl::Duration kLocalAfterSharedError = absl::Seconds(1);
// The longest between two asks for a waiting caller: the shared state
// forgets a waiting caller that was not asked for within
// RedisSharedQuotaOptions::waiting_ttl.
const absl::Duration kMaxSharedRetry = absl::Milliseconds(500);

}  // namespace

QuotaSteward::QuotaSteward(Scheduler& scheduler, QuotaStewardOptions options,
                           std::function<absl::Time()> now,
                           QuotaObserver* observer)
    : scheduler_(scheduler),
      options_(std::move(options)),
      now_(std::move(now)),
      observer_(observer),
      windows_{Window({OwnShare(options_), options_.burst}),
               Window({OwnShare(options_), options_.burst})},
      replica_(absl::StrFormat("%016x",
                               absl::Uniform<std::uint64_t>(absl::BitGen()))) {}

bool QuotaSteward::UsesShared(const Window& w, absl::Time now) const {
  return options_.shared != nullptr && now >= w.local_until &&
         options_.shared->available();
}

double QuotaSteward::WeightOf(absl::string_view caller) const {
  auto it = options_.weights.find(caller);
  return it != options_.weights.end() ? it->second : 1.0;
}

absl::Time QuotaSteward::ExpectedTurn(Window& w, absl::string_view caller,
                                      absl::Time now) {
  if (UsesShared(w, now)) {
    const SharedQuotaDecision& said = w.shared_said;
    if (!said.usable_per_window.has_value()) return now + w.latency;
    const std::size_t ahead = w.queue.WaitersAheadOfNew(caller);
    return std::max(now, w.shared_next_unit_at) +
           said.window_length * static_cast<double>(ahead) /
               static_cast<double>(*said.usable_per_window);
  }
  const std::optional<absl::Time> next = w.window.NextUnitAt(now);
  // A window not known yet opens with its probe's answer; how wide is
  // anyone's guess, so do not refuse on a guess.
  if (!next.has_value()) return now + w.latency;
  const std::size_t ahead = w.queue.WaitersAheadOfNew(caller);
  // Units come at about the gateway's share per window length.
  return *next + w.window.window_length() * static_cast<double>(ahead) /
                     static_cast<double>(w.window.UsableUnitsPerWindow());
}

absl::Status QuotaSteward::Refusal(policy::RouteKind kind,
                                   absl::string_view caller,
                                   absl::string_view route, absl::Time expected,
                                   absl::Time now) const {
  const absl::Duration wait =
      absl::Ceil(std::max(expected - now, absl::Seconds(1)), absl::Seconds(1));
  absl::Status status = MakeError(
      absl::StatusCode::kResourceExhausted,
      absl::StrCat("the gateway's share of api.video's rate limit for ",
                   KindName(kind), " is used up for now; caller \"", caller,
                   "\" is next served in about ", absl::FormatDuration(wait),
                   ", past the call's deadline. The gateway did not send ",
                   route),
      "TOO_MANY_REQUESTS");
  AddRetryInfo(status, wait);
  google::rpc::QuotaFailure quota;
  auto* violation = quota.add_violations();
  violation->set_subject(std::string(caller));
  violation->set_description(
      absl::StrCat("api.video's rate limit for ", KindName(kind),
                   ", shared fairly among the gateway's callers"));
  AddDetail(status, quota);
  return status;
}

QuotaAcquisition QuotaSteward::Acquire(const QuotaRequest& request,
                                       QuotaCallback on_turn) {
  const absl::Time now = now_();
  const policy::RouteKind kind = request.kind;
  const std::string caller(request.caller.empty() ? kAnonymousCaller
                                                  : request.caller);
  QuotaAcquisition out;
  std::optional<absl::Time> reset_at;
  absl::Time latest_start;
  bool shared = false;
  {
    absl::MutexLock lock(&mu_);
    Window& w = WindowOf(kind);
    // A shared unit is asked for by the head of the queue.
    shared = UsesShared(w, now);
    // Nobody overtakes a queue: while calls wait, a free unit is theirs.
    std::optional<policy::QuotaReservation> reservation;
    if (!shared && w.queue.empty()) reservation = w.window.TryReserve(now);
    if (reservation.has_value()) {
      out.result = QuotaAcquisition::Result::kGranted;
      out.grant = {kind, *reservation, now, {}};
    } else {
      latest_start =
          request.deadline - std::max(request.min_request_time, w.latency);
      const absl::Time expected = ExpectedTurn(w, caller, now);
      if (expected > latest_start) {
        out.result = QuotaAcquisition::Result::kRefused;
        out.refusal = Refusal(kind, caller, request.route, expected, now);
        out.rate_limit.remaining = 0;
        out.rate_limit.retry_after_seconds = absl::ToInt64Seconds(absl::Ceil(
            std::max(expected - now, absl::Seconds(1)), absl::Seconds(1)));
      } else {
        out.result = QuotaAcquisition::Result::kQueued;
        out.waiter = next_waiter_++;
        w.queue.Push(out.waiter, caller, WeightOf(caller));
        w.waiters.emplace(out.waiter, Waiter{caller,
                                             request.route,
                                             std::move(on_turn),
                                             now,
                                             {},
                                             latest_start});
        if (!shared) reset_at = ResetTimerNeeded(w, now);
      }
    }
  }
  switch (out.result) {
    case QuotaAcquisition::Result::kGranted:
      if (observer_ != nullptr) {
        observer_->OnGranted(caller, kind, absl::ZeroDuration());
      }
      break;
    case QuotaAcquisition::Result::kRefused:
      if (observer_ != nullptr) observer_->OnRefused(caller, kind);
      break;
    case QuotaAcquisition::Result::kQueued: {
      if (reset_at.has_value()) StartResetTimer(kind, *reset_at, now);
      if (latest_start == absl::InfiniteFuture()) break;
      // Not under the lock: a scheduler that has shut down runs it inline.
      const TaskId timer = scheduler_.RunAfter(
          latest_start - now,
          [this, kind, waiter = out.waiter] { OnWaiterTimeout(kind, waiter); });
      bool stale = false;
      {
        absl::MutexLock lock(&mu_);
        Window& w = WindowOf(kind);
        auto it = w.waiters.find(out.waiter);
        if (it != w.waiters.end()) {
          it->second.timer = timer;
        } else {
          stale = true;  // Served or gone meanwhile.
        }
      }
      if (stale) scheduler_.CancelTask(timer);
      break;
    }
  }
  if (shared && out.result == QuotaAcquisition::Result::kQueued) {
    PumpShared(kind);
  }
  return out;
}

bool QuotaSteward::Cancel(policy::RouteKind kind, std::uint64_t waiter) {
  std::optional<TaskId> timer;
  {
    absl::MutexLock lock(&mu_);
    Window& w = WindowOf(kind);
    if (!w.queue.Remove(waiter)) return false;
    auto it = w.waiters.find(waiter);
    timer = it->second.timer;
    w.waiters.erase(it);
  }
  if (timer.has_value()) scheduler_.CancelTask(*timer);
  return true;
}

void QuotaSteward::OnWaiterTimeout(policy::RouteKind kind,
                                   std::uint64_t waiter) {
  const absl::Time now = now_();
  QuotaCallback on_turn;
  std::string caller;
  absl::string_view route;
  absl::Status refusal;
  {
    absl::MutexLock lock(&mu_);
    Window& w = WindowOf(kind);
    if (!w.queue.Remove(waiter)) return;
    auto it = w.waiters.find(waiter);
    on_turn = std::move(it->second.on_turn);
    caller = std::move(it->second.caller);
    route = it->second.route;
    w.waiters.erase(it);
    refusal = Refusal(kind, caller, route, ExpectedTurn(w, caller, now), now);
  }
  if (observer_ != nullptr) observer_->OnRefused(caller, kind);
  std::move(on_turn)(std::move(refusal));
}

std::vector<QuotaSteward::Delivery> QuotaSteward::Pump(policy::RouteKind kind,
                                                       absl::Time now) {
  std::vector<Delivery> deliveries;
  Window& w = WindowOf(kind);
  while (!w.queue.empty()) {
    std::optional<policy::QuotaReservation> reservation =
        w.window.TryReserve(now);
    if (!reservation.has_value()) break;
    const std::uint64_t id = *w.queue.Pop();
    auto it = w.waiters.find(id);
    Waiter& waiter = it->second;
    deliveries.push_back(
        {std::move(waiter.on_turn), QuotaGrant{kind, *reservation, now, {}},
         std::move(waiter.caller), now - waiter.enqueued_at, waiter.timer});
    w.waiters.erase(it);
  }
  return deliveries;
}

std::optional<absl::Time> QuotaSteward::ResetTimerNeeded(Window& w,
                                                         absl::Time now) {
  if (w.queue.empty()) return std::nullopt;
  const std::optional<absl::Time> next = w.window.NextUnitAt(now);
  // Unknown window: the probe's answer pumps the queue.
  if (!next.has_value() || *next <= now) return std::nullopt;
  // A timer due no later is pending: it pumps, and looks again.
  if (w.reset_timer_at != absl::InfinitePast() && w.reset_timer_at <= *next) {
    return std::nullopt;
  }
  w.reset_timer_at = *next;
  return *next;
}

void QuotaSteward::StartResetTimer(policy::RouteKind kind, absl::Time at,
                                   absl::Time now) {
  scheduler_.RunAfter(at - now, [this, kind, at] {
    {
      absl::MutexLock lock(&mu_);
      Window& w = WindowOf(kind);
      if (w.reset_timer_at == at) w.reset_timer_at = absl::InfinitePast();
    }
    PumpEither(kind);
  });
}

void QuotaSteward::PumpAndDeliver(policy::RouteKind kind) {
  const absl::Time now = now_();
  std::vector<Delivery> deliveries;
  std::optional<absl::Time> reset_at;
  {
    absl::MutexLock lock(&mu_);
    deliveries = Pump(kind, now);
    reset_at = ResetTimerNeeded(WindowOf(kind), now);
  }
  if (reset_at.has_value()) StartResetTimer(kind, *reset_at, now);
  Deliver(std::move(deliveries), kind);
}

void QuotaSteward::Deliver(std::vector<Delivery> deliveries,
                           policy::RouteKind kind) {
  for (Delivery& delivery : deliveries) {
    if (delivery.timer.has_value()) scheduler_.CancelTask(*delivery.timer);
    if (observer_ != nullptr) {
      if (delivery.result.ok()) {
        observer_->OnGranted(delivery.caller, kind, delivery.waited);
      } else {
        observer_->OnRefused(delivery.caller, kind);
      }
    }
    std::move(delivery.on_turn)(std::move(delivery.result));
  }
}

void QuotaSteward::Settle(const QuotaGrant& grant,
                          const policy::QuotaAnswer& answer) {
  const absl::Time now = now_();
  const policy::RouteKind kind = grant.kind;
  {
    absl::MutexLock lock(&mu_);
    Window& w = WindowOf(kind);
    const absl::Duration sample = now - grant.granted_at;
    w.latency = w.latency * (1 - kLatencyWeight) + sample * kLatencyWeight;
    if (grant.shared_reservation.empty()) {
      w.window.Settle(grant.reservation, answer, now);
    }
  }
  if (grant.shared_reservation.empty()) {
    PumpEither(kind);
    return;
  }
  options_.shared->Settle(kind, grant.shared_reservation,
                          grant.reservation.epoch, answer,
                          [this, kind] { PumpEither(kind); });
}

void QuotaSteward::Release(const QuotaGrant& grant) {
  const policy::RouteKind kind = grant.kind;
  if (!grant.shared_reservation.empty()) {
    options_.shared->Release(kind, grant.shared_reservation,
                             [this, kind] { PumpEither(kind); });
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    WindowOf(kind).window.Release(grant.reservation);
  }
  PumpEither(kind);
}

std::vector<QuotaSteward::Delivery> QuotaSteward::RefuseWaitersPast(
    policy::RouteKind kind, absl::Time next_unit_at, absl::Time now) {
  std::vector<Delivery> refusals;
  Window& w = WindowOf(kind);
  std::vector<std::uint64_t> late;
  for (const auto& [id, waiter] : w.waiters) {
    if (waiter.latest_start < next_unit_at) late.push_back(id);
  }
  for (const std::uint64_t id : late) {
    w.queue.Remove(id);
    auto it = w.waiters.find(id);
    Waiter& waiter = it->second;
    refusals.push_back(
        {std::move(waiter.on_turn),
         Refusal(kind, waiter.caller, waiter.route, next_unit_at, now),
         std::move(waiter.caller), absl::ZeroDuration(), waiter.timer});
    w.waiters.erase(it);
  }
  return refusals;
}

void QuotaSteward::PumpEither(policy::RouteKind kind) {
  bool shared = false;
  {
    absl::MutexLock lock(&mu_);
    shared = UsesShared(WindowOf(kind), now_());
  }
  if (shared) {
    PumpShared(kind);
  } else {
    PumpAndDeliver(kind);
  }
}

void QuotaSteward::PumpShared(policy::RouteKind kind) {
  SharedQuotaRequest request;
  request.kind = kind;
  {
    absl::MutexLock lock(&mu_);
    Window& w = WindowOf(kind);
    if (w.shared_pending) return;
    const std::optional<std::uint64_t> head = w.queue.Peek();
    if (!head.has_value()) return;
    request.caller = w.queue.CallerOf(*head);
    // Refused, the ask waits for its retry timer; but a caller new at the
    // head asks now, so that the shared state counts it among the waiting
    // before the other replicas' callers take the next unit.
    if (w.shared_retry_at != absl::InfinitePast() &&
        request.caller == w.shared_asked_for) {
      return;
    }
    w.shared_asked_for = request.caller;
    request.weight = WeightOf(request.caller);
    request.more_waiting = w.queue.WaitingOf(request.caller) > 1;
    request.reservation = absl::StrCat(replica_, "-", next_reservation_++);
    w.shared_pending = true;
  }
  options_.shared->Reserve(
      request, [this, kind, reservation = request.reservation](
                   absl::StatusOr<SharedQuotaDecision> decision) {
        OnSharedDecision(kind, reservation, std::move(decision));
      });
}

void QuotaSteward::OnSharedDecision(
    policy::RouteKind kind, const std::string& reservation,
    absl::StatusOr<SharedQuotaDecision> decision) {
  const absl::Time now = now_();
  std::vector<Delivery> deliveries;
  bool give_back = false;
  bool ask_again = false;
  bool fall_back = false;
  std::optional<absl::Time> retry_at;
  {
    absl::MutexLock lock(&mu_);
    Window& w = WindowOf(kind);
    w.shared_pending = false;
    if (!decision.ok()) {
      // Unreachable or slow: this replica spends alone for a while.
      w.local_until = now + kLocalAfterSharedError;
      fall_back = true;
    } else {
      w.shared_said = *decision;
      if (!decision->granted) {
        const absl::Time at =
            now + std::min(decision->retry_after, kMaxSharedRetry);
        w.shared_next_unit_at = now + decision->retry_after;
        // One retry timer at a time: the earliest.
        if (w.shared_retry_at == absl::InfinitePast() ||
            at < w.shared_retry_at) {
          w.shared_retry_at = at;
          retry_at = at;
        }
        // Calls that cannot wait that long learn it now, not at their
        // deadline.
        deliveries = RefuseWaitersPast(kind, w.shared_next_unit_at, now);
      } else if (const std::optional<std::uint64_t> id = w.queue.Pop()) {
        w.shared_next_unit_at = now;
        // Units are coming: the next waiter asks at once.
        w.shared_retry_at = absl::InfinitePast();
        auto it = w.waiters.find(*id);
        Waiter& waiter = it->second;
        QuotaGrant grant{kind, {decision->epoch}, now, reservation};
        deliveries.push_back({std::move(waiter.on_turn), std::move(grant),
                              std::move(waiter.caller),
                              now - waiter.enqueued_at, waiter.timer});
        w.waiters.erase(it);
        ask_again = true;
      } else {
        give_back = true;  // Its waiter left meanwhile.
      }
    }
  }
  if (fall_back) {
    Log(LogLevel::kWarning,
        "quota: the shared window did not answer; this replica spends on its "
        "own accounting for a while",
        {LogField("window", KindName(kind)),
         LogField("error", decision.status().ToString()),
         LogField("for", absl::FormatDuration(kLocalAfterSharedError))});
    PumpAndDeliver(kind);
    return;
  }
  if (give_back) {
    options_.shared->Release(kind, reservation,
                             [this, kind] { PumpEither(kind); });
  }
  if (retry_at.has_value()) {
    scheduler_.RunAfter(*retry_at - now, [this, kind, at = *retry_at] {
      {
        absl::MutexLock lock(&mu_);
        Window& w = WindowOf(kind);
        if (w.shared_retry_at == at) w.shared_retry_at = absl::InfinitePast();
      }
      PumpEither(kind);
    });
  }
  Deliver(std::move(deliveries), kind);
  if (ask_again) PumpShared(kind);
}

absl::Duration QuotaSteward::TimeUntilUnit(policy::RouteKind kind) {
  const absl::Time now = now_();
  absl::MutexLock lock(&mu_);
  Window& w = WindowOf(kind);
  if (UsesShared(w, now)) {
    return std::max(w.shared_next_unit_at - now, absl::ZeroDuration());
  }
  const std::optional<absl::Time> next = w.window.NextUnitAt(now);
  if (!next.has_value()) return w.latency;
  return std::max(*next - now, absl::ZeroDuration());
}

QuotaSteward::Snapshot QuotaSteward::Snap(policy::RouteKind kind) {
  const absl::Time now = now_();
  absl::MutexLock lock(&mu_);
  Window& w = WindowOf(kind);
  if (UsesShared(w, now)) {
    return {w.shared_said.available, 0, w.queue.size()};
  }
  return {w.window.available(now), w.window.in_flight(), w.queue.size()};
}

}  // namespace gateway::apivideo
