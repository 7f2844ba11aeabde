// UploadTokenService on a real gRPC server (in-process channel) in front of
// a mock UploadTokenStub: what the edge asks upstream, what it refuses
// before asking, and how answers and errors reach the caller.

#include "gateway/service/upload_token_service.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/apivideo/testing/mock_upload_token_stub.h"
#include "gateway/common/status_details.h"
#include "gateway/common/testing/temp_file.h"
#include "gateway/governance/testing/recording_audit_trail.h"
#include "gateway/security/caller_policy.h"
#include "gateway/security/caller_policy_store.h"
#include "gateway/service/testing/error_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace gateway::service {
namespace {

namespace v1 = ::apivideo::uploadtokens::v1;
namespace upstream_testing = ::gateway::apivideo::testing;

using ::gateway::service::testing::FindDetail;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SaveArg;
using Client = v1::UploadTokenService::Stub;

constexpr char kToken[] = "to1tcmSFHeYY5KzyhOqVKMKb";

v1::UploadToken SomeToken() {
  v1::UploadToken token;
  token.set_token(kToken);
  token.set_ttl(3600);
  token.mutable_created_at()->set_seconds(1'800'000'000);
  return token;
}

v1::GetUploadTokenRequest GetRequest(absl::string_view token) {
  v1::GetUploadTokenRequest request;
  request.set_token(std::string(token));
  return request;
}

// Holds an upstream operation open until the test completes it.
template <typename T>
struct HeldCall {
  auto Action() {
    return [this](auto&&, const apivideo::CallOptions& options,
                  apivideo::ApiCallback<T> done) {
      this->options = options;
      this->done = std::move(done);
      started.Notify();
      return handle;
    };
  }
  void Complete(absl::StatusOr<T> result) {
    std::move(done)(apivideo::ApiResult<T>{std::move(result), {}});
  }

  absl::Notification started;
  apivideo::CallOptions options;
  apivideo::ApiCallback<T> done;
  std::shared_ptr<upstream_testing::CountingCancellable> handle =
      std::make_shared<upstream_testing::CountingCancellable>();
};

// Keeps every audit event, for the test to read.
class UploadTokenServiceOnMockTest : public ::testing::Test {
 protected:
  ~UploadTokenServiceOnMockTest() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // A service under the caller rules of `policies` (a caller policy file's
  // text; none when empty).
  void StartServer(UploadTokenServiceOptions options = {},
                   const std::string& policies = "") {
    if (!policies.empty()) {
      policy_file_ = std::make_unique<gateway::testing::TempFile>(policies);
    }
    absl::StatusOr<std::unique_ptr<governance::CallerRulesStore>> rules =
        governance::CallerRulesStore::Load(
            policy_file_ != nullptr ? policy_file_->path() : "");
    ASSERT_TRUE(rules.ok()) << rules.status();
    rules_ = *std::move(rules);
    ServiceGovernance governance;
    governance.rules = rules_.get();
    governance.ownership = &ownership_;
    governance.audit = &audit_;
    service_ = std::make_unique<UploadTokenService>(
        upstream_, page_tokens_, callers_, governance, scrubber_, access_log_,
        /*metrics=*/nullptr, options);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    client_ = v1::UploadTokenService::NewStub(
        server_->InProcessChannel(grpc::ChannelArguments()));
  }

  grpc::Status Get(absl::string_view token, v1::UploadToken* response = nullptr,
                   grpc::ClientContext* context = nullptr) {
    grpc::ClientContext default_context;
    v1::UploadToken ignored;
    return client_->GetUploadToken(
        context != nullptr ? context : &default_context, GetRequest(token),
        response != nullptr ? response : &ignored);
  }

  // The apivideo::CallOptions the upstream operation of a successful Get made
  // with `context` was given.
  apivideo::CallOptions OptionsOfAGet(grpc::ClientContext& context) {
    apivideo::CallOptions seen;
    EXPECT_CALL(upstream_, Get(_, _, _))
        .WillOnce(::testing::DoAll(
            SaveArg<1>(&seen),
            upstream_testing::AnswerWith<v1::UploadToken>(SomeToken())));
    EXPECT_TRUE(Get(kToken, nullptr, &context).ok());
    return seen;
  }

  upstream_testing::MockUploadTokenStub upstream_;
  PageTokenCodec page_tokens_{"page-token-secret-for-the-unit-test"};
  security::CallerPolicyStore callers_{security::CallerPolicy()};
  std::unique_ptr<gateway::testing::TempFile> policy_file_;
  std::unique_ptr<governance::CallerRulesStore> rules_;
  governance::OwnershipIndex ownership_;
  governance::testing::RecordingAuditTrail audit_;
  security::SecretScrubber scrubber_;
  observability::AccessLog access_log_{/*enabled=*/false};
  std::unique_ptr<UploadTokenService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Client> client_;
};

// ---- Answers ----------------------------------------------------------------

TEST_F(UploadTokenServiceOnMockTest, GetAsksUpstreamForTheTokenAndReturnsIt) {
  StartServer();
  EXPECT_CALL(upstream_, Get(absl::string_view(kToken), _, _))
      .WillOnce(upstream_testing::AnswerWith<v1::UploadToken>(SomeToken()));
  v1::UploadToken response;
  ASSERT_TRUE(Get(kToken, &response).ok());
  EXPECT_EQ(response.SerializeAsString(), SomeToken().SerializeAsString());
}

TEST_F(UploadTokenServiceOnMockTest, CreatePassesTheTtl) {
  StartServer();
  EXPECT_CALL(upstream_, Create(3600, _, _))
      .WillOnce(upstream_testing::AnswerWith<v1::UploadToken>(SomeToken()));
  grpc::ClientContext context;
  v1::CreateUploadTokenRequest request;
  request.set_ttl(3600);
  v1::UploadToken response;
  ASSERT_TRUE(client_->CreateUploadToken(&context, request, &response).ok());
  EXPECT_EQ(response.token(), kToken);
}

TEST_F(UploadTokenServiceOnMockTest, DeleteAsksUpstreamToDeleteTheToken) {
  StartServer();
  EXPECT_CALL(upstream_, Delete(absl::string_view(kToken), _, _))
      .WillOnce(upstream_testing::AnswerWith<google::protobuf::Empty>(
          google::protobuf::Empty()));
  grpc::ClientContext context;
  v1::DeleteUploadTokenRequest request;
  request.set_token(kToken);
  google::protobuf::Empty response;
  EXPECT_TRUE(client_->DeleteUploadToken(&context, request, &response).ok());
}

TEST_F(UploadTokenServiceOnMockTest,
       ListPagesThroughUpstreamPagesWithPageTokens) {
  StartServer();
  apivideo::TokenPage first;
  *first.tokens.Add() = SomeToken();
  *first.tokens.Add() = SomeToken();
  first.total_tokens = 5;
  first.page = 1;
  first.page_count = 3;
  apivideo::ListQuery second_query;
  EXPECT_CALL(upstream_, List(_, _, _))
      .WillOnce(
          upstream_testing::AnswerWith<apivideo::TokenPage>(std::move(first)))
      .WillOnce(
          ::testing::DoAll(SaveArg<0>(&second_query),
                           upstream_testing::AnswerWith<apivideo::TokenPage>(
                               apivideo::TokenPage())));
  v1::ListUploadTokensRequest request;
  request.set_page_size(2);
  v1::ListUploadTokensResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(client_->ListUploadTokens(&context, request, &response).ok());
  }
  EXPECT_EQ(response.upload_tokens_size(), 2);
  EXPECT_EQ(response.total_size(), 5);
  ASSERT_THAT(response.next_page_token(), Not(::testing::IsEmpty()));

  request.set_page_token(response.next_page_token());
  grpc::ClientContext context;
  ASSERT_TRUE(client_->ListUploadTokens(&context, request, &response).ok());
  EXPECT_EQ(second_query.current_page, 2);
  EXPECT_EQ(second_query.page_size, 2);
}

TEST_F(UploadTokenServiceOnMockTest, RateLimitHeadersBecomeResponseMetadata) {
  StartServer();
  apivideo::UpstreamCallInfo upstream;
  upstream.http_status = 200;
  upstream.rate_limit.limit = 500;
  upstream.rate_limit.remaining = 3;
  upstream.rate_limit.retry_after_seconds = 7;
  EXPECT_CALL(upstream_, Get(_, _, _))
      .WillOnce(
          upstream_testing::AnswerWith<v1::UploadToken>(SomeToken(), upstream));
  grpc::ClientContext context;
  ASSERT_TRUE(Get(kToken, nullptr, &context).ok());
  std::vector<std::pair<std::string, std::string>> metadata;
  for (const auto& [key, value] : context.GetServerInitialMetadata()) {
    metadata.emplace_back(std::string(key.data(), key.size()),
                          std::string(value.data(), value.size()));
  }
  EXPECT_THAT(metadata, ::testing::IsSupersetOf(
                            {::testing::Pair("x-ratelimit-limit", "500"),
                             ::testing::Pair("x-ratelimit-remaining", "3"),
                             ::testing::Pair("x-ratelimit-retry-after", "7")}));
}

TEST_F(UploadTokenServiceOnMockTest, AnswerSourceBecomesXCacheMetadata) {
  StartServer();
  apivideo::UpstreamCallInfo from_cache;
  from_cache.source = apivideo::AnswerSource::kHit;
  EXPECT_CALL(upstream_, Get(_, _, _))
      .WillOnce(upstream_testing::AnswerWith<v1::UploadToken>(SomeToken(),
                                                              from_cache))
      .WillOnce(upstream_testing::AnswerWith<v1::UploadToken>(
          absl::NotFoundError("gone")));
  grpc::ClientContext hit;
  ASSERT_TRUE(Get(kToken, nullptr, &hit).ok());
  grpc::ClientContext miss;
  ASSERT_EQ(Get(kToken, nullptr, &miss).error_code(),
            grpc::StatusCode::NOT_FOUND);
  const auto x_cache = [](const grpc::ClientContext& context) {
    auto it = context.GetServerInitialMetadata().find("x-cache");
    return it == context.GetServerInitialMetadata().end()
               ? std::string("(none)")
               : std::string(it->second.data(), it->second.size());
  };
  EXPECT_EQ(x_cache(hit), "hit");
  EXPECT_EQ(x_cache(miss), "miss");
}

// ---- Errors -----------------------------------------------------------------

TEST_F(UploadTokenServiceOnMockTest,
       UpstreamErrorReachesTheCallerWithItsDetails) {
  StartServer();
  absl::Status not_found = absl::NotFoundError("upload token was not found");
  google::rpc::ResourceInfo info;
  info.set_resource_name(kToken);
  AddDetail(not_found, info);
  EXPECT_CALL(upstream_, Get(_, _, _))
      .WillOnce(upstream_testing::AnswerWith<v1::UploadToken>(not_found));
  const grpc::Status status = Get(kToken);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "upload token was not found");
  const auto detail = FindDetail<google::rpc::ResourceInfo>(status);
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->resource_name(), kToken);
}

