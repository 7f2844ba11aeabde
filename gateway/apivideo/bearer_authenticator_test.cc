#include "gateway/apivideo/bearer_authenticator.h"

#include <atomic>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/routes.h"
#include "gateway/apivideo/upstream_observer.h"
#include "gateway/common/status_details.h"
#include "gateway/http/http_types.h"
#include "gateway/http/testing/fake_http_client.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

// Distinctive, so that any leak into an error is found by a substring search.
constexpr char kApiKey[] = "KEY-9f3Qz7-never-in-errors";
constexpr char kBaseUrl[] = "https://ws.api.video";
constexpr char kApiKeyUrl[] = "https://ws.api.video/auth/api-key";
constexpr char kRefreshUrl[] = "https://ws.api.video/auth/refresh";

constexpr absl::Duration kLifetime = absl::Seconds(3600);
constexpr absl::Duration kRefreshAhead = absl::Seconds(60);
constexpr absl::Duration kRetryAfterFailure = absl::Seconds(2);
constexpr absl::Duration kRequestTimeout = absl::Seconds(7);

// api.video's answer to bad credentials on /auth/api-key and /auth/refresh.
constexpr char kInvalidUserCredentials[] =
    R"({"type":"https://docs.api.video/reference/authentication-invalid-user-credentials",)"
    R"("title":"The user credentials were incorrect.","name":"","status":400})";

std::string TokenBody(absl::string_view access_token,
                      absl::string_view refresh_token,
                      std::int64_t expires_in = 3600) {
  return absl::StrCat(R"({"token_type":"Bearer","expires_in":)", expires_in,
                      R"(,"access_token":")", access_token,
                      R"(","refresh_token":")", refresh_token, R"("})");
}

// The fields of a JSON object request body, parsed by a real JSON parser.
std::vector<std::pair<std::string, std::string>> JsonFields(
    const std::string& body) {
  google::protobuf::Struct object;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(body, &object);
  EXPECT_TRUE(parsed.ok()) << parsed << " for " << body;
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& [name, value] : object.fields()) {
    fields.emplace_back(name, value.string_value());
  }
  return fields;
}

// Everything an error carries: message and every payload.
std::string Everything(const absl::Status& status) {
  std::string text(status.message());
  status.ForEachPayload(
      [&text](absl::string_view type_url, const absl::Cord& payload) {
        absl::StrAppend(&text, "\n", type_url, "\n", std::string(payload));
      });
  absl::StrAppend(&text, "\n", ToRpcStatus(status).DebugString());
  return text;
}

google::rpc::ErrorInfo ErrorInfoOf(const absl::Status& status) {
  const auto info = GetDetail<google::rpc::ErrorInfo>(status);
  EXPECT_TRUE(info.has_value()) << status;
  return info.value_or(google::rpc::ErrorInfo());
}

