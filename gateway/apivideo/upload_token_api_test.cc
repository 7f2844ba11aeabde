#include "gateway/apivideo/upload_token_api.h"

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/routes.h"
#include "gateway/apivideo/testing/fake_upstream.h"
#include "gateway/common/status_details.h"
#include "gateway/http/testing/fake_http_client.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::apivideo::uploadtokens::v1::UploadToken;
using ::gateway::apivideo::testing::FakeUpstream;
using ::gateway::http::testing::FakeHttpClient;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::Pair;

constexpr char kApiKey[] = "unit-test-api-key";
constexpr char kToken[] = "to1tcmSFHeYY5KzyhOqVKMKb";
constexpr char kTokenJson[] =
    R"({"token":"to1tcmSFHeYY5KzyhOqVKMKb","ttl":3600,)"
    R"("createdAt":"2020-12-02T10:13:19+00:00",)"
    R"("expiresAt":"2020-12-02T11:13:19+00:00"})";
constexpr char kListJson[] =
    R"({"data":[{"token":"to37YfoPDRR2pcDKa6LsUE0M","ttl":3600,)"
    R"("createdAt":"2020-12-02T10:26:46+00:00",)"
    R"("expiresAt":"2020-12-02T11:26:46+00:00"}],)"
    R"("pagination":{"currentPage":2,"currentPageItems":1,"pageSize":10,)"
    R"("pagesTotal":2,"itemsTotal":11,"links":[]}})";
const std::vector<std::pair<std::string, std::string>> kRateLimitHeaders = {
    {"x-ratelimit-limit", "500"},
    {"x-ratelimit-remaining", "498"},
    {"x-ratelimit-retry-after", "42"}};

// Keeps the result of one call and counts how often the callback ran.
template <typename T>
struct Outcome {
  int calls = 0;
  std::optional<ApiResult<T>> result;

  ApiCallback<T> Callback() {
    return [this](ApiResult<T> r) {
      ++calls;
      result = std::move(r);
    };
  }
};

// Hands out the Authorization header only when the test says so.
class DeferredAuthenticator final : public Authenticator {
 public:
  void Authorize(Callback done) override {
    pending_.push_back(std::move(done));
  }
  void Grant(absl::StatusOr<std::string> value) {
    for (Callback& done : pending_) std::move(done)(value);
    pending_.clear();
  }
  std::size_t pending() const { return pending_.size(); }

  void SetApiKey(absl::string_view) override {}

 private:
  std::vector<Callback> pending_;
};

std::string ExpectedAuthorization() {
  return "Basic " + absl::Base64Escape(std::string(kApiKey) + ":");
}

std::vector<std::string> HeaderNames(const http::HttpRequest& request) {
  std::vector<std::string> names;
  for (const auto& header : request.headers) names.push_back(header.first);
  return names;
}

std::string ReasonOf(const absl::Status& status) {
  const auto info = GetDetail<google::rpc::ErrorInfo>(status);
  return info.has_value() ? info->reason() : "<no ErrorInfo>";
}

// These tests are about requests and mapping; upstream_call_test.cc covers
// retries, so each call here makes exactly one attempt.
UpstreamServices OneAttempt(UpstreamServices services) {
  services.retry.max_attempts = 1;
  return services;
}

class UploadTokenApiTest : public ::testing::Test {
 protected:
  UploadTokenApiTest()
      : authenticator_(kApiKey),
        api_(OneAttempt(upstream_.Services(authenticator_)),
             *ParseBaseUrl("https://ws.api.video")) {}

  // A deadline 7 s away on the fake clock, which stands still.
  CallOptions Options() {
    CallOptions options;
    options.deadline = upstream_.scheduler.Now() + absl::Seconds(7);
    return options;
  }

  FakeUpstream upstream_;
  FakeHttpClient& client_ = upstream_.client;
  BasicAuthenticator authenticator_;
  UploadTokenApi api_;
};

// ---- Requests ---------------------------------------------------------------