TEST_F(UploadTokenServiceOnMockTest, UpstreamBadRequestNamesTheCallersFields) {
  StartServer();
  absl::Status rejected = absl::InvalidArgumentError("api.video rejected it");
  AddFieldViolation(rejected, "pageSize", "out of range");
  EXPECT_CALL(upstream_, List(_, _, _))
      .WillOnce(upstream_testing::AnswerWith<apivideo::TokenPage>(rejected));
  grpc::ClientContext context;
  v1::ListUploadTokensResponse response;
  const grpc::Status status = client_->ListUploadTokens(
      &context, v1::ListUploadTokensRequest(), &response);
  const auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations(0).field(), "page_size");
}

TEST_F(UploadTokenServiceOnMockTest, CredentialInAnUpstreamErrorIsWithheld) {
  scrubber_.AddSecret("SuperSecretApiKey123");
  StartServer();
  EXPECT_CALL(upstream_, Get(_, _, _))
      .WillOnce(upstream_testing::AnswerWith<v1::UploadToken>(
          absl::InternalError("echoed Basic SuperSecretApiKey123")));
  const grpc::Status status = Get(kToken);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), Not(HasSubstr("SuperSecretApiKey123")));
  EXPECT_EQ(FindDetail<google::rpc::ErrorInfo>(status)->reason(),
            "CREDENTIAL_WITHHELD");
}

