#include "gateway/governance/governing_upload_token_stub.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/common/status_details.h"
#include "gateway/governance/caller_rules.h"
#include "google/rpc/error_details.pb.h"

namespace gateway::governance {
namespace {

using apivideo::ApiCallback;
using apivideo::ApiResult;
using apivideo::CallOptions;
using apivideo::TokenPage;
using apivideo::UploadToken;

absl::Time ToTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

// A call refused before it went upstream.
template <typename T>
std::shared_ptr<Cancellable> Refuse(absl::Status status, ApiCallback<T>& done) {
  std::move(done)(ApiResult<T>{std::move(status), {}});
  return AnsweredHandle();
}

absl::Status LiveTokensExceeded(absl::string_view caller, int max_live,
                                absl::Time next_expiry, absl::Time now) {
  absl::Status status = MakeError(
      absl::StatusCode::kResourceExhausted,
      absl::StrCat("caller \"", caller, "\" holds its maximum of ", max_live,
                   " live upload tokens (max_live_tokens); delete one or "
                   "wait until one expires"),
      "CALLER_LIVE_TOKENS_EXCEEDED");
  google::rpc::QuotaFailure failure;
  google::rpc::QuotaFailure::Violation* violation = failure.add_violations();
  violation->set_subject(absl::StrCat("caller:", caller));
  violation->set_description(
      absl::StrCat("at most ", max_live, " live upload tokens"));
  AddDetail(status, failure);
  if (next_expiry != absl::InfiniteFuture()) {
    AddRetryInfo(status, next_expiry - now);
  }
  return status;
}

}  // namespace

// The handle of a create that waits for the shared rate before it goes
// upstream: a cancel that comes first stops it from going.
class GoverningUploadTokenStub::DeferredHandle final : public Cancellable {
 public:
  void Cancel() override {
    std::shared_ptr<Cancellable> started;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      started = started_;
    }
    if (started != nullptr) started->Cancel();
  }
  // The create went upstream as `started`.
  void Started(const std::shared_ptr<Cancellable>& started) {
    bool cancelled = false;
    {
      absl::MutexLock lock(&mu_);
      started_ = started;
      cancelled = cancelled_;
    }
    if (cancelled) started->Cancel();
  }
  bool cancelled() const {
    absl::MutexLock lock(&mu_);
    return cancelled_;
  }

 private:
  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<Cancellable> started_ ABSL_GUARDED_BY(mu_);
};

GoverningUploadTokenStub::GoverningUploadTokenStub(
    apivideo::UploadTokenStub& upstream, const CallerRulesStore& rules,
    OwnershipIndex& ownership, CreateRateLimiter& create_rate,
    SharedCreateRate* shared_rate, std::function<absl::Time()> now)
    : upstream_(upstream),
      rules_(rules),
      ownership_(ownership),
      create_rate_(create_rate),
      shared_rate_(shared_rate),
      now_(std::move(now)) {}

std::string GoverningUploadTokenStub::CreatorOf(absl::string_view token) const {
  std::optional<Ownership> ownership = ownership_.Find(token, now_());
  return ownership.has_value() ? std::move(ownership->creator) : "";
}

std::shared_ptr<Cancellable> GoverningUploadTokenStub::Create(
    std::int32_t ttl_seconds, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  const std::shared_ptr<const CallerRules> rules = rules_.Get();
  const CallerLimits limits = rules->For(options.caller);
  if (shared_rate_ == nullptr || limits.creates_per_minute <= 0) {
    if (absl::Status rate = create_rate_.TryCreate(
            options.caller, limits.creates_per_minute, now_());
        !rate.ok()) {
      return Refuse(std::move(rate), done);
    }
    return CreateWithinRate(ttl_seconds, options, limits.max_live_tokens,
                            RateTaken::kHere, std::move(done));
  }
  // The replicas' shared bucket first; this replica's own when Redis does
  // not answer.
  auto handle = std::make_shared<DeferredHandle>();
  shared_rate_->TryCreate(
      options.caller, limits.creates_per_minute,
      [this, ttl_seconds, options, limits, handle,
       done = std::move(done)](absl::Status rate) mutable {
        RateTaken taken = RateTaken::kShared;
        if (!rate.ok() && !absl::IsResourceExhausted(rate)) {
          taken = RateTaken::kHere;
          rate = create_rate_.TryCreate(options.caller,
                                        limits.creates_per_minute, now_());
        }
        if (!rate.ok()) {
          Refuse(std::move(rate), done);
          return;
        }
        if (handle->cancelled()) {
          GiveBack(options.caller, taken);
          Refuse(absl::CancelledError("the call was cancelled"), done);
          return;
        }
        handle->Started(CreateWithinRate(ttl_seconds, options,
                                         limits.max_live_tokens, taken,
                                         std::move(done)));
      });
  return handle;
}