TEST_F(UploadTokenApiTest, CreateSendsPostWithJsonBody) {
  Outcome<UploadToken> outcome;
  api_.Create(3600, Options(), outcome.Callback());
  ASSERT_EQ(client_.started(), 1u);
  const http::HttpRequest request = client_.request(0);
  EXPECT_EQ(request.method, http::Method::kPost);
  EXPECT_EQ(request.url, "https://ws.api.video/upload-tokens");
  EXPECT_EQ(request.body, R"({"ttl":3600})");
  EXPECT_EQ(request.timeout, absl::Seconds(7));
  EXPECT_THAT(request.headers,
              Contains(Pair("Authorization", ExpectedAuthorization())));
  EXPECT_THAT(request.headers, Contains(Pair("Accept", "application/json")));
  EXPECT_THAT(request.headers,
              Contains(Pair("Content-Type", "application/json")));
  client_.Respond(0, 200, kTokenJson);
}

TEST_F(UploadTokenApiTest, CreateSendsEachHeaderOnce) {
  Outcome<UploadToken> outcome;
  api_.Create(0, Options(), outcome.Callback());
  ASSERT_EQ(client_.started(), 1u);
  EXPECT_THAT(HeaderNames(client_.request(0)),
              ::testing::UnorderedElementsAre("Accept", "Content-Type",
                                              "Authorization"));
  EXPECT_EQ(client_.request(0).body, R"({"ttl":0})");
  client_.Respond(0, 200, kTokenJson);
}

TEST_F(UploadTokenApiTest, ListSendsGetWithQueryAndNoBody) {
  Outcome<TokenPage> outcome;
  ListQuery query;
  query.sort_field = SortField::kTtl;
  query.sort_order = SortOrder::kDescending;
  query.current_page = 2;
  query.page_size = 10;
  api_.List(query, Options(), outcome.Callback());
  ASSERT_EQ(client_.started(), 1u);
  const http::HttpRequest request = client_.request(0);
  EXPECT_EQ(request.method, http::Method::kGet);
  EXPECT_EQ(request.url,
            "https://ws.api.video/upload-tokens?sortBy=ttl&sortOrder=desc&"
            "currentPage=2&pageSize=10");
  EXPECT_THAT(request.body, IsEmpty());
  EXPECT_EQ(request.timeout, absl::Seconds(7));
  EXPECT_THAT(HeaderNames(request),
              ::testing::UnorderedElementsAre("Accept", "Authorization"));
  EXPECT_THAT(request.headers,
              Contains(Pair("Authorization", ExpectedAuthorization())));
  client_.Respond(0, 200, kListJson);
}

TEST_F(UploadTokenApiTest, GetSendsGetToTokenUrl) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, Options(), outcome.Callback());
  ASSERT_EQ(client_.started(), 1u);
  const http::HttpRequest request = client_.request(0);
  EXPECT_EQ(request.method, http::Method::kGet);
  EXPECT_EQ(request.url,
            "https://ws.api.video/upload-tokens/to1tcmSFHeYY5KzyhOqVKMKb");
  EXPECT_THAT(request.body, IsEmpty());
  EXPECT_EQ(request.timeout, absl::Seconds(7));
  EXPECT_THAT(HeaderNames(request),
              ::testing::UnorderedElementsAre("Accept", "Authorization"));
  EXPECT_THAT(request.headers, Contains(Pair("Accept", "application/json")));
  client_.Respond(0, 200, kTokenJson);
}

TEST_F(UploadTokenApiTest, SendsTraceContextOnEveryRequest) {
  CallOptions options = Options();
  options.traceparent =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  options.tracestate = "vendor=abc";
  Outcome<UploadToken> outcome;
  api_.Create(60, options, outcome.Callback());
  ASSERT_EQ(client_.started(), 1u);
  const http::HttpRequest request = client_.request(0);
  EXPECT_THAT(request.headers,
              Contains(Pair("traceparent", options.traceparent)));
  EXPECT_THAT(request.headers, Contains(Pair("tracestate", "vendor=abc")));
  client_.Respond(0, 201, kTokenJson);
}

