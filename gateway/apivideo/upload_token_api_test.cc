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
#include "gateway/apivideo/testing/transport_error_cases.h"
#include "gateway/common/status_details.h"
#include "gateway/common/testing/status_details.h"
#include "gateway/http/testing/fake_http_client.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::gateway::testing::ErrorReason;

using ::gateway::apivideo::testing::FakeUpstream;
using ::testing::Contains;
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
using Headers = std::vector<std::pair<std::string, std::string>>;

const Headers kRateLimitHeaders = {{"x-ratelimit-limit", "500"},
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
  // The status the call ended with; UNKNOWN until it has.
  absl::Status status() const {
    return result.has_value() ? result->value.status()
                              : absl::UnknownError("not ended");
  }
};

// How a call ended, whatever the type of its value.
struct Ended {
  int calls = 0;
  absl::Status status = absl::UnknownError("not ended");
  UpstreamCallInfo upstream;
};

// The calls that the tables make, each with fixed arguments.
enum class Call {
  kCreate,               // Create(3600): a token for an hour
  kCreateNeverExpiring,  // Create(0)
  kList,                 // List(ListQuery()): the first page of 25
  kListSorted,           // List: page 2 of 10, by TTL descending
  kGet,                  // Get(kToken)
  kDelete,               // Delete(kToken)
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

// What every request carries: JSON wanted, and the operator's API key as
// Basic credentials.
const Headers kHeaders = {
    {"Accept", "application/json"},
    {"Authorization",
     "Basic " + absl::Base64Escape(std::string(kApiKey) + ":")}};
// And a request with a body.
const Headers kJsonBodyHeaders = {
    kHeaders[0], {"Content-Type", "application/json"}, kHeaders[1]};

class UploadTokenApiTest : public ::testing::Test {
 protected:
  // An UploadTokenApi on this test's fakes, with `authenticator`.
  UploadTokenApi Api(Authenticator& authenticator,
                     absl::string_view base_url = "https://ws.api.video") {
    UpstreamServices services = upstream_.Services(authenticator);
    // These tests are about requests and mapping; upstream_call_test.cc
    // covers retries, so each call here makes exactly one attempt.
    services.retry.max_attempts = 1;
    return UploadTokenApi(services, *ParseBaseUrl(base_url));
  }

  // A deadline 7 s away on the fake clock, which stands still.
  CallOptions Options() {
    CallOptions options;
    options.deadline = upstream_.scheduler.Now() + absl::Seconds(7);
    return options;
  }

  // Starts `call` on api_; what it returns records how the call ends.
  std::shared_ptr<const Ended> Start(Call call) {
    auto ended = std::make_shared<Ended>();
    auto record = [ended](auto result) {
      ++ended->calls;
      ended->status = result.value.status();
      ended->upstream = result.upstream;
    };
    ListQuery sorted;
    sorted.sort_field = SortField::kTtl;
    sorted.sort_order = SortOrder::kDescending;
    sorted.current_page = 2;
    sorted.page_size = 10;
    switch (call) {
      case Call::kCreate:
        api_.Create(3600, Options(), record);
        break;
      case Call::kCreateNeverExpiring:
        api_.Create(0, Options(), record);
        break;
      case Call::kList:
        api_.List(ListQuery(), Options(), record);
        break;
      case Call::kListSorted:
        api_.List(sorted, Options(), record);
        break;
      case Call::kGet:
        api_.Get(kToken, Options(), record);
        break;
      case Call::kDelete:
        api_.Delete(kToken, Options(), record);
        break;
    }
    return ended;
  }

  FakeUpstream upstream_;
  http::testing::FakeHttpClient& client_ = upstream_.client;
  BasicAuthenticator authenticator_{kApiKey};
  UploadTokenApi api_ = Api(authenticator_);
};

// An UploadTokenApiTest over a table of cases; each case prints as its name,
// which names its instance.
template <typename Case>
class UploadTokenApiTableTest : public UploadTokenApiTest,
                                public ::testing::WithParamInterface<Case> {};

// ---- Requests ---------------------------------------------------------------

constexpr char kTokenUrl[] =
    "https://ws.api.video/upload-tokens/to1tcmSFHeYY5KzyhOqVKMKb";

// The request a call sends.
struct RequestCase {
  const char* name;
  Call call;
  http::Method method;
  const char* url;
  const char* body;
  Headers headers;