http::HttpResponse Answer(int status, std::string body) {
  http::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// What api.video answers to a bad API key: its problem document, typed as
// such.
http::HttpResponse BadApiKeyAnswer() {
  http::HttpResponse response = Answer(400, kInvalidUserCredentials);
  response.headers = {{"content-type", "application/problem+json"}};
  return response;
}

// The outcome of one Authorize call; empty until its callback runs.
using Result = std::shared_ptr<std::optional<absl::StatusOr<std::string>>>;

// The header an Authorize call handed out, or what happened instead.
std::string HeaderOf(const Result& result) {
  if (!result->has_value()) return "<no answer yet>";
  if (!(*result)->ok()) {
    return absl::StrCat("<error: ", (*result)->status().ToString(), ">");
  }
  return ***result;
}

class RecordingObserver final : public UpstreamObserver {
 public:
  void OnAttempt(const AttemptReport& report) override {
    absl::MutexLock lock(&mu_);
    attempts_.emplace_back(std::string(report.route), report.http_status);
  }
  void OnTokenObtained() override { tokens_.fetch_add(1); }

  std::vector<std::pair<std::string, int>> attempts() const {
    absl::MutexLock lock(&mu_);
    return attempts_;
  }
  int tokens() const { return tokens_.load(); }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::pair<std::string, int>> attempts_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> tokens_{0};
};

class BearerAuthenticatorTest : public ::testing::Test {
 protected:
  BearerAuthenticatorTest()
      : authenticator_(client_, *ParseBaseUrl(kBaseUrl), kApiKey, Options()) {}

  BearerAuthOptions Options() {
    BearerAuthOptions options;
    options.request_timeout = kRequestTimeout;
    options.refresh_ahead = kRefreshAhead;
    options.retry_after_failure = kRetryAfterFailure;
    options.now = [this] { return now_; };
    options.observer = &observer_;
    options.on_new_token = [this](absl::string_view token,
                                  absl::Time forget_after) {
      new_tokens_.emplace_back(std::string(token), forget_after);
    };
    return options;
  }

  // The tokens handed to on_new_token so far, in order.
  std::vector<std::string> NewTokens() const {
    std::vector<std::string> tokens;
    for (const auto& [token, forget_after] : new_tokens_) {
      tokens.push_back(token);
    }
    return tokens;
  }

  Result Authorize() {
    auto result =
        std::make_shared<std::optional<absl::StatusOr<std::string>>>();
    authenticator_.Authorize([result](absl::StatusOr<std::string> header) {
      ASSERT_FALSE(result->has_value()) << "callback ran twice";
      *result = std::move(header);
    });
    return result;
  }

  // Authorizes and expects the header at once, without waiting.
  std::string AuthorizeNow() {
    const Result result = Authorize();
    EXPECT_TRUE(result->has_value()) << "Authorize did not answer at once";
    return HeaderOf(result);
  }

  // Gets the first token ("at1", refresh token "rt1") through
  // /auth/api-key, at `now_`.
  void ObtainFirstToken(std::int64_t expires_in = 3600) {
    const Result result = Authorize();
    ASSERT_EQ(client_.started(), 1u);
    ASSERT_TRUE(client_.Respond(0, 200, TokenBody("at1", "rt1", expires_in)));
    ASSERT_EQ(HeaderOf(result), "Bearer at1");
  }

  // Gets the first token, moves the clock to its renew time and authorizes
  // once, which still hands out the first token but sends the refresh:
  // transfer 1.
  void StartTheRefresh() {
    ObtainFirstToken();
    now_ = t0_ + kLifetime - kRefreshAhead;
    ASSERT_EQ(AuthorizeNow(), "Bearer at1");
    ASSERT_EQ(client_.started(), 2u);
  }

  // Fails the refresh that StartTheRefresh() sent, and then the fallback to
  // the API key that this makes the authenticator send.
  void FailTheRenewal() {
    ASSERT_TRUE(client_.Respond(1, 503, ""));
    ASSERT_EQ(client_.started(), 3u);
    ASSERT_TRUE(client_.Respond(2, 503, ""));
  }

  // The URL of every transfer so far, in order: which exchanges went out.
  std::vector<std::string> Exchanges() const {
    std::vector<std::string> urls;
    for (std::size_t i = 0; i < client_.started(); ++i) {
      urls.push_back(client_.request(i).url);
    }
    return urls;
  }

  // Index of the most recently started transfer.
  std::size_t Last() const { return client_.started() - 1; }

  const absl::Time t0_ = absl::FromUnixSeconds(1'800'000'000);
  absl::Time now_ = t0_;
  std::vector<std::pair<std::string, absl::Time>> new_tokens_;
  http::testing::FakeHttpClient client_;
  RecordingObserver observer_;
  BearerAuthenticator authenticator_;
};

// --- First token -------------------------------------------------------------

TEST_F(BearerAuthenticatorTest, NewTokensAreHandedOnBeforeAnyCallUsesThem) {
  std::vector<std::string> handed_on_when_used;
  authenticator_.Authorize([&](absl::StatusOr<std::string> header) {
    EXPECT_EQ(header.value_or(""), "Bearer at1");
    handed_on_when_used = NewTokens();
  });

  ASSERT_TRUE(client_.Respond(0, 200, TokenBody("at1", "rt1")));

  EXPECT_THAT(handed_on_when_used, ElementsAre("at1", "rt1"));
}

TEST_F(BearerAuthenticatorTest, AccessTokenIsForgottenSoonAfterItExpires) {
  ObtainFirstToken();

  ASSERT_FALSE(new_tokens_.empty());
  EXPECT_EQ(new_tokens_[0].first, "at1");
  EXPECT_GE(new_tokens_[0].second, t0_ + kLifetime);
  EXPECT_LE(new_tokens_[0].second, t0_ + kLifetime + absl::Minutes(10));
}

TEST_F(BearerAuthenticatorTest, RefreshedTokensAreHandedOnToo) {
  StartTheRefresh();

  ASSERT_TRUE(client_.Respond(1, 200, TokenBody("at2", "rt2")));

  EXPECT_THAT(NewTokens(), ElementsAre("at1", "rt1", "at2", "rt2"));
}

TEST_F(BearerAuthenticatorTest, FirstAuthorizePostsApiKey) {
  const Result result = Authorize();
  ASSERT_EQ(client_.started(), 1u);
  const http::HttpRequest request = client_.request(0);
  EXPECT_EQ(request.method, http::Method::kPost);
  EXPECT_EQ(request.url, kApiKeyUrl);
  EXPECT_THAT(JsonFields(request.body), ElementsAre(Pair("apiKey", kApiKey)));
  EXPECT_THAT(request.headers,
              ::testing::Contains(Pair("Content-Type", "application/json")));
  EXPECT_EQ(request.timeout, kRequestTimeout);
  EXPECT_FALSE(result->has_value()) << "answered before the token arrived";
  client_.Respond(0, 200, TokenBody("at1", "rt1"));
}

TEST_F(BearerAuthenticatorTest, AuthRequestCarriesNoAuthorizationHeader) {
  Authorize();
  ASSERT_EQ(client_.started(), 1u);
  for (const auto& [name, value] : client_.request(0).headers) {
    EXPECT_NE(absl::AsciiStrToLower(name), "authorization");
  }
  client_.Respond(0, 200, TokenBody("at1", "rt1"));
}

TEST_F(BearerAuthenticatorTest, WaitersGetBearerToken) {
  const Result result = Authorize();
  ASSERT_EQ(client_.started(), 1u);
  client_.Respond(0, 200, TokenBody("at1", "rt1"));
  EXPECT_EQ(HeaderOf(result), "Bearer at1");
}

TEST_F(BearerAuthenticatorTest, ManyWaitersShareOneRequest) {
  std::vector<Result> results;
  for (int i = 0; i < 20; ++i) results.push_back(Authorize());
  EXPECT_EQ(client_.started(), 1u);
  client_.Respond(0, 200, TokenBody("at1", "rt1"));
  for (const Result& result : results) {
    EXPECT_EQ(HeaderOf(result), "Bearer at1");
  }
  EXPECT_EQ(client_.started(), 1u);
  EXPECT_EQ(authenticator_.tokens_obtained(), 1);
}

TEST_F(BearerAuthenticatorTest, ConcurrentCallersShareOneRequest) {
  std::atomic<int> answered{0};
  std::atomic<int> right_token{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        authenticator_.Authorize([&](absl::StatusOr<std::string> header) {
          if (header.ok() && *header == "Bearer at1") right_token.fetch_add(1);
          answered.fetch_add(1);
        });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(client_.started(), 1u);
  EXPECT_EQ(answered.load(), 0);
  client_.Respond(0, 200, TokenBody("at1", "rt1"));
  EXPECT_EQ(answered.load(), 800);
  EXPECT_EQ(right_token.load(), 800);
  EXPECT_EQ(client_.started(), 1u);
}

TEST_F(BearerAuthenticatorTest, CachedTokenIsReusedWithoutRequest) {
  ObtainFirstToken();
  EXPECT_EQ(AuthorizeNow(), "Bearer at1");
  now_ = t0_ + kLifetime - kRefreshAhead - absl::Seconds(1);
  EXPECT_EQ(AuthorizeNow(), "Bearer at1");
  EXPECT_EQ(client_.started(), 1u);
}

TEST_F(BearerAuthenticatorTest, CallbackMayAuthorizeAgain) {
  std::optional<absl::StatusOr<std::string>> inner;
  authenticator_.Authorize([&](absl::StatusOr<std::string> header) {
    ASSERT_TRUE(header.ok());
    // Runs outside the authenticator's lock: no deadlock, cached token.
    authenticator_.Authorize(
        [&](absl::StatusOr<std::string> again) { inner = std::move(again); });
  });
  client_.Respond(0, 200, TokenBody("at1", "rt1"));
  ASSERT_TRUE(inner.has_value());
  ASSERT_TRUE(inner->ok()) << inner->status();
  EXPECT_EQ(**inner, "Bearer at1");
  EXPECT_EQ(client_.started(), 1u);
}

TEST_F(BearerAuthenticatorTest, ObserverHearsOfExchangesAndTokens) {
  ObtainFirstToken();
  EXPECT_THAT(observer_.attempts(),
              ElementsAre(Pair("POST /auth/api-key", 200)));
  EXPECT_EQ(observer_.tokens(), 1);
}

// --- Renewal before expiry ---------------------------------------------------

TEST_F(BearerAuthenticatorTest, AtRenewTimeCallersGetOldTokenAtOnce) {
  ObtainFirstToken();
  now_ = t0_ + kLifetime - kRefreshAhead;
  EXPECT_EQ(AuthorizeNow(), "Bearer at1");
  EXPECT_EQ(AuthorizeNow(), "Bearer at1");
  EXPECT_EQ(AuthorizeNow(), "Bearer at1");
  client_.Respond(Last(), 200, TokenBody("at2", "rt2"));
}

TEST_F(BearerAuthenticatorTest, AtRenewTimeOneRefreshGoesOut) {
  ObtainFirstToken();
  now_ = t0_ + kLifetime - kRefreshAhead;
  for (int i = 0; i < 5; ++i) AuthorizeNow();
  ASSERT_EQ(client_.started(), 2u);
  const http::HttpRequest request = client_.request(1);
  EXPECT_EQ(request.method, http::Method::kPost);
  EXPECT_EQ(request.url, kRefreshUrl);
  EXPECT_THAT(JsonFields(request.body),
              ElementsAre(Pair("refreshToken", "rt1")));
  EXPECT_EQ(request.timeout, kRequestTimeout);
  client_.Respond(1, 200, TokenBody("at2", "rt2"));
}

TEST_F(BearerAuthenticatorTest, RefreshedTokenIsUsedOnceItArrives) {
  StartTheRefresh();
  client_.Respond(1, 200, TokenBody("at2", "rt2"));
  EXPECT_EQ(AuthorizeNow(), "Bearer at2");
  EXPECT_EQ(client_.started(), 2u);
  EXPECT_EQ(authenticator_.tokens_obtained(), 2);
}

TEST_F(BearerAuthenticatorTest, NextRefreshUsesTheRotatedRefreshToken) {
  StartTheRefresh();
  client_.Respond(1, 200, TokenBody("at2", "rt2"));
  now_ += kLifetime - kRefreshAhead;
  EXPECT_EQ(AuthorizeNow(), "Bearer at2");
  ASSERT_THAT(Exchanges(), ElementsAre(kApiKeyUrl, kRefreshUrl, kRefreshUrl));
  EXPECT_THAT(JsonFields(client_.request(2).body),
              ElementsAre(Pair("refreshToken", "rt2")));
  client_.Respond(2, 200, TokenBody("at3", "rt3"));
}

TEST_F(BearerAuthenticatorTest, RenewsAtHalfTheLifetimeOfShortTokens) {
  ObtainFirstToken(/*expires_in=*/60);
  now_ = t0_ + absl::Seconds(29);
  AuthorizeNow();
  EXPECT_EQ(client_.started(), 1u);
  now_ = t0_ + absl::Seconds(30);
  EXPECT_EQ(AuthorizeNow(), "Bearer at1");
  EXPECT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, TokenBody("at2", "rt2"));
}

TEST_F(BearerAuthenticatorTest, RefusedRefreshFallsBackToApiKey) {
  StartTheRefresh();
  client_.Respond(1, 400, kInvalidUserCredentials);
  ASSERT_THAT(Exchanges(), ElementsAre(kApiKeyUrl, kRefreshUrl, kApiKeyUrl));
  EXPECT_THAT(JsonFields(client_.request(2).body),
              ElementsAre(Pair("apiKey", kApiKey)));
  // Meanwhile the old token is still served, with no further request.
  EXPECT_EQ(AuthorizeNow(), "Bearer at1");
  EXPECT_EQ(client_.started(), 3u);
  client_.Respond(2, 200, TokenBody("at2", "rt2"));
  EXPECT_EQ(AuthorizeNow(), "Bearer at2");
}

TEST_F(BearerAuthenticatorTest, WaitersSeeOnlyTheFallbackOutcome) {
  ObtainFirstToken();
  now_ = t0_ + kLifetime + absl::Seconds(1);  // Expired: callers wait.
  const Result result = Authorize();
  ASSERT_THAT(Exchanges(), ElementsAre(kApiKeyUrl, kRefreshUrl));
  client_.Respond(1, 400, kInvalidUserCredentials);
  EXPECT_FALSE(result->has_value()) << "the refused refresh reached a caller";
  ASSERT_THAT(Exchanges(), ElementsAre(kApiKeyUrl, kRefreshUrl, kApiKeyUrl));
  client_.Respond(2, 200, TokenBody("at2", "rt2"));
  EXPECT_EQ(HeaderOf(result), "Bearer at2");
}

TEST_F(BearerAuthenticatorTest, ExpiredTokenIsNotHandedOut) {
  ObtainFirstToken();
  now_ = t0_ + kLifetime + absl::Seconds(1);
  const Result result = Authorize();
  EXPECT_FALSE(result->has_value());
  client_.Respond(Last(), 200, TokenBody("at2", "rt2"));
  EXPECT_EQ(HeaderOf(result), "Bearer at2");
}

TEST_F(BearerAuthenticatorTest, FailedRenewalKeepsServingTheValidToken) {
  StartTheRefresh();
  FailTheRenewal();
  EXPECT_EQ(AuthorizeNow(), "Bearer at1");
}

TEST_F(BearerAuthenticatorTest, FailedRenewalWaitsBeforeTryingAgain) {
  StartTheRefresh();
  FailTheRenewal();
  const absl::Time failed = now_;
  for (int i = 0; i < 10; ++i) AuthorizeNow();
  now_ = failed + kRetryAfterFailure - absl::Milliseconds(1);
  AuthorizeNow();
  EXPECT_EQ(client_.started(), 3u) << "tried again too soon";
  now_ = failed + kRetryAfterFailure;
  EXPECT_EQ(AuthorizeNow(), "Bearer at1");
  // The refresh token was refused, so this goes to the API key.
  ASSERT_THAT(Exchanges(),
              ElementsAre(kApiKeyUrl, kRefreshUrl, kApiKeyUrl, kApiKeyUrl));
  client_.Respond(3, 200, TokenBody("at2", "rt2"));
  EXPECT_EQ(AuthorizeNow(), "Bearer at2");
}

// --- Renew after a 401
// ----------------------------------------------------------

TEST_F(BearerAuthenticatorTest, RenewAsksForAnotherTry) {
  ObtainFirstToken();
  EXPECT_TRUE(authenticator_.Renew("Bearer at1"));
}

TEST_F(BearerAuthenticatorTest, RenewDropsTheTokenSoTheNextCallFetches) {
  ObtainFirstToken();
  authenticator_.Renew("Bearer at1");
  const Result result = Authorize();
  EXPECT_FALSE(result->has_value()) << "the rejected token was handed out";
  ASSERT_THAT(Exchanges(), ElementsAre(kApiKeyUrl, kRefreshUrl));
  client_.Respond(1, 200, TokenBody("at2", "rt2"));
  EXPECT_EQ(HeaderOf(result), "Bearer at2");
}

TEST_F(BearerAuthenticatorTest, ManyRenewsOfTheSameTokenFetchOnce) {
  ObtainFirstToken();
  std::vector<Result> results;
  for (int i = 0; i < 5; ++i) {
    authenticator_.Renew("Bearer at1");
    results.push_back(Authorize());
  }
  ASSERT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, TokenBody("at2", "rt2"));
  for (const Result& result : results) {
    EXPECT_EQ(HeaderOf(result), "Bearer at2");
  }
}

TEST_F(BearerAuthenticatorTest, RenewWithAnOldHeaderKeepsTheNewerToken) {
  ObtainFirstToken();
  authenticator_.Renew("Bearer at1");
  Authorize();
  client_.Respond(1, 200, TokenBody("at2", "rt2"));
  // A late 401 to a request sent with the first token.
  authenticator_.Renew("Bearer at1");
  EXPECT_EQ(AuthorizeNow(), "Bearer at2");
  EXPECT_EQ(client_.started(), 2u);
}

TEST_F(BearerAuthenticatorTest, RenewDuringRenewalWaitsForThatRenewal) {
  StartTheRefresh();
  authenticator_.Renew("Bearer at1");
  const Result result = Authorize();
  EXPECT_FALSE(result->has_value());
  EXPECT_EQ(client_.started(), 2u);
  client_.Respond(1, 200, TokenBody("at2", "rt2"));
  EXPECT_EQ(HeaderOf(result), "Bearer at2");
}

// --- Failures
// ------------------------------------------------------------------

// An answer to the first token's fetch, and the error every waiting caller
// gets instead of a token.
struct FetchFailureCase {
  const char* name;
  absl::StatusOr<http::HttpResponse> answer;
  absl::StatusCode code;
  const char* reason;

  friend void PrintTo(const FetchFailureCase& c, std::ostream* os) {
    *os << c.name;
  }
};

class BearerAuthenticatorFetchFailureTest
    : public BearerAuthenticatorTest,
      public ::testing::WithParamInterface<FetchFailureCase> {};

TEST_P(BearerAuthenticatorFetchFailureTest, EveryWaiterGetsTheError) {
  const FetchFailureCase& c = GetParam();
  std::vector<Result> results;
  for (int i = 0; i < 3; ++i) results.push_back(Authorize());
  ASSERT_EQ(client_.started(), 1u);
  client_.Complete(0, c.answer);
  for (const Result& result : results) {
    ASSERT_TRUE(result->has_value());
    ASSERT_FALSE((*result)->ok());
    const absl::Status& status = (*result)->status();
    EXPECT_EQ(status.code(), c.code);
    const google::rpc::ErrorInfo info = ErrorInfoOf(status);
    EXPECT_EQ(info.reason(), c.reason);
    // What api.video answered is its own; what the gateway made of a failed
    // or unreadable exchange is the gateway's.
    const bool relays_an_answer =
        c.reason != absl::string_view("UPSTREAM_UNREACHABLE") &&
        c.reason != absl::string_view("UPSTREAM_MALFORMED_RESPONSE");
    EXPECT_EQ(info.domain(),
              relays_an_answer ? "api.video" : "upload-token-gateway");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Answers, BearerAuthenticatorFetchFailureTest,
    ::testing::Values(
        // The operator's key is wrong: not the caller's fault.
        FetchFailureCase{"BadApiKey", BadApiKeyAnswer(),
                         absl::StatusCode::kInternal,
                         "AUTHENTICATION_INVALID_USER_CREDENTIALS"},
        FetchFailureCase{"ServerError", Answer(503, ""),
                         absl::StatusCode::kUnavailable,
                         "UPSTREAM_UNAVAILABLE"},
        FetchFailureCase{"NoConnection",
                         absl::UnavailableError("Could not connect to server"),
                         absl::StatusCode::kUnavailable,
                         "UPSTREAM_UNREACHABLE"},
        FetchFailureCase{
            "NoAccessToken",
            Answer(200, R"({"token_type":"Bearer","expires_in":3600})"),
            absl::StatusCode::kInternal, "UPSTREAM_MALFORMED_RESPONSE"},
        FetchFailureCase{"NotJson", Answer(200, "<html>hello</html>"),
                         absl::StatusCode::kInternal,
                         "UPSTREAM_MALFORMED_RESPONSE"}),
    ::testing::PrintToStringParamName());

TEST_F(BearerAuthenticatorTest, AfterAFailedFetchTheNextCallTriesAgain) {
  const Result first = Authorize();
  client_.Respond(0, 503, "");
  ASSERT_TRUE(first->has_value());
  const Result second = Authorize();
  EXPECT_FALSE(second->has_value()) << "a stale error was handed out";
  ASSERT_THAT(Exchanges(), ElementsAre(kApiKeyUrl, kApiKeyUrl));
  client_.Respond(1, 200, TokenBody("at1", "rt1"));
  EXPECT_EQ(HeaderOf(second), "Bearer at1");
}

// Each way an /auth exchange can fail, answered to a waiting caller.
struct FailureCase {
  const char* name;
  absl::StatusOr<http::HttpResponse> answer;
};

std::vector<FailureCase> FailureCases() {
  return {
      {"bad credentials", Answer(400, kInvalidUserCredentials)},
      {"401", Answer(401, "")},
      {"403 html", Answer(403, "<html>Forbidden</html>")},
      {"500 problem",
       Answer(500, R"({"type":"https://docs.api.video/reference/server-error",)"
                   R"("title":"Server error","status":500})")},
      {"502 html", Answer(502, "<html>Bad Gateway</html>")},
      {"not json", Answer(200, "oops")},
      {"no access token", Answer(200, R"({"expires_in":3600})")},
      {"no expiry", Answer(200, R"({"access_token":"at-secret"})")},
      {"no connection", absl::UnavailableError("Connection refused")},
      {"timeout", absl::DeadlineExceededError("Operation timed out")},
  };
}

TEST_F(BearerAuthenticatorTest, ApiKeyNeverAppearsInAnyError) {
  const std::vector<FailureCase> cases = FailureCases();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Result result = Authorize();
    ASSERT_EQ(client_.started(), i + 1) << cases[i].name;
    client_.Complete(i, cases[i].answer);
    ASSERT_TRUE(result->has_value()) << cases[i].name;
    ASSERT_FALSE((*result)->ok()) << cases[i].name;
    EXPECT_THAT(Everything((*result)->status()), Not(HasSubstr(kApiKey)))
        << cases[i].name;
  }
}

TEST_F(BearerAuthenticatorTest, TokensNeverAppearInAnyError) {
  ObtainFirstToken();
  for (const FailureCase& failure : FailureCases()) {
    // Expired: the caller waits for the refresh and then the fallback.
    now_ += 2 * kLifetime;
    const Result result = Authorize();
    if (client_.request(Last()).url == kRefreshUrl) {
      client_.Complete(Last(), failure.answer);
    }
    ASSERT_EQ(client_.request(Last()).url, kApiKeyUrl) << failure.name;
    client_.Complete(Last(), failure.answer);
    ASSERT_TRUE(result->has_value()) << failure.name;
    ASSERT_FALSE((*result)->ok()) << failure.name;
    const std::string text = Everything((*result)->status());
    EXPECT_THAT(text, Not(HasSubstr("at1"))) << failure.name;
    EXPECT_THAT(text, Not(HasSubstr("rt1"))) << failure.name;
    EXPECT_THAT(text, Not(HasSubstr(kApiKey))) << failure.name;
  }
}

}  // namespace
}  // namespace gateway::apivideo
