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
#include "gateway/apivideo/routes.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/apivideo/upstream_call.h"
#include "google/protobuf/empty.pb.h"

namespace gateway::apivideo {

class UploadTokenApi final : public UploadTokenStub {
 public:
  // What `services` points to must outlive this object and every call.
  UploadTokenApi(UpstreamServices services, const BaseUrl& base_url);

  // POST /upload-tokens.
  std::shared_ptr<Cancellable> Create(std::int32_t ttl_seconds,
                                      const CallOptions& options,
                                      ApiCallback<UploadToken> done) override;
  // GET /upload-tokens?sortBy=&sortOrder=&currentPage=&pageSize=
  std::shared_ptr<Cancellable> List(const ListQuery& query,
                                    const CallOptions& options,
                                    ApiCallback<TokenPage> done) override;
  // GET /upload-tokens/{token}
  std::shared_ptr<Cancellable> Get(absl::string_view token,
                                   const CallOptions& options,
                                   ApiCallback<UploadToken> done) override;
  // DELETE /upload-tokens/{token}
  std::shared_ptr<Cancellable> Delete(
      absl::string_view token, const CallOptions& options,
      ApiCallback<google::protobuf::Empty> done) override;

 private:
  // Runs `spec`; maps a 2xx answer with `parse`.
  template <typename T, typename Parse>
  std::shared_ptr<Cancellable> Run(RequestSpec spec, Parse parse,
                                   ApiCallback<T> done);

  const UpstreamServices services_;
  const std::string base_url_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_UPLOAD_TOKEN_API_H_
