#include "gateway/policy/quota_window.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gateway::policy {
namespace {

absl::Duration ResetDelay(std::int64_t retry_after_seconds) {
  return std::clamp(absl::Seconds(retry_after_seconds), absl::ZeroDuration(),
                    QuotaWindow::kMaxWait) +
         QuotaWindow::kResetMargin;
}

}  // namespace

QuotaWindow::QuotaWindow(QuotaWindowOptions options) : options_(options) {}

void QuotaWindow::RollOver(absl::Time now) {
  if (known_ && now >= resets_at_) {
    known_ = false;
    ++epoch_;
  }
  if (!limit_.has_value()) return;
  if (refilled_at_ == absl::InfinitePast()) {
    tokens_ = BucketCapacity();  // The limit was just learnt.
  } else if (now > refilled_at_) {
    tokens_ = std::min(
        BucketCapacity(),
        tokens_ + RefillRate() * absl::ToDoubleSeconds(now - refilled_at_));
  }
  refilled_at_ = std::max(refilled_at_, now);
}

double QuotaWindow::BucketCapacity() const {
  return std::max(1.0,
                  options_.burst * static_cast<double>(UsableUnitsPerWindow()));
}

double QuotaWindow::RefillRate() const {
  return static_cast<double>(UsableUnitsPerWindow()) /
         absl::ToDoubleSeconds(window_length_);
}

std::int64_t QuotaWindow::KeptBack() const {
  if (!limit_.has_value()) return 0;
  const auto usable = static_cast<std::int64_t>(
      std::floor(static_cast<double>(*limit_) * options_.share));
  return *limit_ - usable;
}

std::int64_t QuotaWindow::WindowAvailable() const {
  if (!known_) return in_flight_ == 0 ? 1 : 0;
  return remaining_ - KeptBack() - in_flight_;
}

std::int64_t QuotaWindow::Available() const {
  if (unmetered_) return std::numeric_limits<std::int64_t>::max();
  const std::int64_t window = WindowAvailable();
  // A probe goes whatever the bucket says: it only learns the window.
  if (!known_ || !limit_.has_value()) return window;
  return std::min(window, static_cast<std::int64_t>(std::floor(tokens_)));
}

std::int64_t QuotaWindow::UsableUnitsPerWindow() const {
  if (!limit_.has_value()) return 1;
  return std::max<std::int64_t>(*limit_ - KeptBack(), 1);
}

std::optional<QuotaReservation> QuotaWindow::TryReserve(absl::Time now) {
  RollOver(now);
  if (Available() <= 0) return std::nullopt;
  ++in_flight_;
  if (limit_.has_value()) tokens_ = std::max(0.0, tokens_ - 1);
  return QuotaReservation{epoch_};
}

void QuotaWindow::Release(const QuotaReservation& /*reservation*/) {
  if (in_flight_ > 0) --in_flight_;
  if (limit_.has_value()) tokens_ = std::min(BucketCapacity(), tokens_ + 1);
}

void QuotaWindow::StartWindow(std::int64_t remaining, absl::Time resets_at) {
  if (known_) ++epoch_;
  known_ = true;
  remaining_ = remaining;
  resets_at_ = resets_at;
}

void QuotaWindow::Settle(const QuotaReservation& reservation,
                         const QuotaAnswer& answer, absl::Time now) {
  if (in_flight_ > 0) --in_flight_;
  RollOver(now);
  if (answer.limit.has_value() && *answer.limit > 0) limit_ = *answer.limit;
  if (answer.too_many_requests) {
    // api.video's word for now, whatever window the request was counted in.
    unmetered_ = false;
    const absl::Time until =
        now + (answer.retry_after_seconds.has_value()
                   ? ResetDelay(*answer.retry_after_seconds)
                   : kDefaultWait);
    if (!known_ || until > resets_at_ + kResetTolerance) {
      StartWindow(0, until);
    } else {
      remaining_ = 0;
      resets_at_ = std::max(resets_at_, until);
    }
    return;
  }
  const bool has_numbers =
      answer.remaining.has_value() && answer.retry_after_seconds.has_value();
  if (answer.remaining.has_value()) {
    unmetered_ = false;
  } else if (answer.success) {
    unmetered_ = true;
  }
  if (!has_numbers) {
    // Nothing learnt; a request that may have reached api.video spent a
    // unit of the window it was counted in.
    if (known_ && reservation.epoch == epoch_ && answer.may_have_counted) {
      remaining_ = std::max<std::int64_t>(remaining_ - 1, 0);
    }
    return;
  }
  const absl::Duration delay = ResetDelay(*answer.retry_after_seconds);
  const absl::Time resets_at = now + delay;
  if (!known_ || resets_at > resets_at_ + kResetTolerance) {
    // The first answer of a window (the probe's, or one counted after
    // api.video reset before the gateway expected).
    if (!known_ && reservation.epoch != epoch_) {
      // Sent in a window that has ended: its numbers are that window's.
      return;
    }
    StartWindow(*answer.remaining, resets_at);
    window_length_ = std::max(delay - kResetMargin, absl::Seconds(1));
    return;
  }
  if (reservation.epoch != epoch_) return;
  remaining_ = std::min(remaining_, *answer.remaining);
  resets_at_ = std::max(resets_at_, resets_at);
}

std::optional<absl::Time> QuotaWindow::NextUnitAt(absl::Time now) {
  RollOver(now);
  if (Available() > 0) return now;
  if (!known_) return std::nullopt;
  if (WindowAvailable() <= 0) return resets_at_;
  // The window has units; the bucket holds them back a moment.
  const double missing = 1.0 - tokens_;
  return std::min(resets_at_,
                  now + absl::Ceil(absl::Seconds(missing / RefillRate()),
                                   absl::Milliseconds(1)));
}

std::optional<std::int64_t> QuotaWindow::available(absl::Time now) {
  RollOver(now);
  if (!known_) return std::nullopt;
  return std::max<std::int64_t>(Available(), 0);
}

}  // namespace gateway::policy