  friend void PrintTo(const RequestCase& c, std::ostream* os) { *os << c.name; }
};

using UploadTokenApiRequestTest = UploadTokenApiTableTest<RequestCase>;

TEST_P(UploadTokenApiRequestTest, SendsTheRequest) {
  const RequestCase& c = GetParam();
  Start(c.call);
  ASSERT_EQ(client_.started(), 1u);
  const http::HttpRequest request = client_.request(0);
  EXPECT_EQ(request.method, c.method);
  EXPECT_EQ(request.url, c.url);
  EXPECT_EQ(request.body, c.body);
  EXPECT_EQ(request.timeout, absl::Seconds(7));
  EXPECT_THAT(request.headers, ::testing::UnorderedElementsAreArray(c.headers));
  client_.Respond(0, 204, "");  // Any answer ends the call.
}

INSTANTIATE_TEST_SUITE_P(
    Calls, UploadTokenApiRequestTest,
    ::testing::Values(
        RequestCase{"Create", Call::kCreate, http::Method::kPost,
                    "https://ws.api.video/upload-tokens", R"({"ttl":3600})",
                    kJsonBodyHeaders},
        RequestCase{"CreateNeverExpiring", Call::kCreateNeverExpiring,
                    http::Method::kPost, "https://ws.api.video/upload-tokens",
                    R"({"ttl":0})", kJsonBodyHeaders},
        RequestCase{"List", Call::kList, http::Method::kGet,
                    "https://ws.api.video/upload-tokens?currentPage=1&"
                    "pageSize=25",
                    "", kHeaders},
        RequestCase{"ListSorted", Call::kListSorted, http::Method::kGet,
                    "https://ws.api.video/upload-tokens?sortBy=ttl&"
                    "sortOrder=desc&currentPage=2&pageSize=10",
                    "", kHeaders},
        RequestCase{"Get", Call::kGet, http::Method::kGet, kTokenUrl, "",
                    kHeaders},
        RequestCase{"Delete", Call::kDelete, http::Method::kDelete, kTokenUrl,
                    "", kHeaders}),
    ::testing::PrintToStringParamName());

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

TEST_F(UploadTokenApiTest, WithoutDeadlineTheTransferHasNoTimeout) {
  Outcome<UploadToken> outcome;
  api_.Get(kToken, CallOptions(), outcome.Callback());
  ASSERT_EQ(client_.started(), 1u);
  EXPECT_EQ(client_.request(0).timeout, absl::InfiniteDuration());
  client_.Respond(0, 200, kTokenJson);
}

TEST_F(UploadTokenApiTest, UsesBaseUrlPathAndPort) {
  UploadTokenApi api = Api(authenticator_, "http://localhost:8080/apivideo/");
  Outcome<UploadToken> outcome;
  api.Get(kToken, Options(), outcome.Callback());
  ASSERT_EQ(client_.started(), 1u);
  EXPECT_EQ(client_.request(0).url,
            "http://localhost:8080/apivideo/upload-tokens/"
            "to1tcmSFHeYY5KzyhOqVKMKb");
  client_.Respond(0, 200, kTokenJson);
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
  const auto ended = Start(Call::kDelete);
  client_.Respond(0, 204, "", kRateLimitHeaders);
  ASSERT_EQ(ended->calls, 1);
  EXPECT_TRUE(ended->status.ok()) << ended->status;
  EXPECT_EQ(ended->upstream.http_status, 204);
  EXPECT_THAT(ended->upstream.rate_limit.remaining, Optional(498));
}

TEST_F(UploadTokenApiTest, MalformedSuccessBodyIsInternal) {
  const auto ended = Start(Call::kGet);
  client_.Respond(0, 200, "<html>maintenance</html>", kRateLimitHeaders);
  ASSERT_EQ(ended->calls, 1);
  EXPECT_EQ(ended->status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorReason(ended->status), "UPSTREAM_MALFORMED_RESPONSE");
  EXPECT_EQ(ended->upstream.http_status, 200);
  EXPECT_FALSE(ended->upstream.rate_limit.empty());
}

// ---- Status mapping
// ------------------------------------------------------------

// An answer to a call, and what the call ends with.
struct AnswerCase {
  const char* name;
  Call call;
  int status;
  const char* body;
  absl::StatusCode code;
  Headers headers = {};