// ---- Refused before any upstream call
// ----------------------------------------

TEST_F(UploadTokenServiceOnMockTest,
       InvalidTokenIsRefusedWithoutAskingUpstream) {
  StartServer();
  EXPECT_CALL(upstream_, Get).Times(0);
  const grpc::Status status = Get("not a token!");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations(0).field(), "token");
}

TEST_F(UploadTokenServiceOnMockTest,
       CallerWithoutTokenIsRefusedWithoutAskingUpstream) {
  callers_.Replace(security::CallerPolicy(
      {}, {{security::Sha256Hex("caller-token"), "billing"}}));
  StartServer();
  EXPECT_CALL(upstream_, Get).Times(0);
  EXPECT_EQ(Get(kToken).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(UploadTokenServiceOnMockTest,
       CallBeyondTheInFlightLimitIsRefusedAtOnce) {
  UploadTokenServiceOptions options;
  options.max_calls_in_flight = 1;
  StartServer(options);
  HeldCall<v1::UploadToken> held;
  EXPECT_CALL(upstream_, Get(_, _, _)).WillOnce(held.Action());
  grpc::ClientContext first_context;
  v1::UploadToken first_response;
  grpc::Status first_status;
  absl::Notification first_done;
  const v1::GetUploadTokenRequest request = GetRequest(kToken);
  client_->async()->GetUploadToken(&first_context, &request, &first_response,
                                   [&](grpc::Status status) {
                                     first_status = std::move(status);
                                     first_done.Notify();
                                   });
  held.started.WaitForNotification();

  const grpc::Status second = Get(kToken);
  EXPECT_EQ(second.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(FindDetail<google::rpc::ErrorInfo>(second)->reason(),
            "GATEWAY_OVERLOADED");

  held.Complete(SomeToken());
  first_done.WaitForNotification();
  EXPECT_TRUE(first_status.ok());
}

// ---- What goes upstream with each call
// ---------------------------------------

TEST_F(UploadTokenServiceOnMockTest, CallerDeadlineBoundsTheUpstreamDeadline) {
  StartServer();
  grpc::ClientContext context;
  const absl::Time before = absl::Now();
  context.set_deadline(absl::ToChronoTime(before + absl::Seconds(2)));
  const apivideo::CallOptions seen = OptionsOfAGet(context);
  // gRPC carries the deadline as a timeout, rounded up a little; far from
  // the 30 s cap either way.
  EXPECT_LT(seen.deadline, before + absl::Seconds(3));
  EXPECT_GT(seen.deadline, before + absl::Seconds(1));
}

TEST_F(UploadTokenServiceOnMockTest,
       CallWithoutDeadlineGetsTheUpstreamTimeout) {
  UploadTokenServiceOptions options;
  options.upstream_timeout = absl::Seconds(5);
  StartServer(options);
  grpc::ClientContext context;
  const absl::Time before = absl::Now();
  const apivideo::CallOptions seen = OptionsOfAGet(context);
  EXPECT_GE(seen.deadline, before + absl::Seconds(5));
  EXPECT_LE(seen.deadline, absl::Now() + absl::Seconds(5));
}

TEST_F(UploadTokenServiceOnMockTest, CallersTraceContextGoesUpstreamUnchanged) {
  StartServer();
  constexpr char kTraceparent[] =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  grpc::ClientContext context;
  context.AddMetadata("traceparent", kTraceparent);
  context.AddMetadata("tracestate", "vendor=abc");
  const apivideo::CallOptions seen = OptionsOfAGet(context);
  EXPECT_EQ(seen.traceparent, kTraceparent);
  EXPECT_EQ(seen.tracestate, "vendor=abc");
  EXPECT_EQ(seen.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_F(UploadTokenServiceOnMockTest, CallersNameGoesUpstream) {
  constexpr char kCallerToken[] = "caller-token-of-billing";
  callers_.Replace(security::CallerPolicy(
      {}, {{security::Sha256Hex(kCallerToken), "billing"}}));
  StartServer();
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kCallerToken));
  EXPECT_EQ(OptionsOfAGet(context).caller, "billing");
}

TEST_F(UploadTokenServiceOnMockTest, CallerWithoutPolicyGoesUpstreamUnnamed) {
  StartServer();
  grpc::ClientContext context;
  EXPECT_EQ(OptionsOfAGet(context).caller, "");
}

TEST_F(UploadTokenServiceOnMockTest, CancelledCallCancelsItsUpstreamCall) {
  StartServer();
  HeldCall<v1::UploadToken> held;
  EXPECT_CALL(upstream_, Get(_, _, _)).WillOnce(held.Action());
  grpc::ClientContext context;
  v1::UploadToken response;
  absl::Notification done;
  const v1::GetUploadTokenRequest request = GetRequest(kToken);
  client_->async()->GetUploadToken(&context, &request, &response,
                                   [&](const grpc::Status&) { done.Notify(); });
  held.started.WaitForNotification();
  context.TryCancel();
  done.WaitForNotification();
  // The server learns of the cancellation a moment after the client.
  EXPECT_TRUE(held.handle->WaitForCancel(absl::Seconds(10)));
  held.Complete(absl::CancelledError("cancelled"));
}

// ---- Governance: each caller's rules, filtered lists, the audit trail -------

v1::UploadToken CreateOk(Client& client, v1::CreateUploadTokenRequest request,
                         grpc::Status* status_out = nullptr) {
  grpc::ClientContext context;
  v1::UploadToken response;
  grpc::Status status = client.CreateUploadToken(&context, request, &response);
  if (status_out != nullptr) *status_out = status;
  return response;
}

TEST_F(UploadTokenServiceOnMockTest, CreateWithoutTtlUsesTheCallersDefault) {
  StartServer(
      {},
      R"(default_policy { max_ttl_seconds: 7200 default_ttl_seconds: 900 })");
  EXPECT_CALL(upstream_, Create(900, _, _))
      .WillOnce(upstream_testing::AnswerWith<v1::UploadToken>(SomeToken()));
  grpc::Status status;
  CreateOk(*client_, {}, &status);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(UploadTokenServiceOnMockTest,
       CreateWithoutTtlAndWithoutRulesNeverExpires) {
  StartServer();
  EXPECT_CALL(upstream_, Create(0, _, _))
      .WillOnce(upstream_testing::AnswerWith<v1::UploadToken>(SomeToken()));
  grpc::Status status;
  CreateOk(*client_, {}, &status);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(UploadTokenServiceOnMockTest,
       ATtlAboveTheCallersMaximumIsInvalidBeforeGoingUpstream) {
  StartServer({}, R"(default_policy { max_ttl_seconds: 3600 })");
  EXPECT_CALL(upstream_, Create(_, _, _)).Times(0);
  v1::CreateUploadTokenRequest request;
  request.set_ttl(3601);
  grpc::Status status;
  CreateOk(*client_, request, &status);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations(0).field(), "ttl");
  EXPECT_THAT(bad_request->field_violations(0).description(),
              HasSubstr("3600"));
}

TEST_F(UploadTokenServiceOnMockTest,
       AnExplicitZeroTtlIsInvalidWhenTheCallersTokensMustExpire) {
  StartServer({}, R"(default_policy { max_ttl_seconds: 3600 })");
  EXPECT_CALL(upstream_, Create(_, _, _)).Times(0);
  v1::CreateUploadTokenRequest request;
  request.set_ttl(0);
  grpc::Status status;
  CreateOk(*client_, request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(UploadTokenServiceOnMockTest, AReadOnlyCallerMayNotCreateOrDelete) {
  StartServer({}, R"(default_policy { read_only: true })");
  EXPECT_CALL(upstream_, Create(_, _, _)).Times(0);
  EXPECT_CALL(upstream_, Delete(_, _, _)).Times(0);
  grpc::Status status;
  CreateOk(*client_, {}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext context;
  v1::DeleteUploadTokenRequest request;
  request.set_token(kToken);
  google::protobuf::Empty empty;
  EXPECT_EQ(client_->DeleteUploadToken(&context, request, &empty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(UploadTokenServiceOnMockTest, AReadOnlyCallerMayStillRead) {
  StartServer({}, R"(default_policy { read_only: true })");
  grpc::ClientContext context;
  EXPECT_EQ(OptionsOfAGet(context).caller, "");
}

TEST_F(UploadTokenServiceOnMockTest,
       AListFilteredByCreatorIsAnsweredFromTheOwnershipIndex) {
  StartServer();
  governance::Ownership owned;
  owned.creator = "web";
  owned.ttl_seconds = 0;
  owned.created_at = absl::Now() - absl::Minutes(1);
  ownership_.Record("to-web-1", owned, absl::Now());
  owned.creator = "ops";
  ownership_.Record("to-ops-1", owned, absl::Now());
  EXPECT_CALL(upstream_, List(_, _, _)).Times(0);
  grpc::ClientContext context;
  v1::ListUploadTokensRequest request;
  request.set_filter(R"(creator = "web")");
  v1::ListUploadTokensResponse response;
  ASSERT_TRUE(client_->ListUploadTokens(&context, request, &response).ok());
  ASSERT_EQ(response.upload_tokens_size(), 1);
  EXPECT_EQ(response.upload_tokens(0).token(), "to-web-1");
  EXPECT_EQ(response.upload_tokens(0).creator(), "web");
  EXPECT_EQ(response.total_size(), 1);
}

TEST_F(UploadTokenServiceOnMockTest, AFilterItDoesNotUnderstandIsInvalid) {
  StartServer();
  EXPECT_CALL(upstream_, List(_, _, _)).Times(0);
  grpc::ClientContext context;
  v1::ListUploadTokensRequest request;
  request.set_filter("ttl > 3");
  v1::ListUploadTokensResponse response;
  const grpc::Status status =
      client_->ListUploadTokens(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations(0).field(), "filter");
}

TEST_F(UploadTokenServiceOnMockTest,
       ACallerThatMayNotReadOthersTokensMustFilterByItself) {
  StartServer({}, R"(default_policy { others: NONE })");
  EXPECT_CALL(upstream_, List(_, _, _)).Times(0);
  grpc::ClientContext context;
  v1::ListUploadTokensResponse response;
  EXPECT_EQ(client_->ListUploadTokens(&context, {}, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(UploadTokenServiceOnMockTest, ACreateIsAuditedWithTheTokenItMade) {
  StartServer();
  EXPECT_CALL(upstream_, Create(3600, _, _))
      .WillOnce(upstream_testing::AnswerWith<v1::UploadToken>(SomeToken()));
  v1::CreateUploadTokenRequest request;
  request.set_ttl(3600);
  grpc::Status status;
  CreateOk(*client_, request, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::vector<governance::AuditEvent> events = audit_.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].rpc(), "CreateUploadToken");
  EXPECT_EQ(events[0].token(), kToken);
  EXPECT_EQ(events[0].ttl(), 3600);
  EXPECT_EQ(events[0].outcome(), "OK");
  EXPECT_EQ(events[0].trace_id().size(), 32u);
  EXPECT_FALSE(events[0].peer().empty());
  EXPECT_GT(events[0].time().seconds(), 0);
}

TEST_F(UploadTokenServiceOnMockTest, ARefusedCreateIsAuditedWithItsReason) {
  StartServer({}, R"(default_policy { max_ttl_seconds: 60 })");
  v1::CreateUploadTokenRequest request;
  request.set_ttl(61);
  CreateOk(*client_, request);
  const std::vector<governance::AuditEvent> events = audit_.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].outcome(), "INVALID_ARGUMENT");
  EXPECT_EQ(events[0].reason(), "TTL_NOT_ALLOWED");
  EXPECT_EQ(events[0].ttl(), 61);
  EXPECT_EQ(events[0].token(), "");
}

TEST_F(UploadTokenServiceOnMockTest, ADeleteIsAuditedWithItsToken) {
  StartServer();
  EXPECT_CALL(upstream_, Delete(_, _, _))
      .WillOnce(upstream_testing::AnswerWith<google::protobuf::Empty>(
          absl::NotFoundError("no such token")));
  grpc::ClientContext context;
  v1::DeleteUploadTokenRequest request;
  request.set_token(kToken);
  google::protobuf::Empty empty;
  (void)client_->DeleteUploadToken(&context, request, &empty);
  const std::vector<governance::AuditEvent> events = audit_.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].rpc(), "DeleteUploadToken");
  EXPECT_EQ(events[0].token(), kToken);
  EXPECT_EQ(events[0].outcome(), "NOT_FOUND");
}

TEST_F(UploadTokenServiceOnMockTest, ReadsAreNotAudited) {
  StartServer();
  grpc::ClientContext context;
  OptionsOfAGet(context);
  EXPECT_TRUE(audit_.events().empty());
}

}  // namespace
}  // namespace gateway::service
