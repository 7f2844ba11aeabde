#include "gateway/service/call_reactor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_details.h"
#include "gateway/service/grpc_status.h"
#include "google/protobuf/util/time_util.h"

namespace gateway::service {

CallReactor::CallReactor(grpc::CallbackServerContext* context,
                         absl::string_view method, CallIdentity identity,
                         const ReactorEnvironment& environment,
                         policy::InFlightLimit* in_flight,
                         observability::RpcMetrics* metrics)
    : context_(context),
      method_(method),
      identity_(std::move(identity)),
      environment_(environment),
      in_flight_(in_flight),
      metrics_(metrics) {}

void CallReactor::Reject(const absl::Status& status) {
  FinishWith(status);
  Unref();
}

void CallReactor::AuditTo(governance::AuditTrail& trail,
                          governance::AuditEvent draft,
                          const apivideo::UploadToken* created) {
  audit_trail_ = &trail;
  audit_event_ = std::move(draft);
  created_ = created;
}

void CallReactor::Attach(const std::shared_ptr<Cancellable>& call) {
  bool cancelled = false;
  {
    absl::MutexLock lock(&mu_);
    call_ = call;
    cancelled = cancelled_;
  }
  // OnCancel may have run before the call existed.
  if (cancelled) call->Cancel();
  Unref();
}

void CallReactor::Complete(const absl::Status& status,
                           const apivideo::UpstreamCallInfo& upstream) {
  upstream_ = upstream;
  const apivideo::RateLimit& rate_limit = upstream.rate_limit;
  if (rate_limit.limit.has_value()) {
    context_->AddInitialMetadata("x-ratelimit-limit",
                                 absl::StrCat(*rate_limit.limit));
  }
  if (rate_limit.remaining.has_value()) {
    context_->AddInitialMetadata("x-ratelimit-remaining",
                                 absl::StrCat(*rate_limit.remaining));
  }
  if (rate_limit.retry_after_seconds.has_value()) {
    context_->AddInitialMetadata("x-ratelimit-retry-after",
                                 absl::StrCat(*rate_limit.retry_after_seconds));
  }
  // Whether the answer cost a read of the account's quota: "miss" did,
  // "hit" and "coalesced" did not (apivideo/caching_upload_token_stub.h).
  context_->AddInitialMetadata(
      "x-cache", std::string(apivideo::AnswerSourceName(upstream.source)));
  FinishWith(status);
}

void CallReactor::FinishWith(const absl::Status& status) {
  code_ = status.code();
  // Counted before the status leaves, so that a caller who has its answer
  // finds it counted.
  if (metrics_ != nullptr) metrics_->OnHandled(code_, absl::Now() - start_);
  // Also before: whoever has the answer finds the act in the trail.
  if (audit_trail_ != nullptr) RecordAudit(status);
  Finish(ToGrpcStatus(environment_.scrubber->Scrub(status)));
}

void CallReactor::RecordAudit(const absl::Status& status) {
  governance::AuditEvent& event = audit_event_;
  *event.mutable_time() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
          absl::ToUnixNanos(absl::Now()));
  event.set_caller(identity_.caller);
  event.set_peer(context_->peer());
  event.set_trace_id(identity_.trace_id);
  event.set_outcome(absl::StatusCodeToString(status.code()));
  if (const std::optional<google::rpc::ErrorInfo> info =
          GetDetail<google::rpc::ErrorInfo>(status);
      info.has_value()) {
    event.set_reason(info->reason());
  }
  if (status.ok() && created_ != nullptr) {
    event.set_token(created_->token());
    event.set_ttl(created_->ttl());
    if (created_->has_created_at()) {
      *event.mutable_created_at() = created_->created_at();
    }
    if (created_->has_expires_at()) {
      *event.mutable_expires_at() = created_->expires_at();
    }
  }
  audit_trail_->Record(event);
}

void CallReactor::OnCancel() {
  std::shared_ptr<Cancellable> call;
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    call = call_;
  }
  if (call != nullptr) call->Cancel();
}

void CallReactor::OnDone() {
  const absl::Duration latency = absl::Now() - start_;
  const std::string peer = context_->peer();
  environment_.access_log->Record({method_, peer, identity_.caller, code_,
                                   upstream_.http_status, upstream_.attempts,
                                   latency, identity_.trace_id});
  if (in_flight_ != nullptr) in_flight_->Release();
  Unref();
}

void CallReactor::Unref() {
  if (references_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

}  // namespace gateway::service