TEST_F(UploadTokenApiTest, DeleteSendsDeleteToTokenUrl) {
  Outcome<google::protobuf::Empty> outcome;
  api_.Delete(kToken, Options(), outcome.Callback());
  ASSERT_EQ(client_.started(), 1u);
  const http::HttpRequest request = client_.request(0);
  EXPECT_EQ(request.method, http::Method::kDelete);
  EXPECT_EQ(request.url,
            "https://ws.api.video/upload-tokens/to1tcmSFHeYY5KzyhOqVKMKb");
  EXPECT_THAT(request.body, IsEmpty());
  EXPECT_THAT(HeaderNames(request),
              ::testing::UnorderedElementsAre("Accept", "Authorization"));
  client_.Respond(0, 204, "");
}

TEST_F(UploadTokenApiTest, WithoutDeadlineTheTransferHasNoTimeout) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, CallOptions(), outcome.Callback());
  ASSERT_EQ(client_.started(), 1u);
  EXPECT_EQ(client_.request(0).timeout, absl::InfiniteDuration());
  client_.Respond(0, 200, kTokenJson);
}

TEST_F(UploadTokenApiTest, UsesBaseUrlPathAndPort) {
  FakeUpstream upstream;
  FakeHttpClient& client = upstream.client;
  UploadTokenApi api(OneAttempt(upstream.Services(authenticator_)),
                     *ParseBaseUrl("http://localhost:8080/apivideo/"));
  Outcome<UploadToken> outcome;
  api.Get(kToken, Options(), outcome.Callback());
  ASSERT_EQ(client.started(), 1u);
  EXPECT_EQ(client.request(0).url,
            "http://localhost:8080/apivideo/upload-tokens/"
            "to1tcmSFHeYY5KzyhOqVKMKb");
  client.Respond(0, 200, kTokenJson);
}

TEST_F(UploadTokenApiTest, DoesNotRunCallbackBeforeResponse) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, Options(), outcome.Callback());
  EXPECT_EQ(outcome.calls, 0);
  client_.Respond(0, 200, kTokenJson);
  EXPECT_EQ(outcome.calls, 1);
}

// ---- Success mapping
// ----------------------------------------------------------

TEST_F(UploadTokenApiTest, CreateMapsTokenAndUpstreamInfo) {
  Outcome<UploadToken> outcome;
  api_.Create(3600, Options(), outcome.Callback());
  client_.Respond(0, 200, kTokenJson, kRateLimitHeaders);
  ASSERT_EQ(outcome.calls, 1);
  const ApiResult<UploadToken>& result = *outcome.result;
  ASSERT_TRUE(result.value.ok()) << result.value.status();
  EXPECT_EQ(result.value->token(), kToken);
  EXPECT_EQ(result.value->ttl(), 3600);
  EXPECT_EQ(result.value->expires_at().seconds() -
                result.value->created_at().seconds(),
            3600);
  EXPECT_EQ(result.upstream.http_status, 200);
  EXPECT_EQ(result.upstream.attempts, 1);
  EXPECT_THAT(result.upstream.rate_limit.limit, Optional(500));
  EXPECT_THAT(result.upstream.rate_limit.remaining, Optional(498));
  EXPECT_THAT(result.upstream.rate_limit.retry_after_seconds, Optional(42));
}

TEST_F(UploadTokenApiTest, ListMapsPage) {
  Outcome<TokenPage> outcome;
  api_.List(ListQuery(), Options(), outcome.Callback());
  client_.Respond(0, 200, kListJson, kRateLimitHeaders);
  ASSERT_EQ(outcome.calls, 1);
  const auto& value = outcome.result->value;
  ASSERT_TRUE(value.ok()) << value.status();
  ASSERT_EQ(value->tokens.size(), 1);
  EXPECT_EQ(value->page, 2);
  EXPECT_EQ(value->tokens[0].token(), "to37YfoPDRR2pcDKa6LsUE0M");
  EXPECT_EQ(value->total_tokens, 11);
  EXPECT_EQ(value->page_count, 2);
  EXPECT_EQ(outcome.result->upstream.http_status, 200);
}

TEST_F(UploadTokenApiTest, GetMapsToken) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, Options(), outcome.Callback());
  client_.Respond(0, 200, kTokenJson);
  ASSERT_EQ(outcome.calls, 1);
  ASSERT_TRUE(outcome.result->value.ok()) << outcome.result->value.status();
  EXPECT_EQ(outcome.result->value->token(), kToken);
  EXPECT_TRUE(outcome.result->upstream.rate_limit.empty());
}

