#include "gateway/apivideo/quota_steward.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_details.h"
#include "google/rpc/error_details.pb.h"

namespace gateway::apivideo {
namespace {

absl::string_view KindName(policy::RouteKind kind) {
  return kind == policy::RouteKind::kRead ? "reads" : "writes";
}

// Weight of the newest sample in the latency's moving average.
constexpr double kLatencyWeight = 0.2;

}  // namespace

QuotaSteward::QuotaSteward(Scheduler& scheduler, QuotaStewardOptions options,
                           std::function<absl::Time()> now,
                           QuotaObserver* observer)
    : scheduler_(scheduler),
      options_(std::move(options)),
      now_(std::move(now)),
      observer_(observer),
      windows_{Window({options_.share, options_.burst}),
               Window({options_.share, options_.burst})} {}

double QuotaSteward::WeightOf(absl::string_view caller) const {
  auto it = options_.weights.find(caller);
  return it != options_.weights.end() ? it->second : 1.0;
}

absl::Time QuotaSteward::ExpectedTurn(Window& w, absl::string_view caller,
                                      absl::Time now) {
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
  {
    absl::MutexLock lock(&mu_);
    Window& w = WindowOf(kind);
    // Nobody overtakes a queue: while calls wait, a free unit is theirs.
    std::optional<policy::QuotaReservation> reservation;
    if (w.queue.empty()) reservation = w.window.TryReserve(now);
    if (reservation.has_value()) {
      out.result = QuotaAcquisition::Result::kGranted;
      out.grant = {kind, *reservation, now};
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
        w.waiters.emplace(
            out.waiter,
            Waiter{caller, request.route, std::move(on_turn), now, {}});
        reset_at = ResetTimerNeeded(w, now);
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
        {std::move(waiter.on_turn), QuotaGrant{kind, *reservation, now},
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
    PumpAndDeliver(kind);
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
      observer_->OnGranted(delivery.caller, kind, delivery.waited);
    }
    std::move(delivery.on_turn)(std::move(delivery.result));
  }
}

void QuotaSteward::Settle(const QuotaGrant& grant,
                          const policy::QuotaAnswer& answer) {
  const absl::Time now = now_();
  {
    absl::MutexLock lock(&mu_);
    Window& w = WindowOf(grant.kind);
    const absl::Duration sample = now - grant.granted_at;
    w.latency = w.latency * (1 - kLatencyWeight) + sample * kLatencyWeight;
    w.window.Settle(grant.reservation, answer, now);
  }
  PumpAndDeliver(grant.kind);
}

void QuotaSteward::Release(const QuotaGrant& grant) {
  {
    absl::MutexLock lock(&mu_);
    WindowOf(grant.kind).window.Release(grant.reservation);
  }
  PumpAndDeliver(grant.kind);
}

absl::Duration QuotaSteward::TimeUntilUnit(policy::RouteKind kind) {
  const absl::Time now = now_();
  absl::MutexLock lock(&mu_);
  Window& w = WindowOf(kind);
  const std::optional<absl::Time> next = w.window.NextUnitAt(now);
  if (!next.has_value()) return w.latency;
  return std::max(*next - now, absl::ZeroDuration());
}

QuotaSteward::Snapshot QuotaSteward::Snap(policy::RouteKind kind) {
  const absl::Time now = now_();
  absl::MutexLock lock(&mu_);
  Window& w = WindowOf(kind);
  return {w.window.available(now), w.window.in_flight(), w.queue.size()};
}

}  // namespace gateway::apivideo
