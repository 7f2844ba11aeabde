// api.video's upload-token operations as asynchronous calls.
//
// Each operation builds its REST request and runs it as an UpstreamCall
// (upstream_call.h: authorization, retries, rate limits, circuit breaking),
// then maps the answer to the proto or an absl::Status carrying google.rpc
// details (errors.h). Knows nothing of gRPC.
//
// Example:
//   UploadTokenApi api(services, base_url);
//   auto call = api.Get("to1tcmSFHeYY5KzyhOqVKMKb",
//                       {absl::Now() + absl::Seconds(5)},
//                       [](ApiResult<UploadToken> result) { ... });
//   call->Cancel();  // optional: aborts the call, result is CANCELLED

#ifndef GATEWAY_APIVIDEO_UPLOAD_TOKEN_API_H_
#define GATEWAY_APIVIDEO_UPLOAD_TOKEN_API_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.pb.h"
#include "gateway/apivideo/apivideo_json.pb.h"
#include "gateway/apivideo/routes.h"
#include "gateway/apivideo/upstream_call.h"
#include "google/protobuf/empty.pb.h"

namespace gateway::apivideo {

template <typename T>
struct ApiResult {
  absl::StatusOr<T> value;
  UpstreamCallInfo upstream;
};

template <typename T>
using ApiCallback = absl::AnyInvocable<void(ApiResult<T>) &&>;

struct CallOptions {
  // The caller's deadline: bounds every attempt and wait.
  absl::Time deadline = absl::InfiniteFuture();
  // The W3C trace context to send upstream, already validated
  // (observability/trace_context.h); empty: none.
  std::string traceparent;
  std::string tracestate;
};

class UploadTokenApi {
 public:
  using UploadToken = ::apivideo::uploadtokens::v1::UploadToken;

  // What `services` points to must outlive this object and every call.
  UploadTokenApi(UpstreamServices services, const BaseUrl& base_url);

  // Each operation starts at once and returns a handle for cancelling it.
  // `done` runs exactly once, on any thread, possibly before the operation
  // returns; it must not block.

  // POST /upload-tokens. Never resent once it may have reached api.video.
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
  // Runs `spec`; maps a 2xx answer with `parse`.
  template <typename T, typename Parse>
  std::shared_ptr<UpstreamCall> Run(RequestSpec spec, Parse parse,
                                    ApiCallback<T> done);

  const UpstreamServices services_;
  const std::string base_url_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_UPLOAD_TOKEN_API_H_
