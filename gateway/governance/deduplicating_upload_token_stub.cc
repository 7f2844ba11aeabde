#include "gateway/governance/deduplicating_upload_token_stub.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "gateway/common/status_details.h"
#include "google/protobuf/util/time_util.h"

namespace gateway::governance {
namespace {

using apivideo::AnswerSource;
using apivideo::ApiCallback;
using apivideo::ApiResult;
using apivideo::CallOptions;
using apivideo::UploadToken;

// The caller's completion, called at most once: by the create's outcome, a
// duplicate's wait, or the caller's cancellation, whichever comes first.
class OnceAnswer {
 public:
  explicit OnceAnswer(ApiCallback<UploadToken> done) : done_(std::move(done)) {}

  // False when the caller had its answer already.
  bool Answer(ApiResult<UploadToken> result) {
    ApiCallback<UploadToken> done;
    {
      absl::MutexLock lock(&mu_);
      if (!done_) return false;
      done = std::move(done_);
      done_ = nullptr;
    }
    std::move(done)(std::move(result));
    return true;
  }

 private:
  absl::Mutex mu_;
  ApiCallback<UploadToken> done_ ABSL_GUARDED_BY(mu_);
};

ApiResult<UploadToken> Cancelled() {
  return {absl::CancelledError("the call was cancelled; a create with a "
                               "request_id goes on, retry it to get its token"),
          {}};
}

// Cancelling answers the caller at once but leaves the create running.
class DetachedHandle final : public Cancellable {
 public:
  explicit DetachedHandle(std::shared_ptr<OnceAnswer> answer)
      : answer_(std::move(answer)) {}
  void Cancel() override { answer_->Answer(Cancelled()); }

 private:
  const std::shared_ptr<OnceAnswer> answer_;
};

// Cancelling a duplicate that waits for the first create stops its wait.
class WaiterHandle final : public Cancellable {
 public:
  WaiterHandle(RequestIdLedger& ledger, std::string caller,
               std::string request_id, std::uint64_t waiter_id)
      : ledger_(ledger),
        caller_(std::move(caller)),
        request_id_(std::move(request_id)),
        waiter_id_(waiter_id) {}
  void Cancel() override {
    ledger_.DropWaiter(caller_, request_id_, waiter_id_,
                       Cancelled().value.status());
  }

 private:
  RequestIdLedger& ledger_;
  const std::string caller_;
  const std::string request_id_;
  const std::uint64_t waiter_id_;
};

// The trace id of a W3C traceparent ("00-<32 hex>-<16 hex>-<2 hex>").
std::string TraceIdOf(absl::string_view traceparent) {
  return traceparent.size() >= 35 ? std::string(traceparent.substr(3, 32))
                                  : std::string();
}

}  // namespace

DeduplicatingUploadTokenStub::DeduplicatingUploadTokenStub(
    apivideo::UploadTokenStub& upstream, RequestIdLedger& ledger,
    AuditTrail* audit, std::function<absl::Time()> now)
    : upstream_(upstream),
      ledger_(ledger),
      audit_(audit),
      now_(std::move(now)) {}

std::shared_ptr<Cancellable> DeduplicatingUploadTokenStub::Create(
    std::int32_t ttl_seconds, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  if (options.request_id.empty()) {
    return upstream_.Create(ttl_seconds, options, std::move(done));
  }
  auto answer = std::make_shared<OnceAnswer>(std::move(done));
  RequestIdLedger::Claim claim =
      ledger_.Begin(options.caller, options.request_id, ttl_seconds, now_(),
                    [answer](absl::StatusOr<UploadToken> outcome) {
                      apivideo::UpstreamCallInfo shared;
                      shared.source = AnswerSource::kCoalesced;
                      answer->Answer({std::move(outcome), shared});
                    });
  switch (claim.verdict) {
    case RequestIdLedger::Claim::Verdict::kAnswered: {
      // Known already: nothing goes upstream.
      apivideo::UpstreamCallInfo remembered;
      remembered.source = AnswerSource::kHit;
      answer->Answer({std::move(claim.answer), remembered});
      return AnsweredHandle();
    }
    case RequestIdLedger::Claim::Verdict::kWaiting:
      return std::make_shared<WaiterHandle>(
          ledger_, options.caller, options.request_id, claim.waiter_id);
    case RequestIdLedger::Claim::Verdict::kFirst:
      break;
  }
  // The handle of the upstream create is dropped: cancelling this call must
  // not stop it (see the header).
  upstream_.Create(
      ttl_seconds, options,
      [this, options, ttl_seconds, answer](ApiResult<UploadToken> result) {
        if (result.value.ok()) {
          ledger_.SettleCreated(options.caller, options.request_id,
                                *result.value);
        } else if (result.upstream.unanswered_send) {
          ledger_.SettleUnknown(options.caller, options.request_id);
        } else {
          ledger_.SettleFailed(options.caller, options.request_id,
                               result.value.status());
        }
        // Copied: the result is moved to the caller, and the audit needs it
        // only when the caller has gone.
        const ApiResult<UploadToken> kept = result;
        if (!answer->Answer(std::move(result))) {
          AuditAfterCallerLeft(options, ttl_seconds, kept);
        }
      });
  return std::make_shared<DetachedHandle>(answer);
}

void DeduplicatingUploadTokenStub::AuditAfterCallerLeft(
    const CallOptions& options, std::int32_t ttl_seconds,
    const ApiResult<UploadToken>& result) const {
  if (audit_ == nullptr) return;
  AuditEvent event;
  *event.mutable_time() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
          absl::ToUnixNanos(now_()));
  event.set_rpc("CreateUploadToken");
  event.set_caller(options.caller);
  event.set_request_id(options.request_id);
  event.set_trace_id(TraceIdOf(options.traceparent));
  event.set_after_caller_left(true);
  event.set_outcome(absl::StatusCodeToString(result.value.status().code()));
  if (result.value.ok()) {
    const UploadToken& token = *result.value;
    event.set_token(token.token());
    event.set_ttl(token.ttl());
    if (token.has_created_at())
      *event.mutable_created_at() = token.created_at();
    if (token.has_expires_at())
      *event.mutable_expires_at() = token.expires_at();
  } else {
    event.set_ttl(ttl_seconds);
    if (const auto info =
            GetDetail<google::rpc::ErrorInfo>(result.value.status());
        info.has_value()) {
      event.set_reason(info->reason());
    }
  }
  audit_->Record(event);
}

}  // namespace gateway::governance
