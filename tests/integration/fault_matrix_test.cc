// The fault matrix: each upstream fault the emulator can inject, against each
// RPC, gives the exact gRPC code, ErrorInfo reason and number of upstream
// attempts the README's "Failure behaviour" table promises.

#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/service/testing/error_details.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_calls.h"
#include "tests/testing/refusing_port.h"
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
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::RefusingPort;
using ::testing_support::SetDeadline;

constexpr char kApiKey[] = "fault-matrix-key-77c2";
using Code = grpc::StatusCode;

enum class Rpc { kCreate, kGet, kList, kDelete };

const char* RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kCreate:
      return "Create";
    case Rpc::kGet:
      return "Get";
    case Rpc::kList:
      return "List";
    case Rpc::kDelete:
      return "Delete";
  }
  return "?";
}

// The emulator's route for each RPC, as its stats name it.
const char* Route(Rpc rpc) {
  switch (rpc) {
    case Rpc::kCreate:
      return "POST /upload-tokens";
    case Rpc::kGet:
      return "GET /upload-tokens/{token}";
    case Rpc::kList:
      return "GET /upload-tokens";
    case Rpc::kDelete:
      return "DELETE /upload-tokens/{token}";
  }
  return "?";
}

struct Expectation {
  Code code;
  std::string reason;  // ErrorInfo reason; empty for OK
  int attempts;        // upstream requests the emulator saw
};

struct Case {
  std::string fault;  // name
  // The fault's body for POST /_emulator/faults, without method and path.
  std::string spec;
  Rpc rpc;
  Expectation expect;
  // Tokens the emulator creates in all (checks that no create is repeated).
  int tokens_created = -1;  // -1: not checked
};

std::ostream& operator<<(std::ostream& out, const Case& c) {
  return out << c.fault << "/" << RpcName(c.rpc);
}

constexpr char kProblem500[] =
    R"("body":"{\"title\":\"Server error\",\"status\":500}")";

