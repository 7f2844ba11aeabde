#include "gateway/apivideo/upload_token_api.h"

#include <utility>

#include "gateway/apivideo/errors.h"
#include "gateway/apivideo/json_mapping.h"

namespace gateway::apivideo {
namespace {

using ::apivideo::uploadtokens::v1::UploadToken;

constexpr absl::string_view kCreateRoute = "POST /upload-tokens";
constexpr absl::string_view kListRoute = "GET /upload-tokens";
constexpr absl::string_view kGetRoute = "GET /upload-tokens/{token}";
constexpr absl::string_view kDeleteRoute = "DELETE /upload-tokens/{token}";

http::HttpRequest MakeRequest(http::Method method, std::string url,
                              const CallOptions& options) {
  http::HttpRequest request;
  request.method = method;
  request.url = std::move(url);
  request.timeout = options.timeout;
  request.headers.emplace_back("Accept", "application/json");
  return request;
}

bool IsSuccess(int http_status) {
  return http_status >= 200 && http_status <= 299;
}

}  // namespace

void UpstreamCall::Cancel() {
  std::optional<http::TransferId> transfer;
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    transfer = transfer_;
  }
  if (transfer.has_value()) client_.Cancel(*transfer);
}

void UpstreamCall::StartTransfer(http::HttpRequest request,
                                 http::ResponseCallback done) {
  {
    absl::MutexLock lock(&mu_);
    if (!cancelled_) {
      // Start never runs `done` inline, so holding the lock here is safe.
      transfer_ = client_.Start(std::move(request), std::move(done));
      return;
    }
  }
  std::move(done)(absl::CancelledError("cancelled before it was sent"));
}

UploadTokenApi::UploadTokenApi(http::HttpClient& client,
                               Authenticator& authenticator,
                               const BaseUrl& base_url)
    : client_(client),
      authenticator_(authenticator),
      base_url_(base_url.ToString()) {}

template <typename T, typename Parse>
std::shared_ptr<UpstreamCall> UploadTokenApi::Send(http::HttpRequest request,
                                                   UpstreamOperation operation,
                                                   Parse parse,
                                                   ApiCallback<T> done) {
  auto call = std::make_shared<UpstreamCall>(client_);
  // `operation.token` points into the caller's request; keep our own copy.
  std::string token(operation.token);
  authenticator_.Authorize(
      [call, request = std::move(request), route = operation.route,
       token = std::move(token), parse = std::move(parse),
       done =
           std::move(done)](absl::StatusOr<std::string> authorization) mutable {
        if (!authorization.ok()) {
          std::move(done)(ApiResult<T>{authorization.status(), {}});
          return;
        }
        request.headers.emplace_back("Authorization",
                                     *std::move(authorization));
        call->StartTransfer(
            std::move(request),
            [route, token = std::move(token), parse = std::move(parse),
             done = std::move(done)](
                absl::StatusOr<http::HttpResponse> response) mutable {
              const UpstreamOperation operation{route, token};
              ApiResult<T> result{absl::UnknownError(""), {}};
              result.upstream.attempts = 1;
              if (!response.ok()) {
                result.value =
                    StatusFromTransportError(response.status(), operation);
              } else {
                result.upstream.http_status = response->status;
                result.upstream.rate_limit = ReadRateLimit(*response);
                result.value =
                    IsSuccess(response->status)
                        ? parse(*response)
                        : StatusFromErrorResponse(*response, operation);
              }
              std::move(done)(std::move(result));
            });
      });
  return call;
}

std::shared_ptr<UpstreamCall> UploadTokenApi::Create(
    std::int32_t ttl_seconds, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  http::HttpRequest request =
      MakeRequest(http::Method::kPost, TokenCollectionUrl(base_url_), options);
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = CreateTokenRequestBody(ttl_seconds);
  return Send<UploadToken>(
      std::move(request), {kCreateRoute, ""},
      [](const http::HttpResponse& r) { return ParseUploadToken(r.body); },
      std::move(done));
}

std::shared_ptr<UpstreamCall> UploadTokenApi::List(
    const ListQuery& query, const CallOptions& options,
    ApiCallback<json::TokenListResponse> done) {
  return Send<json::TokenListResponse>(
      MakeRequest(http::Method::kGet, ListTokensUrl(base_url_, query), options),
      {kListRoute, ""},
      [](const http::HttpResponse& r) { return ParseTokenList(r.body); },
      std::move(done));
}

std::shared_ptr<UpstreamCall> UploadTokenApi::Get(
    absl::string_view token, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  return Send<UploadToken>(
      MakeRequest(http::Method::kGet, TokenUrl(base_url_, token), options),
      {kGetRoute, token},
      [](const http::HttpResponse& r) { return ParseUploadToken(r.body); },
      std::move(done));
}

std::shared_ptr<UpstreamCall> UploadTokenApi::Delete(
    absl::string_view token, const CallOptions& options,
    ApiCallback<google::protobuf::Empty> done) {
  return Send<google::protobuf::Empty>(
      MakeRequest(http::Method::kDelete, TokenUrl(base_url_, token), options),
      {kDeleteRoute, token},
      [](const http::HttpResponse&) {
        return absl::StatusOr<google::protobuf::Empty>(
            google::protobuf::Empty());
      },
      std::move(done));
}

}  // namespace gateway::apivideo
