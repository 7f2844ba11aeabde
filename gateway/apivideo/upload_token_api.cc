#include "gateway/apivideo/upload_token_api.h"

#include <utility>

#include "gateway/apivideo/json_mapping.h"

namespace gateway::apivideo {
namespace {

constexpr absl::string_view kCreateRoute = "POST /upload-tokens";
constexpr absl::string_view kListRoute = "GET /upload-tokens";
constexpr absl::string_view kGetRoute = "GET /upload-tokens/{token}";
constexpr absl::string_view kDeleteRoute = "DELETE /upload-tokens/{token}";

RequestSpec MakeSpec(policy::Operation operation, http::Method method,
                     std::string url, absl::string_view route,
                     const CallOptions& options) {
  RequestSpec spec;
  spec.operation = operation;
  spec.method = method;
  spec.url = std::move(url);
  spec.route = route;
  spec.deadline = options.deadline;
  spec.caller = options.caller;
  if (!options.traceparent.empty()) {
    spec.trace_headers.emplace_back("traceparent", options.traceparent);
  }
  if (!options.tracestate.empty()) {
    spec.trace_headers.emplace_back("tracestate", options.tracestate);
  }
  return spec;
}

}  // namespace

UploadTokenApi::UploadTokenApi(UpstreamServices services,
                               const BaseUrl& base_url)
    : services_(std::move(services)), base_url_(base_url.ToString()) {}

template <typename T, typename Parse>
std::shared_ptr<Cancellable> UploadTokenApi::Run(
    RequestSpec spec,  // NOLINT(performance-unnecessary-value-param): moved
                       // below; clang-tidy 14 misses moves in templates.
    Parse parse, ApiCallback<T> done) {
  return UpstreamCall::Start(
      services_, std::move(spec),
      [parse = std::move(parse), done = std::move(done)](
          absl::StatusOr<http::HttpResponse> answer,
          const UpstreamCallInfo& info) mutable {
        ApiResult<T> result{
            answer.ok() ? parse(*answer) : absl::StatusOr<T>(answer.status()),
            info};
        std::move(done)(std::move(result));
      });
}

std::shared_ptr<Cancellable> UploadTokenApi::Create(
    std::int32_t ttl_seconds, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  RequestSpec spec =
      MakeSpec(policy::Operation::kCreate, http::Method::kPost,
               TokenCollectionUrl(base_url_), kCreateRoute, options);
  spec.json_body = CreateTokenRequestBody(ttl_seconds);
  return Run<UploadToken>(
      std::move(spec),
      [](const http::HttpResponse& r) { return ParseUploadToken(r.body); },
      std::move(done));
}

std::shared_ptr<Cancellable> UploadTokenApi::List(const ListQuery& query,
                                                  const CallOptions& options,
                                                  ApiCallback<TokenPage> done) {
  return Run<TokenPage>(
      MakeSpec(policy::Operation::kRead, http::Method::kGet,
               ListTokensUrl(base_url_, query), kListRoute, options),
      [](const http::HttpResponse& r) { return ParseTokenPage(r.body); },
      std::move(done));
}

std::shared_ptr<Cancellable> UploadTokenApi::Get(
    absl::string_view token, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  RequestSpec spec = MakeSpec(policy::Operation::kRead, http::Method::kGet,
                              TokenUrl(base_url_, token), kGetRoute, options);
  spec.token = std::string(token);
  return Run<UploadToken>(
      std::move(spec),
      [](const http::HttpResponse& r) { return ParseUploadToken(r.body); },
      std::move(done));
}

std::shared_ptr<Cancellable> UploadTokenApi::Delete(
    absl::string_view token, const CallOptions& options,
    ApiCallback<google::protobuf::Empty> done) {
  RequestSpec spec =
      MakeSpec(policy::Operation::kDelete, http::Method::kDelete,
               TokenUrl(base_url_, token), kDeleteRoute, options);
  spec.token = std::string(token);
  return Run<google::protobuf::Empty>(
      std::move(spec),
      [](const http::HttpResponse&) {
        return absl::StatusOr<google::protobuf::Empty>(
            google::protobuf::Empty());
      },
      std::move(done));
}

}  // namespace gateway::apivideo