std::vector<Case> Cases() {
  std::vector<Case> cases;
  auto add = [&cases](std::string fault, std::string spec,
                      std::vector<std::pair<Rpc, Expectation>> rows) {
    for (auto& [rpc, expect] : rows)
      cases.push_back({fault, spec, rpc, expect});
  };
  const Expectation kUnavailable3{Code::UNAVAILABLE, "UPSTREAM_UNAVAILABLE", 3};
  const Expectation kUnavailable1{Code::UNAVAILABLE, "UPSTREAM_UNAVAILABLE", 1};
  const Expectation kUnreachable3{Code::UNAVAILABLE, "UPSTREAM_UNREACHABLE", 3};
  const Expectation kUnreachable1{Code::UNAVAILABLE, "UPSTREAM_UNREACHABLE", 1};

  // 500 says the upstream failed at the request: never retried.
  add("http_500",
      absl::StrCat(R"("action":"respond","status":500,)", kProblem500),
      {{Rpc::kCreate, kUnavailable1},
       {Rpc::kGet, kUnavailable1},
       {Rpc::kList, kUnavailable1},
       {Rpc::kDelete, kUnavailable1}});
  // 502, 503, 504: idempotent calls retried up to 3 attempts; POST never.
  for (const char* status : {"502", "503", "504"}) {
    add(absl::StrCat("http_", status),
        absl::StrCat(R"("action":"respond","status":)", status),
        {{Rpc::kCreate, kUnavailable1},
         {Rpc::kGet, kUnavailable3},
         {Rpc::kList, kUnavailable3},
         {Rpc::kDelete, kUnavailable3}});
  }
  // A single 503 is absorbed by the retry of idempotent calls.
  add("http_503_once", R"("action":"respond","status":503,"times":1)",
      {{Rpc::kCreate, kUnavailable1},
       {Rpc::kGet, {Code::OK, "", 2}},
       {Rpc::kList, {Code::OK, "", 2}},
       {Rpc::kDelete, {Code::OK, "", 2}}});
  // Connection reset before any answer: the POST may have arrived. A GET's
  // first attempt goes out on the connection kept alive since SetUp, and
  // libcurl quietly resends a GET once when a kept-alive connection dies
  // unanswered, so the emulator sees one request more than the 3 attempts.
  // POST and DELETE go out on connections of their own: never resent.
  const Expectation kUnreachable3PlusResend{Code::UNAVAILABLE,
                                            "UPSTREAM_UNREACHABLE", 4};
  add("reset_before", R"("action":"reset_before")",
      {{Rpc::kCreate, kUnreachable1},
       {Rpc::kGet, kUnreachable3PlusResend},
       {Rpc::kList, kUnreachable3PlusResend},
       {Rpc::kDelete, kUnreachable3}});
  for (const char* action : {"reset_mid", "truncate"}) {
    add(action, absl::StrCat(R"("action":")", action, R"(","status":200)"),
        {{Rpc::kCreate, kUnreachable1},
         {Rpc::kGet, kUnreachable3},
         {Rpc::kList, kUnreachable3},
         {Rpc::kDelete, kUnreachable3}});
  }
  // The request took effect and the answer was lost. A DELETE retried into a
  // 404 has succeeded; a POST is never resent (no second token).
  add("reset_after_once", R"("action":"reset_after","times":1)",
      {{Rpc::kCreate, kUnreachable1},
       {Rpc::kGet, {Code::OK, "", 2}},
       {Rpc::kList, {Code::OK, "", 2}},
       {Rpc::kDelete, {Code::OK, "", 2}}});
  add("malformed_json",
      R"("action":"respond","status":200,"body":"{\"token\":")",
      {{Rpc::kCreate, {Code::INTERNAL, "UPSTREAM_MALFORMED_RESPONSE", 1}},
       {Rpc::kGet, {Code::INTERNAL, "UPSTREAM_MALFORMED_RESPONSE", 1}},
       {Rpc::kList, {Code::INTERNAL, "UPSTREAM_MALFORMED_RESPONSE", 1}},
       // A delete's body is not read.
       {Rpc::kDelete, {Code::OK, "", 1}}});
  const Expectation kRateLimited{Code::RESOURCE_EXHAUSTED, "TOO_MANY_REQUESTS",
                                 1};
  add("http_429",
      R"("action":"respond","status":429,"headers":{"X-RateLimit-Retry-After":"9"},)"
      R"("body":"{\"type\":\"https://docs.api.video/reference/too-many-requests\",\"title\":\"Too many requests.\",\"status\":429}")",
      {{Rpc::kCreate, kRateLimited},
       {Rpc::kGet, kRateLimited},
       {Rpc::kList, kRateLimited},
       {Rpc::kDelete, kRateLimited}});
  const Expectation kBadKey{Code::INTERNAL, "AUTHENTICATION_INVALID_API_KEY",
                            1};
  add("http_401",
      R"("action":"respond","status":401,)"
      R"("body":"{\"type\":\"https://docs.api.video/reference/authentication-invalid-api-key\",\"title\":\"The API key is invalid.\",\"status\":401}")",
      {{Rpc::kCreate, kBadKey},
       {Rpc::kGet, kBadKey},
       {Rpc::kList, kBadKey},
       {Rpc::kDelete, kBadKey}});
  const Expectation kSuspended{Code::INTERNAL,
                               "AUTHORIZATION_SUSPENDED_ACCOUNT", 1};
  add("http_403",
      R"("action":"respond","status":403,)"
      R"("body":"{\"type\":\"https://docs.api.video/reference/authorization-suspended-account\",\"title\":\"Suspended account\",\"status\":403}")",
      {{Rpc::kCreate, kSuspended},
       {Rpc::kGet, kSuspended},
       {Rpc::kList, kSuspended},
       {Rpc::kDelete, kSuspended}});
  const Expectation kInvalid{Code::INVALID_ARGUMENT, "INVALID_ATTRIBUTE", 1};
  add("http_400",
      R"("action":"respond","status":400,)"
      R"("body":"{\"type\":\"https://docs.api.video/reference/invalid-attribute\",\"title\":\"An attribute is invalid.\",\"name\":\"ttl\",\"status\":400}")",
      {{Rpc::kCreate, kInvalid},
       {Rpc::kGet, kInvalid},
       {Rpc::kList, kInvalid},
       {Rpc::kDelete, kInvalid}});
  // Slower than the caller's deadline (1 s): one attempt, no retry.
  const Expectation kSlow{Code::DEADLINE_EXCEEDED, "", 1};
  add("latency_beyond_deadline", R"("action":"respond","latency_ms":4000)",
      {{Rpc::kCreate, kSlow},
       {Rpc::kGet, kSlow},
       {Rpc::kList, kSlow},
       {Rpc::kDelete, kSlow}});
  // The no-duplicate rule, counted by the emulator: one token, not two.
  for (Case& c : cases) {
    if (c.rpc == Rpc::kCreate && c.fault == "reset_after_once") {
      c.tokens_created = 1;
    }
  }
  return cases;
}

