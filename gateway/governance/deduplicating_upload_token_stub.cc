#include "gateway/governance/deduplicating_upload_token_stub.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
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

ApiResult<UploadToken> Cancelled() {
  return {absl::CancelledError("the call was cancelled; a create with a "
                               "request_id goes on, retry it to get its token"),
          {}};
}

ApiResult<UploadToken> Answered(absl::StatusOr<UploadToken> value,
                                AnswerSource source) {
  apivideo::UpstreamCallInfo info;
  info.source = source;
  return {std::move(value), info};
}

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

}  // namespace

// The caller's completion, called at most once: by the create's outcome, a
// duplicate's wait, or the caller's cancellation, whichever comes first.
class DeduplicatingUploadTokenStub::OnceAnswer {
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
  bool answered() const {
    absl::MutexLock lock(&mu_);
    return !done_;
  }

 private:
  mutable absl::Mutex mu_;
  ApiCallback<UploadToken> done_ ABSL_GUARDED_BY(mu_);
};

namespace {

// Cancelling answers the caller at once but leaves the create running.
template <typename Answer>
class DetachedHandle final : public Cancellable {
 public:
  explicit DetachedHandle(std::shared_ptr<Answer> answer)
      : answer_(std::move(answer)) {}
  void Cancel() override { answer_->Answer(Cancelled()); }

 private:
  const std::shared_ptr<Answer> answer_;
};

}  // namespace

DeduplicatingUploadTokenStub::DeduplicatingUploadTokenStub(
    apivideo::UploadTokenStub& upstream, RequestIdLedger& ledger,
    AuditTrail* audit, SharedRequestIds* shared,
    std::function<absl::Time()> now)
    : upstream_(upstream),
      ledger_(ledger),
      audit_(audit),
      shared_(shared),
      now_(std::move(now)) {}

std::shared_ptr<Cancellable> DeduplicatingUploadTokenStub::Create(
    std::int32_t ttl_seconds, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  if (options.request_id.empty()) {
    return upstream_.Create(ttl_seconds, options, std::move(done));
  }
  auto answer = std::make_shared<OnceAnswer>(std::move(done));
  RequestIdLedger::Claim claim = ledger_.Begin(
      options.caller, options.request_id, ttl_seconds, now_(),
      [answer](absl::StatusOr<UploadToken> outcome) {
        answer->Answer(Answered(std::move(outcome), AnswerSource::kCoalesced));
      });
  switch (claim.verdict) {
    case RequestIdLedger::Claim::Verdict::kAnswered:
      // Known already: nothing goes upstream.
      answer->Answer(Answered(std::move(claim.answer), AnswerSource::kHit));
      return AnsweredHandle();
    case RequestIdLedger::Claim::Verdict::kWaiting:
      return std::make_shared<WaiterHandle>(
          ledger_, options.caller, options.request_id, claim.waiter_id);
    case RequestIdLedger::Claim::Verdict::kFirst:
      break;
  }
  if (shared_ == nullptr) {
    CreateFirst(ttl_seconds, options, answer, /*claimed_shared=*/false);
  } else {
    shared_->Claim(
        options.caller, options.request_id, ttl_seconds, options.deadline,
        [answer] { return answer->answered(); },
        [this, ttl_seconds, options,
         answer](const SharedRequestIds::Outcome& outcome) {
          AnswerFromShared(ttl_seconds, options, answer, outcome);
        });
  }
  return std::make_shared<DetachedHandle<OnceAnswer>>(answer);
}

void DeduplicatingUploadTokenStub::AnswerFromShared(
    std::int32_t ttl_seconds, const CallOptions& options,
    const std::shared_ptr<OnceAnswer>& answer,
    const SharedRequestIds::Outcome& outcome) {
  using Kind = SharedRequestIds::Outcome::Kind;
  const std::string& caller = options.caller;
  const std::string& id = options.request_id;
  switch (outcome.kind) {
    case Kind::kFirst:
    case Kind::kUnavailable:
      CreateFirst(ttl_seconds, options, answer,
                  /*claimed_shared=*/outcome.kind == Kind::kFirst);
      return;
    case Kind::kCreated:
      // Another replica created it (its creator already set).
      ledger_.SettleCreated(caller, id, outcome.token);
      answer->Answer(Answered(outcome.token, AnswerSource::kCoalesced));
      return;
    case Kind::kOtherTtl: {
      const absl::Status reused =
          RequestIdReused(id, outcome.first_ttl, ttl_seconds);
      ledger_.SettleFailed(caller, id, reused);
      answer->Answer(Answered(reused, AnswerSource::kHit));
      return;
    }
    case Kind::kUnknown: {
      const absl::Status unknown =
          CreateOutcomeUnknown(id, outcome.attempted_at);
      ledger_.SettleUnknown(caller, id);
      answer->Answer(Answered(unknown, AnswerSource::kHit));
      return;
    }
    case Kind::kStillRunning: {
      const absl::Status running = MakeError(
          absl::StatusCode::kAborted,
          absl::StrCat("the create with request_id ", id,
                       " is still running on another replica; retry it "
                       "later to get its token"),
          "CREATE_IN_PROGRESS");
      ledger_.SettleFailed(caller, id, running);
      answer->Answer(Answered(running, AnswerSource::kHit));
      return;
    }
  }
}

void DeduplicatingUploadTokenStub::CreateFirst(
    std::int32_t ttl_seconds, const CallOptions& options,
    const std::shared_ptr<OnceAnswer>& answer, bool claimed_shared) {
  // The handle of the upstream create is dropped: cancelling this call must
  // not stop it (see the header).
  upstream_.Create(ttl_seconds, options,
                   [this, options, ttl_seconds, answer,
                    claimed_shared](ApiResult<UploadToken> result) {
                     const std::string& caller = options.caller;
                     const std::string& id = options.request_id;
                     if (result.value.ok()) {
                       ledger_.SettleCreated(caller, id, *result.value);
                       if (claimed_shared)
                         shared_->SettleCreated(caller, id, *result.value);
                     } else if (result.upstream.unanswered_send) {
                       ledger_.SettleUnknown(caller, id);
                       if (claimed_shared) shared_->SettleUnknown(caller, id);
                     } else {
                       ledger_.SettleFailed(caller, id, result.value.status());
                       if (claimed_shared) shared_->SettleFailed(caller, id);
                     }
                     // Copied: the result is moved to the caller, and the audit
                     // needs it only when the caller has gone.
                     const ApiResult<UploadToken> kept = result;
                     if (!answer->Answer(std::move(result))) {
                       AuditAfterCallerLeft(options, ttl_seconds, kept);
                     }
                   });
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
  event.set_trace_id(options.trace_id);
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
