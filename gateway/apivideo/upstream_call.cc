#include "gateway/apivideo/upstream_call.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "gateway/apivideo/errors.h"
#include "gateway/common/status_details.h"

namespace gateway::apivideo {
namespace {

absl::BitGenRef Random() {
  thread_local absl::BitGen generator;
  return generator;
}

policy::AttemptOutcome OutcomeOf(
    const absl::StatusOr<http::HttpResponse>& answer) {
  policy::AttemptOutcome outcome;
  if (answer.ok()) {
    outcome.http_status = answer->status;
    outcome.resource_not_found = IsResourceNotFound(*answer);
  } else {
    outcome.transport_error = answer.status().code();
    outcome.request_may_have_been_sent =
        http::RequestMayHaveBeenSent(answer.status());
  }
  return outcome;
}

bool IsSuccess(int http_status) {
  return http_status >= 200 && http_status <= 299;
}

// What an attempt's answer says of the rate-limit window.
policy::QuotaAnswer QuotaAnswerOf(const AttemptAnswer& attempt) {
  policy::QuotaAnswer answer;
  answer.limit = attempt.rate_limit.limit;
  answer.remaining = attempt.rate_limit.remaining;
  answer.retry_after_seconds = attempt.rate_limit.retry_after_seconds;
  answer.too_many_requests = attempt.outcome.http_status == 429;
  answer.success = IsSuccess(attempt.outcome.http_status);
  answer.may_have_counted = attempt.outcome.http_status != 0 ||
                            attempt.outcome.request_may_have_been_sent;
  return answer;
}

AttemptScope ScopeOf(const RequestSpec& spec,
                     const policy::RetryOptions& options) {
  AttemptScope scope;
  scope.route = spec.route;
  scope.route_kind = policy::RouteKindOf(spec.operation);
  scope.deadline = spec.deadline;
  scope.min_attempt_time = options.min_attempt_time;
  return scope;
}

}  // namespace

std::shared_ptr<UpstreamCall> UpstreamCall::Start(
    const UpstreamServices& services, RequestSpec spec,
    UpstreamCompletion done) {
  auto call = std::make_shared<UpstreamCall>(services, std::move(spec),
                                             std::move(done));
  call->Attempt();
  return call;
}

UpstreamCall::UpstreamCall(const UpstreamServices& services, RequestSpec spec,
                           UpstreamCompletion done)
    : services_(services),
      spec_(std::move(spec)),
      scope_(ScopeOf(spec_, services.retry)),
      done_(std::move(done)),
      retry_(spec_.operation, services.retry, *services.retry_budget) {}

void UpstreamCall::Cancel() {
  std::optional<http::TransferId> transfer;
  std::optional<TaskId> task;
  std::optional<std::uint64_t> waiter;
  UpstreamCompletion done;
  UpstreamCallInfo info;
  {
    absl::MutexLock lock(&mu_);
    if (stage_ == Stage::kDone) return;
    if (stage_ == Stage::kQueued) waiter = waiter_;
    if (stage_ == Stage::kTransferring) {
      // The transfer's callback finishes the call with CANCELLED; if the
      // transfer is still being started, Send() cancels it once it has an id.
      cancel_requested_ = true;
      transfer = transfer_;
      if (!transfer.has_value()) return;
    } else {
      // Authorizing, waiting, or between steps: whoever resumes the call
      // finds it done.
      task = task_;
      stage_ = Stage::kDone;
      done = std::move(done_);
      info = info_;
    }
  }
  if (transfer.has_value()) {
    services_.client->Cancel(*transfer);
    return;
  }
  if (task.has_value()) services_.scheduler->CancelTask(*task);
  // A turn that came meanwhile finds the call done and gives its unit back.
  if (waiter.has_value()) services_.quota->Cancel(scope_.route_kind, *waiter);
  if (done) {
    std::move(done)(MakeError(absl::StatusCode::kCancelled,
                              absl::StrCat("the call was cancelled before ",
                                           spec_.route, " completed"),
                              "CANCELLED"),
                    info);
  }
}

bool UpstreamCall::EnterStage(Stage stage) {
  absl::MutexLock lock(&mu_);
  if (stage_ == Stage::kDone) return false;
  stage_ = stage;
  return true;
}

void UpstreamCall::Finish(absl::StatusOr<http::HttpResponse> result) {
  UpstreamCompletion done;
  UpstreamCallInfo info;
  {
    absl::MutexLock lock(&mu_);
    if (stage_ == Stage::kDone) return;
    stage_ = Stage::kDone;
    done = std::move(done_);
    info = info_;
  }
  std::move(done)(std::move(result), info);
}

void UpstreamCall::Attempt() {
  {
    absl::MutexLock lock(&mu_);
    if (stage_ == Stage::kDone) return;
    stage_ = Stage::kBusy;
    task_.reset();
  }
  AcquireQuota();
}

void UpstreamCall::AcquireQuota() {
  if (services_.quota == nullptr) {
    Admit();
    return;
  }
  std::uint64_t ask = 0;
  {
    absl::MutexLock lock(&mu_);
    if (stage_ == Stage::kDone) return;
    stage_ = Stage::kQueued;
    waiter_.reset();
    ask = ++quota_asks_;
  }
  QuotaRequest request;
  request.kind = scope_.route_kind;
  request.caller = spec_.caller;
  request.deadline = spec_.deadline;
  request.min_request_time = services_.retry.min_attempt_time;
  request.route = spec_.route;
  QuotaAcquisition got = services_.quota->Acquire(
      request, [self = shared_from_this()](absl::StatusOr<QuotaGrant> turn) {
        self->OnQuotaTurn(std::move(turn));
      });
  switch (got.result) {
    case QuotaAcquisition::Result::kGranted:
      OnQuotaTurn(got.grant);
      return;
    case QuotaAcquisition::Result::kRefused: {
      absl::MutexLock lock(&mu_);
      info_.rate_limit = got.rate_limit;
    }
      Finish(std::move(got.refusal));
      return;
    case QuotaAcquisition::Result::kQueued:
      break;
  }
  bool cancelled = false;
  {
    absl::MutexLock lock(&mu_);
    if (stage_ == Stage::kQueued && quota_asks_ == ask) {
      waiter_ = got.waiter;
    } else {
      // Cancelled before the waiter was stored: take it out here.
      cancelled = stage_ == Stage::kDone;
    }
  }
  if (cancelled) services_.quota->Cancel(scope_.route_kind, got.waiter);
}

void UpstreamCall::OnQuotaTurn(absl::StatusOr<QuotaGrant> turn) {
  if (!turn.ok()) {
    Finish(turn.status());
    return;
  }
  bool done = false;
  {
    absl::MutexLock lock(&mu_);
    done = stage_ == Stage::kDone;
    waiter_.reset();
  }
  if (done) {
    services_.quota->Release(*turn);
    return;
  }
  grant_ = *turn;
  Admit();
}

void UpstreamCall::Admit() {
  const Admission admission =
      services_.admission->Admit(scope_, services_.now(), tickets_);
  switch (admission.verdict) {
    case Admission::Verdict::kSend:
      Authorize();
      return;
    case Admission::Verdict::kWait:
      ReleaseQuota();
      AttemptAfter(admission.wait);
      return;
    case Admission::Verdict::kRefuse:
      ReleaseQuota();
      if (admission.rate_limit.has_value()) {
        absl::MutexLock lock(&mu_);
        info_.rate_limit = *admission.rate_limit;
      }
      Finish(admission.refusal);
      return;
  }
}

void UpstreamCall::ReleaseQuota() {
  if (!grant_.has_value()) return;
  services_.quota->Release(*grant_);
  grant_.reset();
}

void UpstreamCall::Authorize() {
  bool done = false;
  {
    absl::MutexLock lock(&mu_);
    done = stage_ == Stage::kDone;
    if (!done) {
      stage_ = Stage::kAuthorizing;
      retry_.OnAttemptStarted();
      info_.attempts = retry_.attempts();
    }
  }
  if (done) {
    ReleaseQuota();
    return;
  }
  services_.authenticator->Authorize(
      [self = shared_from_this()](absl::StatusOr<std::string> authorization) {
        if (!authorization.ok()) {
          self->ReleaseQuota();
          self->Finish(authorization.status());
          return;
        }
        self->Send(*std::move(authorization));
      });
}

void UpstreamCall::Send(std::string authorization) {
  http::HttpRequest request;
  request.method = spec_.method;
  request.url = spec_.url;
  request.timeout = spec_.deadline - services_.now();
  request.resend_on_stale_connection = retry_.AllowsSilentResend();
  request.headers.reserve(3 + spec_.trace_headers.size());
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("Authorization", authorization);
  if (!spec_.json_body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = spec_.json_body;
  }
  for (const auto& header : spec_.trace_headers)
    request.headers.push_back(header);
  std::uint64_t send = 0;
  bool done = false;
  {
    absl::MutexLock lock(&mu_);
    done = stage_ == Stage::kDone;
    if (!done) {
      stage_ = Stage::kTransferring;
      send = ++sends_;
    }
  }
  if (done) {
    ReleaseQuota();
    return;
  }
  attempt_started_ = services_.now();
  // Not under the lock: a client that has shut down completes inline.
  const http::TransferId id = services_.client->Start(
      std::move(request),
      [self = shared_from_this(), authorization = std::move(authorization)](
          absl::StatusOr<http::HttpResponse> answer) {
        self->OnAnswer(std::move(answer), authorization);
      });
  bool cancel = false;
  {
    absl::MutexLock lock(&mu_);
    // The transfer may have ended already, and a retry may have started
    // another: then `id` is finished and must not hide the live one.
    if (stage_ == Stage::kTransferring && sends_ == send) {
      transfer_ = id;
      cancel = cancel_requested_;
    }
  }
  // Cancel() came while the transfer was being started.
  if (cancel) services_.client->Cancel(id);
}

void UpstreamCall::OnAnswer(absl::StatusOr<http::HttpResponse> answer,
                            const std::string& authorization) {
  const absl::Time now = services_.now();
  AttemptAnswer attempt;
  attempt.outcome = OutcomeOf(answer);
  if (answer.ok()) attempt.rate_limit = ReadRateLimit(*answer);
  if (grant_.has_value()) {
    services_.quota->Settle(*grant_, QuotaAnswerOf(attempt));
    grant_.reset();
  }
  bool cancelled = false;
  {
    absl::MutexLock lock(&mu_);
    transfer_.reset();
    if (stage_ == Stage::kDone) return;
    stage_ = Stage::kBusy;
    cancelled = cancel_requested_;
    if (answer.ok()) {
      info_.http_status = answer->status;
      info_.rate_limit = attempt.rate_limit;
    }
    info_.unanswered_send =
        !answer.ok() && attempt.outcome.request_may_have_been_sent;
  }
  const UpstreamOperation operation{spec_.route, spec_.token};
  // An aborted transfer says nothing about the upstream.
  const bool aborted =
      attempt.outcome.transport_error == absl::StatusCode::kCancelled;
  if (!aborted) {
    services_.admission->OnAnswer(scope_, tickets_, attempt, now);
    if (services_.observer != nullptr) {
      // Only a refusal's problem type is read: it tells a rejection of the
      // gateway's credentials from one of this request (CredentialsHealth).
      const bool refused = attempt.outcome.http_status == 401 ||
                           attempt.outcome.http_status == 403;
      const std::string problem_type =
          refused ? ProblemType(*answer) : std::string();
      services_.observer->OnAttempt({spec_.route, attempt.outcome.http_status,
                                     now - attempt_started_, attempt.rate_limit,
                                     problem_type});
    }
  }
  if (answer.ok() && IsSuccess(answer->status)) {
    Finish(std::move(answer));
    return;
  }
  if (cancelled || aborted) {
    // An answer that beat the cancellation but is no success: nothing more
    // is worth trying for a caller who has gone.
    Finish(StatusFromTransportError(
        cancelled ? absl::CancelledError("the call was cancelled")
                  : answer.status(),
        operation));
    return;
  }
  if (retry_.ShouldRenewCredentials(attempt.outcome) &&
      services_.authenticator->Renew(authorization)) {
    Attempt();
    return;
  }
  absl::Duration window_wait = services_.admission->TimeUntilOpen(scope_, now);
  if (services_.quota != nullptr) {
    window_wait = std::max(window_wait,
                           services_.quota->TimeUntilUnit(scope_.route_kind));
  }
  const policy::RetryDecision decision = retry_.OnFailure(
      attempt.outcome, spec_.deadline - now, window_wait, Random());
  switch (decision.action) {
    case policy::RetryDecision::Action::kSucceeded: {
      http::HttpResponse done;
      done.status = 204;
      Finish(std::move(done));
      return;
    }
    case policy::RetryDecision::Action::kGiveUp:
      Finish(answer.ok()
                 ? StatusFromErrorResponse(*answer, operation)
                 : StatusFromTransportError(answer.status(), operation));
      return;
    case policy::RetryDecision::Action::kRetry:
      if (services_.observer != nullptr) {
        services_.observer->OnRetry(spec_.route);
      }
      AttemptAfter(decision.delay);
      return;
  }
}

void UpstreamCall::AttemptAfter(absl::Duration delay) {
  if (!EnterStage(Stage::kWaiting)) return;
  // Not under the lock: a scheduler that has shut down runs tasks inline.
  const TaskId id = services_.scheduler->RunAfter(
      delay, [self = shared_from_this()] { self->Attempt(); });
  absl::MutexLock lock(&mu_);
  if (stage_ == Stage::kWaiting) task_ = id;
}

}  // namespace gateway::apivideo
