// End-to-end tests: a real gRPC client calls the real gateway process, which
// calls the real emulator process over loopback HTTP.

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/service/testing/error_details.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_calls.h"
#include "tests/testing/shared_emulator_test.h"

namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::DeleteUploadTokenRequest;
using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensResponse;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::apivideo::uploadtokens::v1::UploadTokenService;
using ::gateway::service::testing::FindDetail;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::PendingCall;
using ::testing_support::SetDeadline;

constexpr char kApiKey[] = "integration-test-key-6f1c0e";

std::string MetadataValue(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    const std::string& key) {
  auto it = metadata.find(key);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// One emulator for the suite, reset before each test; a fresh gateway for
// each test, so that no test sees another's rate-limit window or circuit
// breaker state.
class UploadTokenServiceTest
    : public testing_support::SharedEmulatorTest<kApiKey> {
 protected:
  void SetUp() override {
    SharedEmulatorTest::SetUp();
    if (HasFatalFailure()) return;
    auto gateway = GatewayProcess::Start(emulator_->base_url(), kApiKey);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    stub_ = gateway_->NewStub();
  }

  grpc::Status Create(int ttl, UploadToken& token) {
    grpc::ClientContext context;
    SetDeadline(context);
    CreateUploadTokenRequest request;
    request.set_ttl(ttl);
    return stub_->CreateUploadToken(&context, request, &token);
  }

  UploadToken MustCreate(int ttl) {
    UploadToken token;
    grpc::Status status = Create(ttl, token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return token;
  }

  grpc::Status Get(const std::string& token, UploadToken& out) {
    grpc::ClientContext context;
    SetDeadline(context);
    GetUploadTokenRequest request;
    request.set_token(token);
    return stub_->GetUploadToken(&context, request, &out);
  }

  grpc::Status Delete(const std::string& token) {
    grpc::ClientContext context;
    SetDeadline(context);
    DeleteUploadTokenRequest request;
    request.set_token(token);
    google::protobuf::Empty empty;
    return stub_->DeleteUploadToken(&context, request, &empty);
  }

  grpc::Status List(const ListUploadTokensRequest& request,
                    ListUploadTokensResponse& response) {
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->ListUploadTokens(&context, request, &response);
  }

  // Every token of a listing, following next_page_token to the end.
  std::vector<std::string> ListAll(ListUploadTokensRequest request) {
    std::vector<std::string> tokens;
    for (int pages = 0; pages < 100; ++pages) {
      ListUploadTokensResponse response;
      grpc::Status status = List(request, response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const UploadToken& token : response.upload_tokens()) {
        tokens.push_back(token.token());
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return tokens;
  }

  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<UploadTokenService::Stub> stub_;
};

TEST_F(UploadTokenServiceTest, CreateReturnsTokenThatExpiresAfterTtl) {
  UploadToken token = MustCreate(3600);
  EXPECT_THAT(token.token(), ::testing::MatchesRegex("to[0-9A-Za-z]{22}"));
  EXPECT_EQ(token.ttl(), 3600);
  ASSERT_TRUE(token.has_created_at());
  ASSERT_TRUE(token.has_expires_at());
  EXPECT_EQ(token.expires_at().seconds() - token.created_at().seconds(), 3600);
}

TEST_F(UploadTokenServiceTest, CreateWithTtlZeroNeverExpires) {
  UploadToken token = MustCreate(0);
  EXPECT_EQ(token.ttl(), 0);
  EXPECT_TRUE(token.has_created_at());
  EXPECT_FALSE(token.has_expires_at());
}

TEST_F(UploadTokenServiceTest, CreateWithNegativeTtlFailsBeforeUpstream) {
  UploadToken token;
  grpc::Status status = Create(-1, token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 1);
  EXPECT_EQ(bad_request->field_violations(0).field(), "ttl");
  EXPECT_EQ(*emulator_->RequestCount("POST /upload-tokens"), 0);
}

TEST_F(UploadTokenServiceTest, GetReturnsTheCreatedToken) {
  UploadToken created = MustCreate(600);
  UploadToken got;
  grpc::Status status = Get(created.token(), got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());
}

TEST_F(UploadTokenServiceTest, GetUnknownTokenIsNotFoundWithDetails) {
  UploadToken got;
  grpc::Status status = Get("toDoesNotExist0000000000", got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("toDoesNotExist0000000000"));
  auto resource = FindDetail<google::rpc::ResourceInfo>(status);
  ASSERT_TRUE(resource.has_value());
  EXPECT_EQ(resource->resource_type(), "apivideo.uploadtokens.v1.UploadToken");
  EXPECT_EQ(resource->resource_name(), "toDoesNotExist0000000000");
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->domain(), "api.video");
  EXPECT_EQ(info->reason(), "RESOURCE_NOT_FOUND");
}

TEST_F(UploadTokenServiceTest, HostileTokensAreRejectedBeforeUpstream) {
  const std::vector<std::string> hostile = {"",
                                            "../videos",
                                            "%2e%2e",
                                            "a/b",
                                            "a?b",
                                            "a#b",
                                            std::string("a\0b", 3),
                                            "t\xD0\xBE"
                                            "ken",  // Cyrillic 'o'
                                            std::string(65, 'a'),
                                            std::string(10 * 1024, 'a')};
  for (const std::string& token : hostile) {
    UploadToken got;
    grpc::Status get_status = Get(token, got);
    EXPECT_EQ(get_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << "GetUploadToken(" << token.substr(0, 20) << ")";
    auto bad_request = FindDetail<google::rpc::BadRequest>(get_status);
    ASSERT_TRUE(bad_request.has_value());
    EXPECT_EQ(bad_request->field_violations(0).field(), "token");
    EXPECT_EQ(Delete(token).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 0);
  EXPECT_EQ(*emulator_->RequestCount("DELETE /upload-tokens/{token}"), 0);
  EXPECT_EQ(*emulator_->RequestCount("other"), 0);
}

TEST_F(UploadTokenServiceTest, DeletedTokenIsNotFoundAfterwards) {
  UploadToken created = MustCreate(0);
  grpc::Status deleted = Delete(created.token());
  ASSERT_TRUE(deleted.ok()) << deleted.error_message();
  UploadToken got;
  EXPECT_EQ(Get(created.token(), got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Delete(created.token()).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(UploadTokenServiceTest, ExpiredTokenIsGoneFromGetListAndDelete) {
  // Only the emulator's clock jumps past expires_at; the gateway's does not,
  // so its token cache would rightly still answer for the token. This test
  // is about api.video's answers; the cache's own respect of expires_at is
  // token_cache_test's.
  auto gateway = GatewayProcess::Start(emulator_->base_url(), kApiKey,
                                       {"--token_cache_max_age=0"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  gateway_ = *std::move(gateway);
  stub_ = gateway_->NewStub();
  UploadToken created = MustCreate(60);
  ASSERT_TRUE(emulator_->AdvanceClock(61).ok());
  UploadToken got;
  EXPECT_EQ(Get(created.token(), got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Delete(created.token()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(ListAll({}), ::testing::IsEmpty());
}

TEST_F(UploadTokenServiceTest, EmptyListHasNoNextPage) {
  ListUploadTokensResponse response;
  grpc::Status status = List({}, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.upload_tokens_size(), 0);
  EXPECT_EQ(response.next_page_token(), "");
  EXPECT_EQ(response.total_size(), 0);
}

TEST_F(UploadTokenServiceTest, ExactlyFullLastPageHasNoNextPage) {
  for (int i = 0; i < 4; ++i) MustCreate(0);
  ListUploadTokensRequest request;
  request.set_page_size(2);
  ListUploadTokensResponse first;
  ASSERT_TRUE(List(request, first).ok());
  ASSERT_EQ(first.upload_tokens_size(), 2);
  ASSERT_NE(first.next_page_token(), "");
  request.set_page_token(first.next_page_token());
  ListUploadTokensResponse second;
  ASSERT_TRUE(List(request, second).ok());
  EXPECT_EQ(second.upload_tokens_size(), 2);
  EXPECT_EQ(second.next_page_token(), "");
  EXPECT_EQ(second.total_size(), 4);
}

TEST_F(UploadTokenServiceTest, HundredAndOneTokensComeInPagesOfHundred) {
  std::set<std::string> created;
  for (int i = 0; i < 101; ++i) created.insert(MustCreate(3600).token());
  ListUploadTokensRequest request;
  request.set_page_size(500);  // coerced to 100
  ListUploadTokensResponse first;
  ASSERT_TRUE(List(request, first).ok());
  EXPECT_EQ(first.upload_tokens_size(), 100);
  EXPECT_EQ(first.total_size(), 101);
  ASSERT_NE(first.next_page_token(), "");
  request.set_page_token(first.next_page_token());
  ListUploadTokensResponse second;
  ASSERT_TRUE(List(request, second).ok());
  EXPECT_EQ(second.upload_tokens_size(), 1);
  EXPECT_EQ(second.next_page_token(), "");
  std::set<std::string> listed;
  for (const auto* page : {&first, &second}) {
    for (const UploadToken& token : page->upload_tokens()) {
      listed.insert(token.token());
    }
  }
  EXPECT_EQ(listed, created);
}

TEST_F(UploadTokenServiceTest, DefaultPageSizeIsTwentyFive) {
  for (int i = 0; i < 26; ++i) MustCreate(0);
  ListUploadTokensResponse response;
  ASSERT_TRUE(List({}, response).ok());
  EXPECT_EQ(response.upload_tokens_size(), 25);
  EXPECT_NE(response.next_page_token(), "");
}

TEST_F(UploadTokenServiceTest, ListOrdersByTtlDescending) {
  for (int ttl : {300, 100, 200}) MustCreate(ttl);
  ListUploadTokensRequest request;
  request.set_order_by("ttl desc");
  request.set_page_size(2);
  std::vector<int> ttls;
  for (int pages = 0; pages < 5; ++pages) {
    ListUploadTokensResponse response;
    ASSERT_TRUE(List(request, response).ok());
    for (const UploadToken& token : response.upload_tokens()) {
      ttls.push_back(token.ttl());
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(ttls, ::testing::ElementsAre(300, 200, 100));
}

TEST_F(UploadTokenServiceTest, ListOrdersByCreationNewestFirst) {
  UploadToken first = MustCreate(0);
  ASSERT_TRUE(emulator_->AdvanceClock(5).ok());
  UploadToken second = MustCreate(0);
  ListUploadTokensRequest request;
  request.set_order_by("created_at desc");
  EXPECT_THAT(ListAll(request),
              ::testing::ElementsAre(second.token(), first.token()));
}

TEST_F(UploadTokenServiceTest, PageTokenOfAnotherOrderIsInvalid) {
  for (int i = 0; i < 3; ++i) MustCreate(3600 + i);
  ListUploadTokensRequest request;
  request.set_page_size(1);
  request.set_order_by("ttl");
  ListUploadTokensResponse response;
  ASSERT_TRUE(List(request, response).ok());
  request.set_order_by("created_at");
  request.set_page_token(response.next_page_token());
  grpc::Status status = List(request, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations(0).field(), "page_token");
}

TEST_F(UploadTokenServiceTest, ForgedPageTokenIsInvalid) {
  ListUploadTokensRequest request;
  request.set_page_token("bm90IGEgcmVhbCB0b2tlbg");
  ListUploadTokensResponse response;
  grpc::Status status = List(request, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 0);
}

TEST_F(UploadTokenServiceTest, BadListArgumentsAreAllReported) {
  ListUploadTokensRequest request;
  request.set_page_size(-1);
  request.set_order_by("name");
  ListUploadTokensResponse response;
  grpc::Status status = List(request, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  std::set<std::string> fields;
  for (const auto& violation : bad_request->field_violations()) {
    fields.insert(violation.field());
  }
  EXPECT_EQ(fields, (std::set<std::string>{"page_size", "order_by"}));
}

TEST_F(UploadTokenServiceTest, RateLimitHeadersComeBackAsMetadata) {
  grpc::ClientContext context;
  SetDeadline(context);
  CreateUploadTokenRequest request;
  UploadToken token;
  ASSERT_TRUE(stub_->CreateUploadToken(&context, request, &token).ok());
  const auto& metadata = context.GetServerInitialMetadata();
  EXPECT_NE(MetadataValue(metadata, "x-ratelimit-limit"), "");
  EXPECT_NE(MetadataValue(metadata, "x-ratelimit-remaining"), "");
  EXPECT_NE(MetadataValue(metadata, "x-ratelimit-retry-after"), "");
}

TEST_F(UploadTokenServiceTest, UsedUpWindowFailsFastWithRetryInfo) {
  ASSERT_TRUE(emulator_->SetRateLimits(1000, 1, 60).ok());
  MustCreate(0);  // Answered with X-RateLimit-Remaining: 0.
  grpc::ClientContext context;
  SetDeadline(context);
  CreateUploadTokenRequest request;
  UploadToken token;
  grpc::Status status = stub_->CreateUploadToken(&context, request, &token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto retry = FindDetail<google::rpc::RetryInfo>(status);
  ASSERT_TRUE(retry.has_value());
  EXPECT_GT(retry->retry_delay().seconds(), 0);
  // The 60 s window, its reset taken a second late.
  EXPECT_LE(retry->retry_delay().seconds(), 61);
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "TOO_MANY_REQUESTS");
  // The gateway knew the window was used up and did not ask again.
  EXPECT_EQ(*emulator_->RequestCount("POST /upload-tokens"), 1);
  // On an error the metadata arrives with the trailers.
  std::string remaining = MetadataValue(context.GetServerInitialMetadata(),
                                        "x-ratelimit-remaining");
  if (remaining.empty()) {
    remaining = MetadataValue(context.GetServerTrailingMetadata(),
                              "x-ratelimit-remaining");
  }
  EXPECT_EQ(remaining, "0");
}

TEST_F(UploadTokenServiceTest, AUsedUpWriteWindowLeavesReadsGoing) {
  ASSERT_TRUE(emulator_->SetRateLimits(1000, 1, 60).ok());
  MustCreate(0);  // Answered with X-RateLimit-Remaining: 0 for writes.
  grpc::ClientContext context;
  SetDeadline(context);
  UploadToken token;
  EXPECT_EQ(
      stub_->CreateUploadToken(&context, CreateUploadTokenRequest(), &token)
          .error_code(),
      grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(*emulator_->RequestCount("POST /upload-tokens"), 1);
  // api.video counts reads apart: a list still goes out, and is answered.
  ListUploadTokensResponse response;
  const grpc::Status listed = List({}, response);
  EXPECT_TRUE(listed.ok()) << listed.error_message();
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 1);
}

TEST_F(UploadTokenServiceTest, AUsedUpReadWindowLeavesCreatesGoing) {
  ASSERT_TRUE(emulator_->SetRateLimits(1, 1000, 60).ok());
  ListUploadTokensResponse response;
  ASSERT_TRUE(List({}, response).ok());  // X-RateLimit-Remaining: 0 for reads
  EXPECT_EQ(List({}, response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 1);
  MustCreate(0);
  EXPECT_EQ(*emulator_->RequestCount("POST /upload-tokens"), 1);
}

TEST_F(UploadTokenServiceTest, UpstreamTooManyRequestsIsResourceExhausted) {
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens",
                     "match":"exact","action":"respond","status":429,
                     "headers":{"X-RateLimit-Limit":"100",
                                "X-RateLimit-Remaining":"0",
                                "X-RateLimit-Retry-After":"17"},
                     "body":"{\"type\":\"https://docs.api.video/reference/too-many-requests\",\"title\":\"Too many requests.\",\"status\":429}"})")
                  .ok());
  ListUploadTokensResponse response;
  grpc::Status status = List({}, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto retry = FindDetail<google::rpc::RetryInfo>(status);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 17);
  EXPECT_TRUE(FindDetail<google::rpc::QuotaFailure>(status).has_value());
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 1);
}

TEST_F(UploadTokenServiceTest, UpstreamServerErrorIsUnavailable) {
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/",
                     "match":"prefix","action":"respond","status":503,
                     "content_type":"application/problem+json",
                     "body":"{\"title\":\"Service unavailable\",\"status\":503}"})")
                  .ok());
  UploadToken got;
  grpc::Status status = Get("toSomething", got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(FindDetail<google::rpc::ErrorInfo>(status).has_value());
}

TEST_F(UploadTokenServiceTest, UpstreamForbiddenIsInternalNotPermissionDenied) {
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"POST","path":"/upload-tokens",
                     "match":"exact","action":"respond","status":403,
                     "content_type":"application/problem+json",
                     "body":"{\"type\":\"https://docs.api.video/reference/authorization-suspended-account\",\"title\":\"Suspended account\",\"status\":403}"})")
                  .ok());
  UploadToken token;
  grpc::Status status = Create(0, token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "AUTHORIZATION_SUSPENDED_ACCOUNT");
}

TEST_F(UploadTokenServiceTest, MalformedUpstreamBodyIsInternal) {
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens",
                     "match":"exact","action":"respond","status":200,
                     "content_type":"application/json",
                     "body":"{\"data\": [ {\"token\": 12"})")
                  .ok());
  ListUploadTokensResponse response;
  grpc::Status status = List({}, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "UPSTREAM_MALFORMED_RESPONSE");
}

TEST_F(UploadTokenServiceTest, UpstreamSlowerThanDeadlineIsDeadlineExceeded) {
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/",
                     "match":"prefix","action":"respond","latency_ms":3000})")
                  .ok());
  grpc::ClientContext context;
  SetDeadline(context, absl::Milliseconds(300));
  GetUploadTokenRequest request;
  request.set_token("toSlow");
  UploadToken got;
  const absl::Time start = absl::Now();
  grpc::Status status = stub_->GetUploadToken(&context, request, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

// The gateway's own bound, not the caller's: with a caller deadline far
// away, --upstream_timeout ends the wait for a slow api.video, and the
// reason says so. A gateway ignoring the flag would answer OK after 4 s.
TEST_F(UploadTokenServiceTest, UpstreamTimeoutEndsTheCallLongBeforeTheCallers) {
  auto gateway = GatewayProcess::Start(emulator_->base_url(), kApiKey,
                                       {"--upstream_timeout=300ms"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  UploadToken made = MustCreate(3600);
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/",
                     "match":"prefix","action":"respond","latency_ms":4000})")
                  .ok());
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(30));
  GetUploadTokenRequest request;
  request.set_token(made.token());
  UploadToken got;
  const absl::Time start = absl::Now();
  const grpc::Status status = stub->GetUploadToken(&context, request, &got);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << status.error_message();
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "UPSTREAM_TIMEOUT");
  // Generous (a loaded machine): the point is "not the emulator's 4 s, not
  // the caller's 30 s".
  EXPECT_LT(elapsed, absl::Seconds(3));
  EXPECT_GE(*emulator_->RequestCount("GET /upload-tokens/{token}"), 1);
}

TEST_F(UploadTokenServiceTest, ResetConnectionIsUnavailable) {
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/",
                     "match":"prefix","action":"reset_before"})")
                  .ok());
  UploadToken got;
  grpc::Status status = Get("toReset", got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "UPSTREAM_UNREACHABLE");
}