  friend void PrintTo(const AnswerCase& c, std::ostream* os) { *os << c.name; }
};

using UploadTokenApiAnswerTest = UploadTokenApiTableTest<AnswerCase>;

TEST_P(UploadTokenApiAnswerTest, EndsTheCallWithTheMappedStatus) {
  const AnswerCase& c = GetParam();
  const auto ended = Start(c.call);
  client_.Respond(0, c.status, c.body, c.headers);
  ASSERT_EQ(ended->calls, 1);
  EXPECT_EQ(ended->status.code(), c.code) << ended->status;
  EXPECT_EQ(ended->upstream.http_status, c.status);
}

INSTANTIATE_TEST_SUITE_P(
    Answers, UploadTokenApiAnswerTest,
    ::testing::Values(AnswerCase{"DeleteOkWithBody", Call::kDelete, 200, "{}",
                                 absl::StatusCode::kOk},
                      // A token route: the token is gone.
                      AnswerCase{"DeleteNotFound", Call::kDelete, 404, "",
                                 absl::StatusCode::kNotFound},
                      // The collection route: the gateway's base URL is wrong.
                      AnswerCase{"ListNotFound", Call::kList, 404, "",
                                 absl::StatusCode::kInternal},
                      // The operator's key, not the caller's.
                      AnswerCase{"GetUnauthorized", Call::kGet, 401, "",
                                 absl::StatusCode::kInternal},
                      AnswerCase{"ListServerError", Call::kList, 503,
                                 "<html>Service Unavailable</html>",
                                 absl::StatusCode::kUnavailable},
                      AnswerCase{"GetRedirect",
                                 Call::kGet,
                                 302,
                                 "",
                                 absl::StatusCode::kInternal,
                                 {{"location", "https://evil.test/"}}}),
    ::testing::PrintToStringParamName());

TEST_F(UploadTokenApiTest, GetNotFoundNamesRequestedToken) {
  const auto ended = Start(Call::kGet);
  client_.Respond(
      0, 404,
      R"({"type":"https://docs.api.video/reference/resource-not-found",)"
      R"("title":"The requested resource was not found.",)"
      R"("name":"uploadToken","status":404})",
      kRateLimitHeaders);
  ASSERT_EQ(ended->calls, 1);
  EXPECT_EQ(ended->status.code(), absl::StatusCode::kNotFound);
  const auto resource = GetDetail<google::rpc::ResourceInfo>(ended->status);
  ASSERT_TRUE(resource.has_value());
  EXPECT_EQ(resource->resource_name(), kToken);
  EXPECT_EQ(ended->upstream.http_status, 404);
  EXPECT_THAT(ended->upstream.rate_limit.limit, Optional(500));
}

TEST_F(UploadTokenApiTest, CreateRateLimitedCarriesRetryInfoAndRateLimit) {
  const auto ended = Start(Call::kCreate);
  client_.Respond(
      0, 429,
      R"({"type":"https://docs.api.video/reference/too-many-requests",)"
      R"("title":"Too many requests.","status":429})",
      {{"x-ratelimit-limit", "200"},
       {"x-ratelimit-remaining", "0"},
       {"x-ratelimit-retry-after", "13"}});
  ASSERT_EQ(ended->calls, 1);
  EXPECT_EQ(ended->status.code(), absl::StatusCode::kResourceExhausted);
  const auto retry = GetDetail<google::rpc::RetryInfo>(ended->status);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 13);
  EXPECT_EQ(ended->upstream.http_status, 429);
  EXPECT_THAT(ended->upstream.rate_limit.remaining, Optional(0));
  EXPECT_THAT(ended->upstream.rate_limit.retry_after_seconds, Optional(13));
}

TEST_F(UploadTokenApiTest, CreateBadRequestIsInvalidArgument) {
  const auto ended = Start(Call::kCreate);
  client_.Respond(
      0, 400,
      R"({"type":"https://docs.api.video/reference/invalid-attribute",)"
      R"("title":"An attribute is invalid.","status":400,"name":"ttl"})");
  ASSERT_EQ(ended->calls, 1);
  EXPECT_EQ(ended->status.code(), absl::StatusCode::kInvalidArgument);
  const auto bad_request = GetDetail<google::rpc::BadRequest>(ended->status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 1);
  EXPECT_EQ(bad_request->field_violations(0).field(), "ttl");
}

// ---- Transport errors
// ---------------------------------------------------------

using UploadTokenApiTransportTest =
    UploadTokenApiTableTest<::gateway::apivideo::testing::TransportErrorCase>;