TEST_F(UploadTokenApiTest, DeleteSucceedsOnNoContent) {
  Outcome<google::protobuf::Empty> outcome;
  api_.Delete(kToken, Options(), outcome.Callback());
  client_.Respond(0, 204, "", kRateLimitHeaders);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.result->value.ok()) << outcome.result->value.status();
  EXPECT_EQ(outcome.result->upstream.http_status, 204);
  EXPECT_THAT(outcome.result->upstream.rate_limit.remaining, Optional(498));
}

TEST_F(UploadTokenApiTest, DeleteSucceedsOnOkWithBody) {
  Outcome<google::protobuf::Empty> outcome;
  api_.Delete(kToken, Options(), outcome.Callback());
  client_.Respond(0, 200, "{}");
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.result->value.ok());
}

TEST_F(UploadTokenApiTest, MalformedSuccessBodyIsInternal) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, Options(), outcome.Callback());
  client_.Respond(0, 200, "<html>maintenance</html>", kRateLimitHeaders);
  ASSERT_EQ(outcome.calls, 1);
  const auto& value = outcome.result->value;
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ReasonOf(value.status()), "UPSTREAM_MALFORMED_RESPONSE");
  EXPECT_EQ(outcome.result->upstream.http_status, 200);
  EXPECT_FALSE(outcome.result->upstream.rate_limit.empty());
}

// ---- Error mapping
// ------------------------------------------------------------

TEST_F(UploadTokenApiTest, GetNotFoundNamesRequestedToken) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, Options(), outcome.Callback());
  client_.Respond(
      0, 404,
      R"({"type":"https://docs.api.video/reference/resource-not-found",)"
      R"("title":"The requested resource was not found.",)"
      R"("name":"uploadToken","status":404})",
      kRateLimitHeaders);
  ASSERT_EQ(outcome.calls, 1);
  const absl::Status status = outcome.result->value.status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  const auto resource = GetDetail<google::rpc::ResourceInfo>(status);
  ASSERT_TRUE(resource.has_value());
  EXPECT_EQ(resource->resource_name(), kToken);
  EXPECT_EQ(outcome.result->upstream.http_status, 404);
  EXPECT_THAT(outcome.result->upstream.rate_limit.limit, Optional(500));
}

TEST_F(UploadTokenApiTest, DeleteNotFoundIsNotFound) {
  Outcome<google::protobuf::Empty> outcome;
  api_.Delete(kToken, Options(), outcome.Callback());
  client_.Respond(0, 404, "");
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.result->value.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(UploadTokenApiTest, ListNotFoundIsInternal) {
  Outcome<TokenPage> outcome;
  api_.List(ListQuery(), Options(), outcome.Callback());
  client_.Respond(0, 404, "");
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.result->value.status().code(), absl::StatusCode::kInternal);
}

TEST_F(UploadTokenApiTest, CreateRateLimitedCarriesRetryInfoAndRateLimit) {
  Outcome<UploadToken> outcome;
  api_.Create(60, Options(), outcome.Callback());
  client_.Respond(
      0, 429,
      R"({"type":"https://docs.api.video/reference/too-many-requests",)"
      R"("title":"Too many requests.","status":429})",
      {{"x-ratelimit-limit", "200"},
       {"x-ratelimit-remaining", "0"},
       {"x-ratelimit-retry-after", "13"}});
  ASSERT_EQ(outcome.calls, 1);
  const absl::Status status = outcome.result->value.status();
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  const auto retry = GetDetail<google::rpc::RetryInfo>(status);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 13);
  EXPECT_EQ(outcome.result->upstream.http_status, 429);
  EXPECT_THAT(outcome.result->upstream.rate_limit.remaining, Optional(0));
  EXPECT_THAT(outcome.result->upstream.rate_limit.retry_after_seconds,
              Optional(13));
}

TEST_F(UploadTokenApiTest, CreateBadRequestIsInvalidArgument) {
  Outcome<UploadToken> outcome;
  api_.Create(60, Options(), outcome.Callback());
  client_.Respond(
      0, 400,
      R"({"type":"https://docs.api.video/reference/invalid-attribute",)"
      R"("title":"An attribute is invalid.","status":400,"name":"ttl"})");
  ASSERT_EQ(outcome.calls, 1);
  const absl::Status status = outcome.result->value.status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 1);
  EXPECT_EQ(bad_request->field_violations(0).field(), "ttl");
}

