#include "gateway/apivideo/upstream_call.h"

#include <cmath>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "gateway/apivideo/errors.h"
#include "gateway/common/status_details.h"
#include "google/rpc/error_details.pb.h"

namespace gateway::apivideo {
namespace {

// An attempt needs at least this much of the deadline to be worth making.
constexpr absl::Duration kMinAttemptTime = absl::Milliseconds(5);

absl::BitGenRef Random() {
  thread_local absl::BitGen generator;
  return generator;
}

void AddRetryInfo(absl::Status& status, absl::Duration delay) {
  google::rpc::RetryInfo retry;
  const auto seconds =
      static_cast<std::int64_t>(std::ceil(absl::ToDoubleSeconds(delay)));
  retry.mutable_retry_delay()->set_seconds(std::max<std::int64_t>(seconds, 1));
  AddDetail(status, retry);
}

policy::AttemptOutcome OutcomeOf(
    const absl::StatusOr<http::HttpResponse>& answer) {
  policy::AttemptOutcome outcome;
  if (answer.ok()) {
    outcome.http_status = answer->status;
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
    : services_(services), spec_(std::move(spec)), done_(std::move(done)) {}

void UpstreamCall::Cancel() {
  std::optional<http::TransferId> transfer;
  std::optional<TaskId> task;
  UpstreamCompletion done;
  UpstreamCallInfo info;
  {
    absl::MutexLock lock(&mu_);
    if (stage_ == Stage::kDone) return;
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

absl::Status UpstreamCall::Admit(absl::Time now, absl::Duration& wait) {
  wait = absl::ZeroDuration();
  const absl::Time opens_at =
      services_.rate_limits->OpensAt(spec_.route_kind, now);
  if (opens_at > now) {
    const absl::Duration closed_for = opens_at - now;
    if (policy::ShouldWaitForWindow(closed_for, services_.max_rate_limit_wait,
                                    spec_.deadline - now)) {
      wait = closed_for;
      return absl::OkStatus();
    }
    absl::Status status = MakeError(
        absl::StatusCode::kResourceExhausted,
        absl::StrCat(
            "api.video's rate limit for the gateway's account is used "
            "up; the window resets in ",
            absl::FormatDuration(absl::Ceil(closed_for, absl::Seconds(1))),
            ". The gateway did not send ", spec_.route),
        "TOO_MANY_REQUESTS");
    AddRetryInfo(status, closed_for);
    return status;
  }
  const policy::CircuitBreaker::Admission admission =
      services_.circuit_breaker->Admit(now);
  if (!admission.allowed) {
    absl::Status status = MakeError(
        absl::StatusCode::kUnavailable,
        absl::StrCat("api.video has been failing; the gateway is not sending "
                     "requests for a moment. ",
                     spec_.route, " was not sent"),
        "UPSTREAM_CIRCUIT_OPEN");
    AddRetryInfo(status, admission.retry_at - now);
    return status;
  }
  probe_ = admission.probe;
  return absl::OkStatus();
}

void UpstreamCall::Attempt() {
  {
    absl::MutexLock lock(&mu_);
    if (stage_ == Stage::kDone) return;
    stage_ = Stage::kBusy;
    task_.reset();
  }
  const absl::Time now = services_.now();
  if (spec_.deadline - now < kMinAttemptTime) {
    Finish(MakeError(
        absl::StatusCode::kDeadlineExceeded,
        absl::StrCat("the call's deadline left no time for ", spec_.route),
        "UPSTREAM_TIMEOUT"));
    return;
  }
  absl::Duration wait;
  if (absl::Status admitted = Admit(now, wait); !admitted.ok()) {
    if (admitted.code() == absl::StatusCode::kResourceExhausted) {
      // Tell the caller what api.video last said about the window.
      absl::MutexLock lock(&mu_);
      info_.rate_limit.remaining = 0;
      info_.rate_limit.retry_after_seconds = absl::ToInt64Seconds(absl::Ceil(
          services_.rate_limits->OpensAt(spec_.route_kind, now) - now,
          absl::Seconds(1)));
    }
    Finish(std::move(admitted));
    return;
  }
  if (wait > absl::ZeroDuration()) {
    AttemptAfter(wait);
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    if (stage_ == Stage::kDone) return;
    stage_ = Stage::kAuthorizing;
    if (++info_.attempts == 1) services_.retry_budget->RecordAttempt();
  }
  services_.authenticator->Authorize(
      [self = shared_from_this()](absl::StatusOr<std::string> authorization) {
        if (!authorization.ok()) {
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
  // The policy decides resends; a hidden one would duplicate a create or
  // mask a delete's earlier success.
  request.resend_on_stale_connection =
      spec_.idempotency == policy::Idempotency::kIdempotent &&
      !spec_.not_found_after_ambiguous_attempt_is_success;
  request.headers.reserve(3 + spec_.trace_headers.size());
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("Authorization", authorization);
  if (!spec_.json_body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = spec_.json_body;
  }
  for (const auto& header : spec_.trace_headers)
    request.headers.push_back(header);
  if (!EnterStage(Stage::kTransferring)) return;
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
    if (stage_ == Stage::kTransferring) {
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
  const RateLimit rate_limit =
      answer.ok() ? ReadRateLimit(*answer) : RateLimit();
  bool cancelled = false;
  int attempts = 0;
  {
    absl::MutexLock lock(&mu_);
    transfer_.reset();
    if (stage_ == Stage::kDone) return;
    stage_ = Stage::kBusy;
    cancelled = cancel_requested_;
    attempts = info_.attempts;
    if (answer.ok()) {
      info_.http_status = answer->status;
      info_.rate_limit = rate_limit;
    }
  }
  const policy::AttemptOutcome outcome = OutcomeOf(answer);
  const UpstreamOperation operation{spec_.route, spec_.token};
  if (services_.observer != nullptr &&
      outcome.transport_error != absl::StatusCode::kCancelled) {
    services_.observer->OnAttempt(
        {spec_.route, outcome.http_status, now - attempt_started_, rate_limit});
  }

  if (answer.ok()) {
    services_.rate_limits->Record(spec_.route_kind, rate_limit.remaining,
                                  rate_limit.retry_after_seconds,
                                  answer->status == 429, now);
  }
  if (policy::IsUpstreamFailure(outcome)) {
    services_.circuit_breaker->RecordFailure(now, probe_);
  } else if (answer.ok()) {
    services_.circuit_breaker->RecordSuccess();
  }

  if (answer.ok() && IsSuccess(answer->status)) {
    Finish(std::move(answer));
    return;
  }
  if (cancelled) {
    // The answer beat the cancellation but is no success: nothing more is
    // worth trying for a caller who has gone.
    Finish(StatusFromTransportError(
        absl::CancelledError("the call was cancelled"), operation));
    return;
  }
  if (!answer.ok() && answer.status().code() == absl::StatusCode::kCancelled) {
    Finish(StatusFromTransportError(answer.status(), operation));
    return;
  }
  if (answer.ok() && answer->status == 404 && may_have_taken_effect_ &&
      spec_.not_found_after_ambiguous_attempt_is_success) {
    // An earlier attempt most likely did the deed before its answer was lost.
    http::HttpResponse gone;
    gone.status = 204;
    Finish(std::move(gone));
    return;
  }
  if (answer.ok() && answer->status == 401 && !authorization_renewed_ &&
      services_.authenticator->Renew(authorization)) {
    authorization_renewed_ = true;
    Attempt();
    return;
  }

  absl::Status error =
      answer.ok() ? StatusFromErrorResponse(*answer, operation)
                  : StatusFromTransportError(answer.status(), operation);
  may_have_taken_effect_ =
      may_have_taken_effect_ || policy::MayHaveTakenEffect(outcome);
  if (attempts >= services_.retry.max_attempts ||
      !policy::IsRetryable(spec_.idempotency, outcome)) {
    Finish(std::move(error));
    return;
  }
  absl::Duration delay;
  if (outcome.http_status == 429) {
    // Resent only when waiting for the window fits the caller's deadline.
    delay = services_.rate_limits->OpensAt(spec_.route_kind, now) - now;
    if (!policy::ShouldWaitForWindow(delay, services_.max_rate_limit_wait,
                                     spec_.deadline - now)) {
      Finish(std::move(error));
      return;
    }
  } else {
    delay = policy::BackoffDelay(services_.retry, attempts, Random());
    if (spec_.deadline - now < delay + kMinAttemptTime) {
      Finish(std::move(error));
      return;
    }
  }
  if (!services_.retry_budget->TryRetry()) {
    Finish(std::move(error));
    return;
  }
  if (services_.observer != nullptr) services_.observer->OnRetry(spec_.route);
  AttemptAfter(delay);
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
