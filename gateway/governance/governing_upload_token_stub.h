// An UploadTokenStub that applies each caller's rules on the tokens
// themselves and keeps the ownership index: who created which token.
//
// The gRPC edge has already checked what a request alone decides (the ttl a
// caller may ask for, read_only; see caller_rules.h). This decorator, in
// front of the caching stub, decides what depends on state:
//   - Create: the caller's creates_per_minute (CreateRateLimiter, or with
//     Redis the replicas' SharedCreateRate) and
//     max_live_tokens (OwnershipIndex), refused with RESOURCE_EXHAUSTED
//     before anything goes upstream; a token created is recorded under its
//     caller and comes back with `creator` set.
//   - Get and Delete: a token the caller did not create is read or deleted
//     only as far as the caller's `others` allows (PERMISSION_DENIED, before
//     anything goes upstream); a token api.video no longer knows (NOT_FOUND)
//     or one deleted leaves the index.
//   - List: every token comes back with its creator, when known.
// Thread-safe; callbacks run where the inner stub runs them, or at once on
// the calling thread for a refusal.

#ifndef GATEWAY_GOVERNANCE_GOVERNING_UPLOAD_TOKEN_STUB_H_
#define GATEWAY_GOVERNANCE_GOVERNING_UPLOAD_TOKEN_STUB_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/governance/caller_rules.h"
#include "gateway/governance/caller_rules_store.h"
#include "gateway/governance/create_rate_limiter.h"
#include "gateway/governance/ownership_index.h"
#include "gateway/governance/shared_create_rate.h"

namespace gateway::governance {

class GoverningUploadTokenStub final : public apivideo::UploadTokenStub {
 public:
  // Every reference must outlive this object and every call started through
  // it. `now` is the clock of rates and expiries; tests pass a fake one.
  // `shared_rate` may be null (no Redis): then creates_per_minute is
  // counted in `create_rate` alone.
  GoverningUploadTokenStub(
      apivideo::UploadTokenStub& upstream, const CallerRulesStore& rules,
      OwnershipIndex& ownership, CreateRateLimiter& create_rate,
      SharedCreateRate* shared_rate = nullptr,
      std::function<absl::Time()> now = [] { return absl::Now(); });

  std::shared_ptr<Cancellable> Create(
      std::int32_t ttl_seconds, const apivideo::CallOptions& options,
      apivideo::ApiCallback<apivideo::UploadToken> done) override;
  std::shared_ptr<Cancellable> List(
      const apivideo::ListQuery& query, const apivideo::CallOptions& options,
      apivideo::ApiCallback<apivideo::TokenPage> done) override;
  std::shared_ptr<Cancellable> Get(
      absl::string_view token, const apivideo::CallOptions& options,
      apivideo::ApiCallback<apivideo::UploadToken> done) override;
  std::shared_ptr<Cancellable> Delete(
      absl::string_view token, const apivideo::CallOptions& options,
      apivideo::ApiCallback<google::protobuf::Empty> done) override;

 private:
  class DeferredHandle;
  // Which bucket a create's rate was taken from, to give it back to.
  enum class RateTaken { kHere, kShared };

  // A create whose rate is taken: the live-token limit, then upstream.
  std::shared_ptr<Cancellable> CreateWithinRate(
      std::int32_t ttl_seconds, const apivideo::CallOptions& options,
      int max_live_tokens, RateTaken taken,
      apivideo::ApiCallback<apivideo::UploadToken> done);
  void GiveBack(const std::string& caller, RateTaken taken);

  // The creator of `token` if the index knows it, else "".
  std::string CreatorOf(absl::string_view token) const;
  // CreatorOf, when `caller` may `access` the token under its rules;
  // PERMISSION_DENIED otherwise.
  absl::StatusOr<std::string> AccessCreator(absl::string_view token,
                                            absl::string_view caller,
                                            TokenAccess access) const;

  apivideo::UploadTokenStub& upstream_;
  const CallerRulesStore& rules_;
  OwnershipIndex& ownership_;
  CreateRateLimiter& create_rate_;
  SharedCreateRate* const shared_rate_;
  const std::function<absl::Time()> now_;
};

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_GOVERNING_UPLOAD_TOKEN_STUB_H_
