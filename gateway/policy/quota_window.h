// One kind's rate-limit window of the api.video account (reads or writes),
// as the gateway learns it, and the units the gateway has reserved from it.
//
// api.video counts each account's requests per minute and per kind, and says
// on every answer how many the window allows (X-RateLimit-Limit), how many
// are left (X-RateLimit-Remaining) and in how many whole seconds it resets
// (X-RateLimit-Retry-After). A request goes upstream only with a unit
// reserved here, so the gateway never sends what the window cannot take:
//
//   available = remaining - kept_back - in_flight
//
// where `remaining` is the lowest count reported in the current window (an
// answer overtaken by a later one must not give units back), `kept_back` is
// the part of the limit left to other systems that use the same key
// (1 - share), and `in_flight` the units reserved and not yet answered,
// counted as spent because the upstream may already have counted them.
//
// Once the limit is known, units are also paced: a token bucket that holds
// at most `burst` of the gateway's share and refills at share / window
// length. A burst of calls gets that much at once and the rest spread over
// the window, so that a caller arriving late in a window still finds units
// rather than waiting for the next one while another caller took them all.
//
// Before an answer has taught the current window's numbers (at start, and
// again once the window has reset) one request at a time goes: the probe.
// A success without X-RateLimit-Remaining says the upstream meters nothing
// (a base URL that is not api.video): then nothing is held back until an
// answer says otherwise.
// A reset time known to whole seconds is taken late, never early: the gate
// then opens up to a second after api.video's, rather than before it.
//
// A plain value: not thread-safe; its owner serialises access.

#ifndef GATEWAY_POLICY_QUOTA_WINDOW_H_
#define GATEWAY_POLICY_QUOTA_WINDOW_H_

#include <cstdint>
#include <optional>

#include "absl/time/time.h"

namespace gateway::policy {

struct QuotaWindowOptions {
  // The fraction of the account's limit the gateway may spend, in (0, 1];
  // the rest is left to other systems that use the same API key.
  double share = 1.0;
  // The fraction of the gateway's share of a window that may be spent at
  // once, in (0, 1]; the rest is paced evenly over the window. 1: no pacing.
  double burst = 0.25;
};

// What one answer said about the window; unset: the header was missing.
struct QuotaAnswer {
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> retry_after_seconds;
  bool too_many_requests = false;
  // False when the request certainly never reached api.video (no
  // connection), so its unit was not spent.
  bool may_have_counted = true;
  // A 2xx answer.
  bool success = false;
};

// A unit reserved from the window; hand it back with Settle or Release.
struct QuotaReservation {
  // The window it was taken from: an answer to a request of an earlier
  // window says nothing about the current one.
  std::uint64_t epoch = 0;
};

class QuotaWindow {
 public:
  // Used when a 429 gives no X-RateLimit-Retry-After.
  static constexpr absl::Duration kDefaultWait = absl::Seconds(1);
  // The longest reset time believed (api.video's windows last a minute; a
  // longer one is a mistake, such as an epoch time sent as a delay).
  static constexpr absl::Duration kMaxWait = absl::Minutes(5);
  // An answer whose reset time is this much later than the window's belongs
  // to a later window: api.video reset its counter before the gateway
  // expected (its Retry-After is rounded to whole seconds).
  static constexpr absl::Duration kResetTolerance = absl::Milliseconds(1500);
  // Added to every reset time learnt: api.video does not say how it rounds
  // Retry-After to whole seconds, and a window taken to reset early draws
  // 429s, one taken to reset late only idles.
  static constexpr absl::Duration kResetMargin = absl::Seconds(1);

  explicit QuotaWindow(QuotaWindowOptions options = {});

  // Reserves one unit if one is free at `now`.
  std::optional<QuotaReservation> TryReserve(absl::Time now);

  // The reserved request was answered (or failed) at `now`.
  void Settle(const QuotaReservation& reservation, const QuotaAnswer& answer,
              absl::Time now);

  // The reserved request was never sent: its unit is free again.
  void Release(const QuotaReservation& reservation);

  // When a unit is expected to be free, unless one is given back before:
  // `now` when one is free now, the reset time when the window is used up,
  // and nullopt when it waits for the answer of a request in flight (the
  // probe of a window not yet known).
  std::optional<absl::Time> NextUnitAt(absl::Time now);

  // Units the gateway may spend per window: the limit's share, or 1 while
  // the limit is unknown.
  std::int64_t UsableUnitsPerWindow() const;

  // How long a window lasts, as far as the gateway knows (the Retry-After
  // of the first answer of a window; a minute before any).
  absl::Duration window_length() const { return window_length_; }

  // For metrics: the units left to the gateway in the current window
  // (nullopt while unknown), and the units reserved and not yet answered.
  std::optional<std::int64_t> available(absl::Time now);
  std::int64_t in_flight() const { return in_flight_; }

 private:
  // Forgets the window's numbers once it has reset; refills the pacing
  // bucket.
  void RollOver(absl::Time now);
  // The pacing bucket's size and refill rate (units per second).
  double BucketCapacity() const;
  double RefillRate() const;
  // Units the window itself has left, pacing aside.
  std::int64_t WindowAvailable() const;
  std::int64_t KeptBack() const;
  std::int64_t Available() const;
  void StartWindow(std::int64_t remaining, absl::Time resets_at);

  const QuotaWindowOptions options_;
  // Whether `remaining_` and `resets_at_` describe the current window.
  bool known_ = false;
  // The latest success had no rate-limit headers.
  bool unmetered_ = false;
  std::optional<std::int64_t> limit_;
  std::int64_t remaining_ = 0;
  absl::Time resets_at_ = absl::InfinitePast();
  std::int64_t in_flight_ = 0;
  std::uint64_t epoch_ = 0;
  absl::Duration window_length_ = absl::Minutes(1);
  // The pacing bucket; used once the limit is known.
  double tokens_ = 0;
  absl::Time refilled_at_ = absl::InfinitePast();
};

}  // namespace gateway::policy

#endif  // GATEWAY_POLICY_QUOTA_WINDOW_H_