class FaultMatrixTest : public testing_support::SharedEmulatorTest<
                            kApiKey, ::testing::TestWithParam<Case>> {
 protected:
  void SetUp() override {
    SharedEmulatorTest::SetUp();
    if (HasFatalFailure()) return;
    // A fresh gateway: no circuit-breaker or rate-limit state from others.
    // Its token cache is off: the token created below would otherwise be
    // answered from memory, and a fault injected for a Get of it would
    // never be asked for. The matrix is about what upstream faults become;
    // token_cache_test.cc is about what the cache spares.
    auto gateway = GatewayProcess::Start(emulator_->base_url(), kApiKey,
                                         {"--token_cache_max_age=0"});
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    stub_ = gateway_->NewStub();
    // A real token for Get and Delete to find.
    grpc::ClientContext context;
    SetDeadline(context);
    ASSERT_TRUE(
        stub_->CreateUploadToken(&context, CreateUploadTokenRequest(), &token_)
            .ok());
  }

  grpc::Status Call(Rpc rpc, absl::Duration deadline) {
    grpc::ClientContext context;
    SetDeadline(context, deadline);
    switch (rpc) {
      case Rpc::kCreate: {
        UploadToken created;
        return stub_->CreateUploadToken(&context, CreateUploadTokenRequest(),
                                        &created);
      }
      case Rpc::kGet: {
        GetUploadTokenRequest request;
        request.set_token(token_.token());
        UploadToken got;
        return stub_->GetUploadToken(&context, request, &got);
      }
      case Rpc::kList: {
        ListUploadTokensResponse response;
        return stub_->ListUploadTokens(&context, ListUploadTokensRequest(),
                                       &response);
      }
      case Rpc::kDelete: {
        DeleteUploadTokenRequest request;
        request.set_token(token_.token());
        google::protobuf::Empty empty;
        return stub_->DeleteUploadToken(&context, request, &empty);
      }
    }
    return grpc::Status(grpc::StatusCode::UNKNOWN, "no such rpc");
  }

  std::string FaultJson(const Case& c) const {
    const bool on_token = c.rpc == Rpc::kGet || c.rpc == Rpc::kDelete;
    const std::string path =
        on_token ? absl::StrCat("/upload-tokens/", token_.token())
                 : "/upload-tokens";
    const std::string method = c.rpc == Rpc::kCreate
                                   ? "POST"
                                   : (c.rpc == Rpc::kDelete ? "DELETE" : "GET");
    return absl::StrCat(R"({"method":")", method, R"(","path":")", path,
                        R"(","match":"exact",)", c.spec, "}");
  }

  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<apivideo::uploadtokens::v1::UploadTokenService::Stub> stub_;
  UploadToken token_;
};