TEST_F(UploadTokenApiTest, UnauthorizedIsInternal) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, Options(), outcome.Callback());
  client_.Respond(0, 401, "");
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.result->value.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(outcome.result->upstream.http_status, 401);
}

TEST_F(UploadTokenApiTest, ServerErrorIsUnavailable) {
  Outcome<TokenPage> outcome;
  api_.List(ListQuery(), Options(), outcome.Callback());
  client_.Respond(0, 503, "<html>Service Unavailable</html>");
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.result->value.status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(outcome.result->upstream.http_status, 503);
}

TEST_F(UploadTokenApiTest, RedirectIsInternal) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, Options(), outcome.Callback());
  client_.Respond(0, 302, "", {{"location", "https://evil.test/"}});
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.result->value.status().code(), absl::StatusCode::kInternal);
}

// ---- Transport errors
// ---------------------------------------------------------

struct TransportCase {
  absl::StatusCode transport;
  absl::StatusCode expected;
  const char* reason;
};

void PrintTo(const TransportCase& c, std::ostream* os) {
  *os << absl::StatusCodeToString(c.transport);
}

class UploadTokenApiTransportTest
    : public UploadTokenApiTest,
      public ::testing::WithParamInterface<TransportCase> {};

TEST_P(UploadTokenApiTransportTest, MapsErrorWithoutHttpStatus) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, Options(), outcome.Callback());
  client_.Complete(0, absl::Status(GetParam().transport, "transport failed"));
  ASSERT_EQ(outcome.calls, 1);
  const absl::Status status = outcome.result->value.status();
  EXPECT_EQ(status.code(), GetParam().expected);
  EXPECT_EQ(ReasonOf(status), GetParam().reason);
  EXPECT_EQ(outcome.result->upstream.http_status, 0);
  EXPECT_EQ(outcome.result->upstream.attempts, 1);
  EXPECT_TRUE(outcome.result->upstream.rate_limit.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Codes, UploadTokenApiTransportTest,
    ::testing::Values(
        TransportCase{absl::StatusCode::kUnavailable,
                      absl::StatusCode::kUnavailable, "UPSTREAM_UNREACHABLE"},
        TransportCase{absl::StatusCode::kDeadlineExceeded,
                      absl::StatusCode::kDeadlineExceeded, "UPSTREAM_TIMEOUT"},
        TransportCase{absl::StatusCode::kCancelled,
                      absl::StatusCode::kCancelled, "CANCELLED"},
        TransportCase{absl::StatusCode::kResourceExhausted,
                      absl::StatusCode::kInternal,
                      "UPSTREAM_RESPONSE_TOO_LARGE"},
        TransportCase{absl::StatusCode::kInternal, absl::StatusCode::kInternal,
                      "UPSTREAM_TRANSPORT_ERROR"}));

// ---- Authorization
// --------------------------------------------------------------

TEST(UploadTokenApiAuthorization, WaitsForAuthorizationBeforeSending) {
  FakeUpstream upstream;
  FakeHttpClient& client = upstream.client;
  DeferredAuthenticator authenticator;
  UploadTokenApi api(OneAttempt(upstream.Services(authenticator)),
                     *ParseBaseUrl("https://ws.api.video"));
  Outcome<UploadToken> outcome;
  api.Get(kToken, CallOptions(), outcome.Callback());
  EXPECT_EQ(client.started(), 0u);
  authenticator.Grant(std::string("Bearer abc"));
  ASSERT_EQ(client.started(), 1u);
  EXPECT_THAT(client.request(0).headers,
              Contains(Pair("Authorization", "Bearer abc")));
  EXPECT_EQ(outcome.calls, 0);
  client.Respond(0, 200, kTokenJson);
  EXPECT_EQ(outcome.calls, 1);
}