TEST_F(UploadTokenServiceTest, CancelledCallAbortsItsUpstreamRequest) {
  // The emulator holds the request until the fault is deleted, which this
  // test never does: only the gateway closing it can end it.
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/",
                     "match":"prefix","hold":true})")
                  .ok());
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(30));
  GetUploadTokenRequest request;
  request.set_token("toCancelMe");
  UploadToken got;
  PendingCall call;
  stub_->async()->GetUploadToken(&context, &request, &got, call.OnDone());
  // Cancel only once the request has reached the emulator.
  ASSERT_TRUE(emulator_->WaitForRequests("GET /upload-tokens/{token}", 1).ok());
  const absl::Time cancelled_at = absl::Now();
  context.TryCancel();
  ASSERT_TRUE(call.Wait(absl::Seconds(10)));
  EXPECT_EQ(call.status().error_code(), grpc::StatusCode::CANCELLED);
  // The gateway logs the call as cancelled long before the upstream answers.
  auto line = gateway_->process().WaitForLine(
      "(method=GetUploadToken code=CANCELLED)", absl::Seconds(5));
  EXPECT_TRUE(line.ok()) << line.status();
  EXPECT_LT(absl::Now() - cancelled_at, absl::Seconds(5));
  // And the upstream request was closed, not left to hold a connection.
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (*emulator_->Abandoned() == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(*emulator_->Abandoned(), 1);
}

TEST_F(UploadTokenServiceTest, AccessLogHasOneLinePerCallAndNoKey) {
  UploadToken got;
  Get("toLoggedLookup0000000000", got);
  auto line = gateway_->process().WaitForLine(
      "(rpc method=GetUploadToken code=NOT_FOUND upstream_status=404 "
      "attempts=1 latency_ms=[0-9.]+)",
      absl::Seconds(5));
  EXPECT_TRUE(line.ok()) << line.status();
  EXPECT_THAT(gateway_->process().Output(), Not(HasSubstr(kApiKey)));
}

TEST_F(UploadTokenServiceTest, HealthIsServingForServerAndService) {
  auto health = grpc::health::v1::Health::NewStub(gateway_->NewChannel());
  for (const std::string service :
       {"", "apivideo.uploadtokens.v1.UploadTokenService"}) {
    grpc::ClientContext context;
    SetDeadline(context);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = health->Check(&context, request, &response);
    ASSERT_TRUE(status.ok()) << service << ": " << status.error_message();
    EXPECT_EQ(response.status(),
              grpc::health::v1::HealthCheckResponse::SERVING);
  }
}

}  // namespace