TEST_P(FaultMatrixTest, GivesTheDocumentedCodeReasonAndAttempts) {
  const Case& c = GetParam();
  ASSERT_TRUE(emulator_->AddFault(FaultJson(c)).ok()) << FaultJson(c);
  const int before = *emulator_->RequestCount(Route(c.rpc));
  const int tokens_before = *emulator_->TokensCreated();

  grpc::Status status = Call(c.rpc, absl::Seconds(1));

  EXPECT_EQ(status.error_code(), c.expect.code) << status.error_message();
  if (!c.expect.reason.empty()) {
    auto info = FindDetail<google::rpc::ErrorInfo>(status);
    ASSERT_TRUE(info.has_value()) << status.error_message();
    EXPECT_EQ(info->reason(), c.expect.reason);
    // A relayed answer is api.video's; a connection that failed or an
    // answer that could not be read is the gateway's own finding.
    const bool gateways_finding =
        c.expect.reason == "UPSTREAM_UNREACHABLE" ||
        c.expect.reason == "UPSTREAM_MALFORMED_RESPONSE";
    EXPECT_EQ(info->domain(),
              gateways_finding ? "upload-token-gateway" : "api.video");
  }
  if (c.expect.code == Code::RESOURCE_EXHAUSTED) {
    auto retry = FindDetail<google::rpc::RetryInfo>(status);
    ASSERT_TRUE(retry.has_value());
    EXPECT_EQ(retry->retry_delay().seconds(), 9);
    // README: and QuotaFailure, whose subject is the gateway's account.
    auto quota = FindDetail<google::rpc::QuotaFailure>(status);
    ASSERT_TRUE(quota.has_value());
    ASSERT_GE(quota->violations_size(), 1);
    EXPECT_FALSE(quota->violations(0).subject().empty());
  }
  if (c.expect.code == Code::INVALID_ARGUMENT) {
    auto bad_request = FindDetail<google::rpc::BadRequest>(status);
    ASSERT_TRUE(bad_request.has_value());
    EXPECT_EQ(bad_request->field_violations(0).field(), "ttl");
  }
  // Upstream work in flight when the call ended (a slow answer) still
  // counts: wait for the emulator's count to settle at what is expected.
  EXPECT_TRUE(emulator_
                  ->WaitForRequests(Route(c.rpc), before + c.expect.attempts,
                                    absl::Seconds(5))
                  .ok());
  EXPECT_EQ(*emulator_->RequestCount(Route(c.rpc)) - before, c.expect.attempts);
  if (c.tokens_created >= 0) {
    EXPECT_EQ(*emulator_->TokensCreated() - tokens_before, c.tokens_created);
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultMatrixTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return absl::StrCat(info.param.fault, "_",
                                               RpcName(info.param.rpc));
                         });

// A connection that cannot be opened carries no request, so even a POST is
// tried again; the gateway logs the attempts it made.
TEST(FaultMatrixNoServerTest, RefusedConnectionsAreRetriedEvenForCreate) {
  auto refusing = RefusingPort::Open();
  ASSERT_TRUE(refusing.ok()) << refusing.status();
  auto gateway = GatewayProcess::Start((*refusing)->url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(5));
  UploadToken created;
  grpc::Status status =
      stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &created);
  EXPECT_EQ(status.error_code(), Code::UNAVAILABLE);
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "UPSTREAM_UNREACHABLE");
  auto line = (*gateway)->process().WaitForLine(
      "(method=CreateUploadToken code=UNAVAILABLE upstream_status=0 "
      "attempts=3)",
      absl::Seconds(5));
  EXPECT_TRUE(line.ok()) << line.status();
}

// A host that does not resolve (RFC 6761's .invalid): nothing was sent, so
// even a create is tried again, and the caller learns it is unreachable.
TEST(FaultMatrixNoServerTest, AnUnresolvableHostIsUnreachableAndRetried) {
  auto gateway = GatewayProcess::Start(
      "https://upload-token-gateway-test.invalid", kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(10));
  UploadToken created;
  const grpc::Status status =
      stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &created);
  EXPECT_EQ(status.error_code(), Code::UNAVAILABLE) << status.error_message();
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "UPSTREAM_UNREACHABLE");
  auto line = (*gateway)->process().WaitForLine(
      "(method=CreateUploadToken code=UNAVAILABLE upstream_status=0 "
      "attempts=3)",
      absl::Seconds(5));
  EXPECT_TRUE(line.ok()) << line.status() << (*gateway)->process().Output();
}

// ---- Rows of README.md's tables that the matrix above does not hold ---------

// A fresh gateway on the shared emulator, token cache off.
std::unique_ptr<GatewayProcess> FreshGateway(EmulatorProcess& emulator) {
  auto gateway = GatewayProcess::Start(emulator.base_url(), kApiKey,
                                       {"--token_cache_max_age=0"});
  EXPECT_TRUE(gateway.ok()) << gateway.status();
  return gateway.ok() ? *std::move(gateway) : nullptr;
}

grpc::Status GetToken(UploadTokenService::Stub& stub,
                      const std::string& token) {
  grpc::ClientContext context;
  SetDeadline(context);
  GetUploadTokenRequest request;
  request.set_token(token);
  UploadToken got;
  return stub.GetUploadToken(&context, request, &got);
}

std::string ReasonOf(const grpc::Status& status) {
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  return info.has_value() ? info->reason() : "(no ErrorInfo)";
}

