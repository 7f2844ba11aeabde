#include "gateway/apivideo/admission.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_details.h"

namespace gateway::apivideo {
namespace {

// RetryInfo with `delay` rounded up to whole seconds, at least one, and
// clamped to protobuf's range (AddRetryInfo).
void AddRetryInfoOfAtLeastOneSecond(absl::Status& status,
                                    absl::Duration delay) {
  AddRetryInfo(status, std::max(delay, absl::Seconds(1)));
}

Admission Refuse(absl::Status status) {
  Admission admission;
  admission.verdict = Admission::Verdict::kRefuse;
  admission.refusal = std::move(status);
  return admission;
}

}  // namespace

Admission AdmissionChain::Admit(const AttemptScope& scope, absl::Time now,
                                Tickets& tickets) const {
  tickets.clear();
  for (AdmissionCheck* check : checks_) {
    Admission admission = check->Admit(scope, now);
    if (admission.verdict != Admission::Verdict::kSend) return admission;
    tickets.push_back(admission.ticket);
  }
  return {};
}

absl::Duration AdmissionChain::TimeUntilOpen(const AttemptScope& scope,
                                             absl::Time now) const {
  absl::Duration longest = absl::ZeroDuration();
  for (const AdmissionCheck* check : checks_) {
    longest = std::max(longest, check->TimeUntilOpen(scope, now));
  }
  return longest;
}

void AdmissionChain::OnAnswer(const AttemptScope& scope, const Tickets& tickets,
                              const AttemptAnswer& answer,
                              absl::Time now) const {
  for (std::size_t i = 0; i < checks_.size() && i < tickets.size(); ++i) {
    checks_[i]->OnAnswer(scope, tickets[i], answer, now);
  }
}

Admission DeadlineCheck::Admit(const AttemptScope& scope, absl::Time now) {
  if (scope.deadline - now >= scope.min_attempt_time) return {};
  return Refuse(MakeError(
      absl::StatusCode::kDeadlineExceeded,
      absl::StrCat("the call's deadline left no time for ", scope.route),
      "UPSTREAM_TIMEOUT"));
}

Admission CircuitBreakerCheck::Admit(const AttemptScope& scope,
                                     absl::Time now) {
  const policy::CircuitBreaker::Admission admission = breaker_.Admit(now);
  if (admission.allowed) {
    Admission send;
    send.ticket = admission.probe ? 1 : 0;
    return send;
  }
  absl::Status status = MakeError(
      absl::StatusCode::kUnavailable,
      absl::StrCat("api.video has been failing; the gateway is not sending "
                   "requests for a moment. ",
                   scope.route, " was not sent"),
      "UPSTREAM_CIRCUIT_OPEN");
  AddRetryInfoOfAtLeastOneSecond(status, admission.retry_at - now);
  return Refuse(std::move(status));
}

void CircuitBreakerCheck::OnAnswer(const AttemptScope& /*scope*/,
                                   std::uint32_t ticket,
                                   const AttemptAnswer& answer,
                                   absl::Time now) {
  if (policy::IsUpstreamFailure(answer.outcome)) {
    breaker_.RecordFailure(now, /*probe=*/ticket == 1);
  } else if (answer.outcome.http_status != 0) {
    breaker_.RecordSuccess();
  }
}

}  // namespace gateway::apivideo
