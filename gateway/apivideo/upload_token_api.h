// api.video's upload-token operations as asynchronous calls.
//
// Each operation builds its REST request, authorizes it, sends it through an
// http::HttpClient and hands back either the mapped proto or an absl::Status
// carrying google.rpc details (errors.h). Knows nothing of gRPC.
//
// Example:
//   UploadTokenApi api(curl_loop, authenticator, base_url);
//   auto call = api.Get("to1tcmSFHeYY5KzyhOqVKMKb", {absl::Seconds(5)},
//                       [](ApiResult<UploadToken> result) { ... });
//   call->Cancel();  // optional: aborts the transfer, result is CANCELLED

#ifndef GATEWAY_APIVIDEO_UPLOAD_TOKEN_API_H_
#define GATEWAY_APIVIDEO_UPLOAD_TOKEN_API_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.pb.h"
#include "gateway/apivideo/apivideo_json.pb.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/errors.h"
#include "gateway/apivideo/rate_limit.h"
#include "gateway/apivideo/routes.h"
#include "gateway/http/http_client.h"
#include "google/protobuf/empty.pb.h"

namespace gateway::apivideo {

// What happened upstream during one call, for response metadata and logs.
struct UpstreamCallInfo {
  // The last HTTP status received; 0 when no response arrived.
  int http_status = 0;
  // The rate-limit headers of the last response, if any.
  RateLimit rate_limit;
  // HTTP requests sent (or attempted) for this call.
  int attempts = 0;
};

template <typename T>
struct ApiResult {
  absl::StatusOr<T> value;
  UpstreamCallInfo upstream;
};

template <typename T>
using ApiCallback = absl::AnyInvocable<void(ApiResult<T>) &&>;

struct CallOptions {
  // Bounds the whole upstream exchange.
  absl::Duration timeout = absl::Seconds(30);
};

// One call in progress, for cancelling it. Cancel() is thread-safe and may
// race with completion; the call's callback still runs exactly once.
class UpstreamCall {
 public:
  explicit UpstreamCall(http::HttpClient& client) : client_(client) {}

  // Aborts the call: its callback runs with CANCELLED unless it already ran.
  void Cancel();

  // Starts `request`, or, if the call was cancelled, runs `done` with
  // kCancelled at once.
  void StartTransfer(http::HttpRequest request, http::ResponseCallback done);

 private:
  http::HttpClient& client_;
  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<http::TransferId> transfer_ ABSL_GUARDED_BY(mu_);
};

class UploadTokenApi {
 public:
  using UploadToken = ::apivideo::uploadtokens::v1::UploadToken;

  // `client` and `authenticator` must outlive this object and every call.
  UploadTokenApi(http::HttpClient& client, Authenticator& authenticator,
                 const BaseUrl& base_url);

  // Each operation starts at once and returns a handle for cancelling it.
  // `done` runs exactly once, on any thread, possibly before the operation
  // returns; it must not block.

  // POST /upload-tokens
  std::shared_ptr<UpstreamCall> Create(std::int32_t ttl_seconds,
                                       const CallOptions& options,
                                       ApiCallback<UploadToken> done);
  // GET /upload-tokens?...
  std::shared_ptr<UpstreamCall> List(const ListQuery& query,
                                     const CallOptions& options,
                                     ApiCallback<json::TokenListResponse> done);
  // GET /upload-tokens/{token}; `token` must already be validated.
  std::shared_ptr<UpstreamCall> Get(absl::string_view token,
                                    const CallOptions& options,
                                    ApiCallback<UploadToken> done);
  // DELETE /upload-tokens/{token}; `token` must already be validated.
  std::shared_ptr<UpstreamCall> Delete(
      absl::string_view token, const CallOptions& options,
      ApiCallback<google::protobuf::Empty> done);

 private:
  // Sends `request` for `call`; maps a 2xx body with `parse`, anything else
  // with errors.h.
  template <typename T, typename Parse>
  std::shared_ptr<UpstreamCall> Send(http::HttpRequest request,
                                     UpstreamOperation operation, Parse parse,
                                     ApiCallback<T> done);

  http::HttpClient& client_;
  Authenticator& authenticator_;
  const std::string base_url_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_UPLOAD_TOKEN_API_H_