class FaultRowsTest : public testing_support::SharedEmulatorTest<kApiKey> {};

TEST_F(FaultRowsTest, FiveFailuresInARowOpenTheCircuitAndNothingMoreIsSent) {
  auto gateway = FreshGateway(*emulator_);
  ASSERT_NE(gateway, nullptr);
  auto stub = gateway->NewStub();
  // 500: not retried, so each call is one upstream failure.
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/",)"
                             R"("match":"prefix","status":500})")
                  .ok());
  for (int i = 0; i < 5; ++i) {
    const grpc::Status status = GetToken(*stub, "toBroken");
    EXPECT_EQ(status.error_code(), Code::UNAVAILABLE) << i;
    EXPECT_EQ(ReasonOf(status), "UPSTREAM_UNAVAILABLE") << i;
  }
  const grpc::Status refused = GetToken(*stub, "toBroken");
  EXPECT_EQ(refused.error_code(), Code::UNAVAILABLE);
  EXPECT_EQ(ReasonOf(refused), "UPSTREAM_CIRCUIT_OPEN");
  auto retry = FindDetail<google::rpc::RetryInfo>(refused);
  ASSERT_TRUE(retry.has_value());
  EXPECT_GT(retry->retry_delay().nanos() + retry->retry_delay().seconds(), 0);
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 5);
}

TEST_F(FaultRowsTest, AnUnknownUrlIsInternalAndNamesTheBaseUrl) {
  auto gateway = FreshGateway(*emulator_);
  ASSERT_NE(gateway, nullptr);
  ASSERT_TRUE(
      emulator_
          ->AddFault(
              R"({"method":"GET","path":"/upload-tokens/","match":"prefix",)"
              R"("status":404,"body":"{\"type\":\"https://docs.api.video/reference/unrecognized-request-url\",)"
              R"(\"title\":\"Unrecognized request URL.\",\"status\":404}"})")
          .ok());
  const grpc::Status status = GetToken(*gateway->NewStub(), "toAnything");
  EXPECT_EQ(status.error_code(), Code::INTERNAL);
  EXPECT_EQ(ReasonOf(status), "UNRECOGNIZED_REQUEST_URL");
  EXPECT_THAT(status.error_message(), HasSubstr("--api_base_url"));
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 1);
}

TEST_F(FaultRowsTest, AStatusTheApiDoesNotDocumentIsInternal) {
  auto gateway = FreshGateway(*emulator_);
  ASSERT_NE(gateway, nullptr);
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/",)"
                             R"("match":"prefix","status":418})")
                  .ok());
  const grpc::Status status = GetToken(*gateway->NewStub(), "toAnything");
  EXPECT_EQ(status.error_code(), Code::INTERNAL);
  EXPECT_EQ(ReasonOf(status), "UPSTREAM_UNEXPECTED_STATUS");
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 1);
}

// Each call fails once with 503 and succeeds on its retry, so the circuit
// breaker never opens; with --retry_budget_ratio=0 nothing refills the
// burst of 10 retries, and the 11th call gets its first failure, unretried.
TEST_F(FaultRowsTest, ASpentRetryBudgetGivesTheFailedAttemptsError) {
  auto gateway = GatewayProcess::Start(
      emulator_->base_url(), kApiKey,
      {"--token_cache_max_age=0", "--retry_budget_ratio=0"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  UploadToken token;
  {
    grpc::ClientContext context;
    SetDeadline(context);
    ASSERT_TRUE(
        stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &token)
            .ok());
  }
  const std::string fail_once =
      absl::StrCat(R"({"method":"GET","path":"/upload-tokens/)", token.token(),
                   R"(","times":1,"status":503})");
  for (int call = 1; call <= 10; ++call) {
    ASSERT_TRUE(emulator_->AddFault(fail_once).ok());
    const grpc::Status status = GetToken(*stub, token.token());
    ASSERT_TRUE(status.ok())
        << "call " << call << ": " << status.error_message();
  }
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 20);
  ASSERT_TRUE(emulator_->AddFault(fail_once).ok());
  const grpc::Status spent = GetToken(*stub, token.token());
  EXPECT_EQ(spent.error_code(), Code::UNAVAILABLE);
  EXPECT_EQ(ReasonOf(spent), "UPSTREAM_UNAVAILABLE");
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 21);
}

}  // namespace