void GoverningUploadTokenStub::GiveBack(const std::string& caller,
                                        RateTaken taken) {
  if (taken == RateTaken::kShared) {
    shared_rate_->Refund(caller);
  } else {
    create_rate_.Refund(caller, now_());
  }
}

std::shared_ptr<Cancellable> GoverningUploadTokenStub::CreateWithinRate(
    std::int32_t ttl_seconds, const CallOptions& options, int max_live_tokens,
    RateTaken taken, ApiCallback<UploadToken> done) {
  const absl::Time now = now_();
  if (!ownership_.TryReserveCreate(options.caller, max_live_tokens, now)) {
    GiveBack(options.caller, taken);
    return Refuse(
        LiveTokensExceeded(options.caller, max_live_tokens,
                           ownership_.NextExpiryOf(options.caller, now), now),
        done);
  }
  return upstream_.Create(
      ttl_seconds, options,
      [this, caller = options.caller,
       done = std::move(done)](ApiResult<UploadToken> result) mutable {
        if (result.value.ok()) {
          UploadToken& token = *result.value;
          Ownership ownership;
          ownership.creator = caller;
          ownership.ttl_seconds = token.ttl();
          ownership.created_at =
              token.has_created_at() ? ToTime(token.created_at()) : now_();
          if (token.has_expires_at()) {
            ownership.expires_at = ToTime(token.expires_at());
          }
          ownership_.Record(token.token(), std::move(ownership), now_());
          token.set_creator(caller);
        }
        ownership_.EndCreate(caller);
        std::move(done)(std::move(result));
      });
}

std::shared_ptr<Cancellable> GoverningUploadTokenStub::List(
    const apivideo::ListQuery& query, const CallOptions& options,
    ApiCallback<TokenPage> done) {
  return upstream_.List(
      query, options,
      [this, done = std::move(done)](ApiResult<TokenPage> result) mutable {
        if (result.value.ok()) {
          for (UploadToken& token : result.value->tokens) {
            token.set_creator(CreatorOf(token.token()));
          }
        }
        std::move(done)(std::move(result));
      });
}

absl::StatusOr<std::string> GoverningUploadTokenStub::AccessCreator(
    absl::string_view token, absl::string_view caller,
    TokenAccess access) const {
  const std::shared_ptr<const CallerRules> rules = rules_.Get();
  const std::optional<Ownership> ownership = ownership_.Find(token, now_());
  std::optional<absl::string_view> creator;
  if (ownership.has_value()) creator = ownership->creator;
  if (absl::Status allowed =
          CheckTokenAccess(rules->For(caller), caller, access, token, creator);
      !allowed.ok()) {
    return allowed;
  }
  return ownership.has_value() ? ownership->creator : std::string();
}

std::shared_ptr<Cancellable> GoverningUploadTokenStub::Get(
    absl::string_view token, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  absl::StatusOr<std::string> creator =
      AccessCreator(token, options.caller, TokenAccess::kRead);
  if (!creator.ok()) return Refuse(creator.status(), done);
  return upstream_.Get(
      token, options,
      [this, token = std::string(token), creator = *std::move(creator),
       done = std::move(done)](ApiResult<UploadToken> result) mutable {
        if (result.value.ok()) {
          result.value->set_creator(creator);
        } else if (absl::IsNotFound(result.value.status())) {
          ownership_.Forget(token);
        }
        std::move(done)(std::move(result));
      });
}

std::shared_ptr<Cancellable> GoverningUploadTokenStub::Delete(
    absl::string_view token, const CallOptions& options,
    ApiCallback<google::protobuf::Empty> done) {
  if (absl::StatusOr<std::string> creator =
          AccessCreator(token, options.caller, TokenAccess::kDelete);
      !creator.ok()) {
    return Refuse(creator.status(), done);
  }
  return upstream_.Delete(
      token, options,
      [this, token = std::string(token), done = std::move(done)](
          ApiResult<google::protobuf::Empty> result) mutable {
        if (result.value.ok() || absl::IsNotFound(result.value.status())) {
          ownership_.Forget(token);
        }
        std::move(done)(std::move(result));
      });
}

}  // namespace gateway::governance
