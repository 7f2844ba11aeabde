// The gRPC edge of the gateway: UploadTokenService on the callback API.
//
// Each handler admits the call (in-flight limit, caller policy), validates
// its request (INVALID_ARGUMENT before any upstream call), starts the
// matching api.video call and returns at once; the RPC is finished from the
// upstream callback. No gRPC thread ever waits for I/O.

#ifndef GATEWAY_SERVICE_UPLOAD_TOKEN_SERVICE_H_
#define GATEWAY_SERVICE_UPLOAD_TOKEN_SERVICE_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/apivideo/upload_token_api.h"
#include "gateway/observability/access_log.h"
#include "gateway/observability/gateway_metrics.h"
#include "gateway/policy/in_flight_limit.h"
#include "gateway/security/caller_policy.h"
#include "gateway/security/secret_scrubber.h"
#include "gateway/service/page_token.h"

namespace gateway::service {

class CallReactor;

struct UploadTokenServiceOptions {
  // The longest an upstream exchange may take, whatever the caller's
  // deadline; also the limit for calls without a deadline.
  absl::Duration upstream_timeout = absl::Seconds(30);
  // Calls in flight at once; beyond it, calls fail at once with
  // RESOURCE_EXHAUSTED instead of queueing.
  int max_calls_in_flight = 15000;
  // Where RPCs are counted; may be null. Must outlive the service.
  observability::GatewayMetrics* metrics = nullptr;
};

class UploadTokenService final
    : public ::apivideo::uploadtokens::v1::UploadTokenService::CallbackService {
 public:
  // Every argument must outlive the service.
  UploadTokenService(apivideo::UploadTokenApi& api,
                     const PageTokenCodec& page_tokens,
                     const observability::AccessLog& access_log,
                     const security::SecretScrubber& scrubber,
                     const security::CallerPolicy& callers,
                     UploadTokenServiceOptions options);

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

  // Calls holding a place in the in-flight limit now.
  int calls_in_flight() const { return in_flight_.in_flight(); }

 private:
  // The shared shape of every handler: reject a bad request at once, else
  // start the upstream call with `start(options, callback)` and, when it
  // succeeds, let `on_success(value)` fill in the response.
  template <typename Value, typename Start, typename OnSuccess>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                  absl::string_view method,
                                  const absl::Status& validation, Start start,
                                  OnSuccess on_success);

  // The caller's name, or why it may not call.
  absl::StatusOr<std::string> AuthorizeCaller(
      grpc::CallbackServerContext& context) const;

  apivideo::UploadTokenApi& api_;
  const PageTokenCodec& page_tokens_;
  const observability::AccessLog& access_log_;
  const security::SecretScrubber& scrubber_;
  const security::CallerPolicy& callers_;
  const UploadTokenServiceOptions options_;
  // Every CallReactor holds a place until gRPC is done with it.
  policy::InFlightLimit in_flight_;
};

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_UPLOAD_TOKEN_SERVICE_H_