TEST_P(UploadTokenApiTransportTest, MapsErrorWithoutHttpStatus) {
  const auto ended = Start(Call::kGet);
  client_.Complete(0, absl::Status(GetParam().transport, "transport failed"));
  ASSERT_EQ(ended->calls, 1);
  EXPECT_EQ(ended->status.code(), GetParam().code);
  EXPECT_EQ(ErrorReason(ended->status), GetParam().reason);
  EXPECT_EQ(ended->upstream.http_status, 0);
  EXPECT_EQ(ended->upstream.attempts, 1);
  EXPECT_TRUE(ended->upstream.rate_limit.empty());
}

INSTANTIATE_TEST_SUITE_P(
    EveryTransportCode, UploadTokenApiTransportTest,
    ::testing::ValuesIn(::gateway::apivideo::testing::kTransportErrorCases),
    ::testing::PrintToStringParamName());

// ---- Authorization
// --------------------------------------------------------------

TEST_F(UploadTokenApiTest, WaitsForAuthorizationBeforeSending) {
  DeferredAuthenticator authenticator;
  UploadTokenApi api = Api(authenticator);
  Outcome<UploadToken> outcome;
  api.Get(kToken, CallOptions(), outcome.Callback());
  EXPECT_EQ(client_.started(), 0u);
  authenticator.Grant(std::string("Bearer abc"));
  ASSERT_EQ(client_.started(), 1u);
  EXPECT_THAT(client_.request(0).headers,
              Contains(Pair("Authorization", "Bearer abc")));
  EXPECT_EQ(outcome.calls, 0);
  client_.Respond(0, 200, kTokenJson);
  EXPECT_EQ(outcome.calls, 1);
}

TEST_F(UploadTokenApiTest, AuthorizationFailureEndsCallWithoutSending) {
  DeferredAuthenticator authenticator;
  UploadTokenApi api = Api(authenticator);
  Outcome<UploadToken> outcome;
  api.Get(kToken, CallOptions(), outcome.Callback());
  authenticator.Grant(absl::UnavailableError("auth endpoint down"));
  EXPECT_EQ(client_.started(), 0u);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(outcome.result->upstream.http_status, 0);
}

// ---- Cancellation
// ---------------------------------------------------------------

TEST_F(UploadTokenApiTest, CancelWhileRunningEndsCallCancelledOnce) {
  Outcome<UploadToken> outcome;
  auto call = api_.Get(kToken, Options(), outcome.Callback());
  call->Cancel();
  EXPECT_THAT(client_.cancel_calls(), ::testing::ElementsAre(client_.id(0)));
  EXPECT_EQ(outcome.calls, 0);  // the client reports it, not Cancel itself
  EXPECT_EQ(client_.DeliverCancellations(), 1);
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kCancelled);
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

TEST_F(UploadTokenApiTest, CancelBeforeAuthorizedEndsAtOnceNeverSends) {
  DeferredAuthenticator authenticator;
  UploadTokenApi api = Api(authenticator);
  Outcome<UploadToken> outcome;
  auto call = api.Create(60, CallOptions(), outcome.Callback());
  call->Cancel();
  EXPECT_EQ(outcome.calls, 1);
  authenticator.Grant(std::string("Basic x"));
  EXPECT_EQ(client_.started(), 0u);
  EXPECT_THAT(client_.cancel_calls(), ::testing::IsEmpty());
  ASSERT_EQ(outcome.calls, 1);
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(outcome.result->upstream.http_status, 0);
}

TEST_F(UploadTokenApiTest, CallsAreIndependent) {
  // A first answer teaches the rate-limit window, so that both calls go at
  // once rather than one after the other's answer.
  Outcome<UploadToken> warm_up;
  api_.Get(kToken, Options(), warm_up.Callback());
  client_.Respond(0, 200, kTokenJson,
                  {{"x-ratelimit-limit", "100"},
                   {"x-ratelimit-remaining", "99"},
                   {"x-ratelimit-retry-after", "60"}});
  Outcome<UploadToken> first;
  Outcome<UploadToken> second;
  auto call1 = api_.Get(kToken, Options(), first.Callback());
  auto call2 = api_.Get("to2", Options(), second.Callback());
  ASSERT_EQ(client_.started(), 3u);
  call1->Cancel();
  client_.DeliverCancellations();
  client_.Respond(2, 200, kTokenJson);
  ASSERT_EQ(first.calls, 1);
  ASSERT_EQ(second.calls, 1);
  EXPECT_EQ(first.status().code(), absl::StatusCode::kCancelled);
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
