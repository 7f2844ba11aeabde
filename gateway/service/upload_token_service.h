// The gRPC edge of the gateway: UploadTokenService on the callback API.
//
// Each handler admits the call (in-flight limit, caller policy), validates
// its request (INVALID_ARGUMENT before any upstream call), starts the
// matching upstream operation on an apivideo::UploadTokenStub and returns
// at once; the RPC is finished from the upstream callback. No gRPC thread
// ever waits for I/O. absl::Status becomes grpc::Status here and nowhere
// else.

#ifndef GATEWAY_SERVICE_UPLOAD_TOKEN_SERVICE_H_
#define GATEWAY_SERVICE_UPLOAD_TOKEN_SERVICE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/governance/audit_trail.h"
#include "gateway/governance/caller_rules_store.h"
#include "gateway/governance/ownership_index.h"
#include "gateway/observability/access_log.h"
#include "gateway/observability/gateway_metrics.h"
#include "gateway/policy/in_flight_limit.h"
#include "gateway/security/caller_policy_store.h"
#include "gateway/security/secret_scrubber.h"
#include "gateway/service/call_reactor.h"
#include "gateway/service/page_token.h"

namespace gateway::service {

struct UploadTokenServiceOptions {
  // The longest an upstream exchange may take, whatever the caller's
  // deadline; also the limit for calls without a deadline.
  absl::Duration upstream_timeout = absl::Seconds(30);
  // Calls in flight at once; beyond it, calls fail at once with
  // RESOURCE_EXHAUSTED instead of queueing.
  int max_calls_in_flight = 15000;
};

// What the edge needs of governance (gateway/governance/): each caller's
// rules, checked on every request before anything goes upstream; the
// ownership index, which answers filtered listings; the audit trail, which
// hears of every Create and Delete, refused or not. The stateful rules
// (rates, live tokens, others' tokens) are applied behind the stub, by
// governance::GoverningUploadTokenStub.
struct ServiceGovernance {
  const governance::CallerRulesStore* rules = nullptr;
  const governance::OwnershipIndex* ownership = nullptr;
  // May be null: no audit trail.
  governance::AuditTrail* audit = nullptr;
};

class UploadTokenService final
    : public ::apivideo::uploadtokens::v1::UploadTokenService::CallbackService {
 public:
  // Every reference must outlive the service; `metrics` may be null;
  // `governance`'s rules and ownership must not be.
  UploadTokenService(apivideo::UploadTokenStub& upstream,
                     const PageTokenCodec& page_tokens,
                     const security::CallerPolicyStore& callers,
                     const ServiceGovernance& governance,
                     const security::SecretScrubber& scrubber,
                     const observability::AccessLog& access_log,
                     observability::GatewayMetrics* metrics,
                     const UploadTokenServiceOptions& options);

  grpc::ServerUnaryReactor* CreateUploadToken(
      grpc::CallbackServerContext* context,
      const ::apivideo::uploadtokens::v1::CreateUploadTokenRequest* request,
      ::apivideo::uploadtokens::v1::UploadToken* response) override;

  grpc::ServerUnaryReactor* ListUploadTokens(
      grpc::CallbackServerContext* context,
      const ::apivideo::uploadtokens::v1::ListUploadTokensRequest* request,
      ::apivideo::uploadtokens::v1::ListUploadTokensResponse* response)
      override;

  grpc::ServerUnaryReactor* GetUploadToken(
      grpc::CallbackServerContext* context,
      const ::apivideo::uploadtokens::v1::GetUploadTokenRequest* request,
      ::apivideo::uploadtokens::v1::UploadToken* response) override;

  grpc::ServerUnaryReactor* DeleteUploadToken(
      grpc::CallbackServerContext* context,
      const ::apivideo::uploadtokens::v1::DeleteUploadTokenRequest* request,
      google::protobuf::Empty* response) override;

  // Answered from the ownership index (the only filter is by creator); each
  // token is deleted through the same stub as DeleteUploadToken
  // (governance/token_purge.h).
  grpc::ServerUnaryReactor* PurgeUploadTokens(
      grpc::CallbackServerContext* context,
      const ::apivideo::uploadtokens::v1::PurgeUploadTokensRequest* request,
      ::apivideo::uploadtokens::v1::PurgeUploadTokensResponse* response)
      override;

  // Calls holding a place in the in-flight limit now.
  int calls_in_flight() const { return in_flight_.in_flight(); }

 private:
  // The shared shape of every handler: reject a call that may not proceed
  // or whose request is bad (`validate(caller, rules)`, which sees the
  // caller's rules), else start the upstream operation with
  // `start(options, callback)` and, when it succeeds, let `on_success(value)`
  // fill in the response. A call with an `audit` draft is recorded in the
  // audit trail when it ends, whatever its outcome; `created`, if not null,
  // is the token the call's success created.
  template <typename Value, typename Validate, typename Start,
            typename OnSuccess>
  grpc::ServerUnaryReactor* Serve(
      grpc::CallbackServerContext* context, absl::string_view method,
      Validate validate, Start start, OnSuccess on_success,
      std::optional<governance::AuditEvent> audit = std::nullopt,
      const apivideo::UploadToken* created = nullptr);

  // An UploadTokenStub operation on one token: Get or Delete.
  template <typename Value>
  using TokenOperation = std::shared_ptr<Cancellable> (
      apivideo::UploadTokenStub::*)(absl::string_view token,
                                    const apivideo::CallOptions& options,
                                    apivideo::ApiCallback<Value> done);

  // Serve for the calls on one token: validates `token`, runs `operation`
  // on it and moves its result into `response`.
  template <typename Value>
  grpc::ServerUnaryReactor* ServeOnToken(grpc::CallbackServerContext* context,
                                         absl::string_view method,
                                         const std::string& token,
                                         TokenOperation<Value> operation,
                                         Value* response, bool writes);

  // The caller's name, or why it may not call.
  absl::StatusOr<std::string> AuthorizeCaller(
      grpc::CallbackServerContext& context) const;

  apivideo::UploadTokenStub& upstream_;
  const PageTokenCodec& page_tokens_;
  const security::CallerPolicyStore& callers_;
  const ServiceGovernance governance_;
  observability::GatewayMetrics* const metrics_;
  const UploadTokenServiceOptions options_;
  const ReactorEnvironment reactor_environment_;
  // Every CallReactor holds a place until gRPC is done with it.
  policy::InFlightLimit in_flight_;
};

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_UPLOAD_TOKEN_SERVICE_H_