TEST(UploadTokenApiAuthorization, FailureEndsCallWithoutSending) {
  FakeUpstream upstream;
  FakeHttpClient& client = upstream.client;
  DeferredAuthenticator authenticator;
  UploadTokenApi api(OneAttempt(upstream.Services(authenticator)),
                     *ParseBaseUrl("https://ws.api.video"));
  Outcome<UploadToken> outcome;
  api.Get(kToken, CallOptions(), outcome.Callback());
  authenticator.Grant(absl::UnavailableError("auth endpoint down"));
  EXPECT_EQ(client.started(), 0u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.result->value.status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(outcome.result->upstream.http_status, 0);
}

// ---- Cancellation
// ---------------------------------------------------------------

TEST_F(UploadTokenApiTest, CancelWhileRunningEndsCallCancelledOnce) {
  Outcome<UploadToken> outcome;
  auto call = api_.Get(kToken, Options(), outcome.Callback());
  call->Cancel();
  EXPECT_THAT(client_.cancel_calls(), ElementsAre(client_.id(0)));
  EXPECT_EQ(outcome.calls, 0);  // the client reports it, not Cancel itself
  EXPECT_EQ(client_.DeliverCancellations(), 1);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.result->value.status().code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(outcome.result->upstream.http_status, 0);
  // A late answer finds nothing left to call.
  EXPECT_FALSE(client_.Respond(0, 200, kTokenJson));
  EXPECT_EQ(outcome.calls, 1);
}

TEST_F(UploadTokenApiTest, CancelAfterCompletionKeepsResult) {
  Outcome<UploadToken> outcome;
  auto call = api_.Get(kToken, Options(), outcome.Callback());
  client_.Respond(0, 200, kTokenJson);
  call->Cancel();
  EXPECT_EQ(client_.DeliverCancellations(), 0);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.result->value.ok());
}

TEST_F(UploadTokenApiTest, CompletionRacingCancelStillRunsCallbackOnce) {
  Outcome<UploadToken> outcome;
  auto call = api_.Get(kToken, Options(), outcome.Callback());
  call->Cancel();
  // The transfer finished before the client acted on the cancel.
  client_.Respond(0, 200, kTokenJson);
  EXPECT_EQ(client_.DeliverCancellations(), 0);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.result->value.ok());
}

TEST_F(UploadTokenApiTest, CancelTwiceRunsCallbackOnce) {
  Outcome<google::protobuf::Empty> outcome;
  auto call = api_.Delete(kToken, Options(), outcome.Callback());
  call->Cancel();
  call->Cancel();
  client_.DeliverCancellations();
  EXPECT_EQ(outcome.calls, 1);
}

TEST(UploadTokenApiCancellation, CancelBeforeAuthorizedEndsAtOnceNeverSends) {
  FakeUpstream upstream;
  FakeHttpClient& client = upstream.client;
  DeferredAuthenticator authenticator;
  UploadTokenApi api(OneAttempt(upstream.Services(authenticator)),
                     *ParseBaseUrl("https://ws.api.video"));
  Outcome<UploadToken> outcome;
  auto call = api.Create(60, CallOptions(), outcome.Callback());
  call->Cancel();
  EXPECT_EQ(outcome.calls, 1);
  authenticator.Grant(std::string("Basic x"));
  EXPECT_EQ(client.started(), 0u);
  EXPECT_THAT(client.cancel_calls(), IsEmpty());
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.result->value.status().code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(outcome.result->upstream.http_status, 0);
}

TEST_F(UploadTokenApiTest, CallsAreIndependent) {
  Outcome<UploadToken> first;
  Outcome<UploadToken> second;
  auto call1 = api_.Get(kToken, Options(), first.Callback());
  auto call2 = api_.Get("to2", Options(), second.Callback());
  ASSERT_EQ(client_.started(), 2u);
  call1->Cancel();
  client_.DeliverCancellations();
  client_.Respond(1, 200, kTokenJson);
  ASSERT_EQ(first.calls, 1);
  ASSERT_EQ(second.calls, 1);
  EXPECT_EQ(first.result->value.status().code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(second.result->value.ok());
}

TEST_F(UploadTokenApiTest, CallbackRunsAfterCallHandleIsDropped) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, Options(), outcome.Callback());  // handle discarded
  client_.Respond(0, 200, kTokenJson);
  EXPECT_EQ(outcome.calls, 1);
}

}  // namespace
}  // namespace gateway::apivideo
