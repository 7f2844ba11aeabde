// Whether an upstream attempt may be sent now: a chain of checks, asked in
// order before every attempt, each of which may let it go, make it wait, or
// refuse it with the status the caller gets; and told afterwards what came
// of the attempts it let go, so that it can learn from the answers.
//
// The checks of the gateway, in the order Gateway builds them:
//   DeadlineCheck     too little of the caller's deadline left to try
//   CircuitBreakerCheck  api.video has been failing (policy/circuit_breaker.h)
// The account's rate-limit windows are not a check: an attempt waits for
// its unit of quota, fairly, before the chain is asked (quota_steward.h).
// A check is shared by every call; it must be thread-safe and quick: it
// runs on the thread that starts or answers a call, between I/O events.

#ifndef GATEWAY_APIVIDEO_ADMISSION_H_
#define GATEWAY_APIVIDEO_ADMISSION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/rate_limit.h"
#include "gateway/policy/circuit_breaker.h"
#include "gateway/policy/operation.h"
#include "gateway/policy/retry_policy.h"

namespace gateway::apivideo {

// The attempt a check is asked about.
struct AttemptScope {
  // A fixed template such as "GET /upload-tokens/{token}", for messages.
  absl::string_view route;
  policy::RouteKind route_kind = policy::RouteKind::kRead;
  // The caller's deadline.
  absl::Time deadline = absl::InfiniteFuture();
  // RetryOptions::min_attempt_time of the call.
  absl::Duration min_attempt_time = absl::ZeroDuration();
};

// One check's answer.
struct Admission {
  enum class Verdict { kSend, kWait, kRefuse };
  Verdict verdict = Verdict::kSend;
  // kWait: ask again after this long.
  absl::Duration wait;
  // kRefuse: the call's result.
  absl::Status refusal;
  // kRefuse: what to tell the caller about the rate-limit window.
  std::optional<RateLimit> rate_limit;
  // kSend: the check's own note about this attempt, handed back to its
  // OnAnswer (the circuit breaker marks its probe).
  std::uint32_t ticket = 0;
};

// What came of an attempt that was sent.
struct AttemptAnswer {
  policy::AttemptOutcome outcome;
  // The answer's X-RateLimit-* headers, if it had any.
  RateLimit rate_limit;
};

class AdmissionCheck {
 public:
  virtual ~AdmissionCheck() = default;

  virtual Admission Admit(const AttemptScope& scope, absl::Time now) = 0;

  // How long from `now` until this check would let an attempt of `scope`
  // go; zero when it would now.
  virtual absl::Duration TimeUntilOpen(const AttemptScope& scope,
                                       absl::Time now) const {
    return absl::ZeroDuration();
  }

  // The end of an attempt this check admitted with `ticket`. Not called
  // for an attempt cancelled before its answer.
  virtual void OnAnswer(const AttemptScope& scope, std::uint32_t ticket,
                        const AttemptAnswer& answer, absl::Time now) {}
};

// The checks, asked in order; the first that does not let the attempt go
// decides.
class AdmissionChain {
 public:
  // Each check must outlive the chain.
  explicit AdmissionChain(std::vector<AdmissionCheck*> checks)
      : checks_(std::move(checks)) {}

  // The tickets of an admitted attempt, one per check.
  using Tickets = absl::InlinedVector<std::uint32_t, 4>;

  // kSend with every check's ticket in `tickets`, or the first other
  // verdict.
  Admission Admit(const AttemptScope& scope, absl::Time now,
                  Tickets& tickets) const;

  // The longest TimeUntilOpen of the checks: how long a retry waits, at
  // least, to be let go (after a 429, until the window resets).
  absl::Duration TimeUntilOpen(const AttemptScope& scope, absl::Time now) const;

  // Tells every check what came of an attempt admitted with `tickets`.
  void OnAnswer(const AttemptScope& scope, const Tickets& tickets,
                const AttemptAnswer& answer, absl::Time now) const;

 private:
  const std::vector<AdmissionCheck*> checks_;
};

// Refuses (DEADLINE_EXCEEDED, UPSTREAM_TIMEOUT) an attempt with less than
// min_attempt_time left before the deadline.
class DeadlineCheck final : public AdmissionCheck {
 public:
  Admission Admit(const AttemptScope& scope, absl::Time now) override;
};

// While the circuit is open: refuses (UNAVAILABLE, UPSTREAM_CIRCUIT_OPEN,
// with RetryInfo). Counts upstream failures and successes.
class CircuitBreakerCheck final : public AdmissionCheck {
 public:
  explicit CircuitBreakerCheck(policy::CircuitBreaker& breaker)
      : breaker_(breaker) {}

  Admission Admit(const AttemptScope& scope, absl::Time now) override;
  void OnAnswer(const AttemptScope& scope, std::uint32_t ticket,
                const AttemptAnswer& answer, absl::Time now) override;

 private:
  policy::CircuitBreaker& breaker_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_ADMISSION_H_
