// Token governance against the real gateway and emulator processes: each
// caller's policy (--caller_policy_file) enforced with the documented code
// and details, policy reloads, who created which token (UploadToken.creator,
// the `creator = "..."` filter), and the audit trail (--audit_log) that
// outlives a restart.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/redis/testing/connected_client.h"
#include "gateway/redis/testing/redis_server.h"
#include "gateway/service/testing/error_details.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/caller_tokens.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_calls.h"

namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::DeleteUploadTokenRequest;
using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensResponse;
using ::apivideo::uploadtokens::v1::PurgeUploadTokensRequest;
using ::apivideo::uploadtokens::v1::PurgeUploadTokensResponse;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::apivideo::uploadtokens::v1::UploadTokenService;
using ::gateway::service::testing::FindDetail;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using ::testing_support::Authenticate;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::SetDeadline;
using ::testing_support::WriteCallerTokensFile;

constexpr char kApiKey[] = "governance-test-key-58ad";
constexpr char kCreatesRoute[] = "POST /upload-tokens";

// Each caller's bearer token; the names are those of the policy below.
const std::vector<std::pair<std::string, std::string>> kCallers = {
    {"web", "web-caller-token-7f1e0a"},
    {"ops", "ops-caller-token-2b9c44"},
    {"reporting", "reporting-caller-token-d03a"},
    {"batch", "batch-caller-token-61ee5f"},
    {"billing", "billing-caller-token-a7c210"},
    {"private", "private-caller-token-90b3"},
};

constexpr char kPolicy[] = R"(
# Every caller: tokens live at most a day, an hour unless asked otherwise.
default_policy { max_ttl_seconds: 86400 default_ttl_seconds: 3600 }
callers { name: "web" max_ttl_seconds: 3600 max_live_tokens: 2 }
callers { name: "ops" allow_no_expiry: true others: DELETE }
callers { name: "reporting" read_only: true }
callers { name: "batch" creates_per_minute: 2 }
callers { name: "private" others: NONE }
)";

std::string TokenOf(const std::string& caller) {
  for (const auto& [name, token] : kCallers) {
    if (name == caller) return token;
  }
  ADD_FAILURE() << "no caller " << caller;
  return "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class GovernanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string base = absl::StrCat(
        ::testing::TempDir(), "/governance_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->random_seed(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    tokens_file_ = base + "_caller_tokens";
    policy_file_ = base + "_policy.txtpb";
    audit_log_ = base + "_audit.jsonl";
    std::remove(audit_log_.c_str());
    WriteCallerTokensFile(tokens_file_, kCallers);
    WritePolicy(kPolicy);
    auto emulator = EmulatorProcess::Start(kApiKey);
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = *std::move(emulator);
  }

  void TearDown() override {
    gateway_.reset();
    for (const std::string& path : {tokens_file_, policy_file_, audit_log_}) {
      std::remove(path.c_str());
    }
  }

  // Replaces the policy file as a ConfigMap update does: a new file renamed
  // into place.
  void WritePolicy(const std::string& text) {
    std::ofstream(policy_file_ + ".new") << text;
    ASSERT_EQ(
        std::rename((policy_file_ + ".new").c_str(), policy_file_.c_str()), 0);
  }

  std::vector<std::string> GovernedFlags() const {
    return {absl::StrCat("--caller_tokens_file=", tokens_file_),
            absl::StrCat("--caller_policy_file=", policy_file_),
            absl::StrCat("--audit_log=", audit_log_),
            // Answers come from api.video, not from the gateway's cache: a
            // Get after a Delete must see the token gone.
            "--token_cache_max_age=0"};
  }

  void StartGateway(std::vector<std::string> extra_flags = {}) {
    std::vector<std::string> flags = GovernedFlags();
    flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
    gateway_.reset();
    auto gateway =
        GatewayProcess::Start(emulator_->base_url(), kApiKey, std::move(flags));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    stub_ = gateway_->NewStub();
  }

  grpc::Status Create(const std::string& caller, std::optional<int> ttl,
                      UploadToken& token) {
    grpc::ClientContext context;
    SetDeadline(context);
    Authenticate(context, TokenOf(caller));
    CreateUploadTokenRequest request;
    if (ttl.has_value()) request.set_ttl(*ttl);
    return stub_->CreateUploadToken(&context, request, &token);
  }

  // A Create carrying `request_id`, within `deadline`, on `stub` (the
  // gateway's when null).
  grpc::Status CreateOnce(const std::string& caller, int ttl,
                          const std::string& request_id, UploadToken& token,
                          absl::Duration deadline = absl::Seconds(5),
                          UploadTokenService::Stub* stub = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    Authenticate(context, TokenOf(caller));
    CreateUploadTokenRequest request;
    request.set_ttl(ttl);
    request.set_request_id(request_id);
    return (stub != nullptr ? stub : stub_.get())
        ->CreateUploadToken(&context, request, &token);
  }

  // Two replicas sharing a Redis server: gateway_ and another_.
  // Two gateways sharing one Redis; `other_flags` for the second only.
  void StartReplicas(std::vector<std::string> other_flags = {}) {
    auto redis = gateway::redis::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    const std::string shared =
        absl::StrCat("--redis_address=", redis_->address());
    StartGateway({shared});
    // The same callers and policy; no audit log (a file is one replica's).
    std::vector<std::string> flags = {
        absl::StrCat("--caller_tokens_file=", tokens_file_),
        absl::StrCat("--caller_policy_file=", policy_file_),
        "--token_cache_max_age=0", shared};
    flags.insert(flags.end(), other_flags.begin(), other_flags.end());
    auto another =
        GatewayProcess::Start(emulator_->base_url(), kApiKey, std::move(flags));
    ASSERT_TRUE(another.ok()) << another.status();
    another_ = *std::move(another);
    another_stub_ = another_->NewStub();
  }

  // The emulator answers the next create `latency_ms` late.
  void DelayNextCreate(int latency_ms) {
    ASSERT_TRUE(
        emulator_
            ->AddFault(absl::StrCat(
                R"({"method":"POST","path":"/upload-tokens",)",
                R"("match":"exact","times":1,"latency_ms":)", latency_ms, "}"))
            .ok());
  }

  // A token `caller` created, with the default ttl; fails the test if none.
  std::string MustCreate(const std::string& caller) {
    UploadToken token;
    const grpc::Status status = Create(caller, std::nullopt, token);
    EXPECT_TRUE(status.ok()) << caller << ": " << status.error_message();
    return token.token();
  }

  grpc::Status Get(const std::string& caller, const std::string& token,
                   UploadToken& got) {
    grpc::ClientContext context;
    SetDeadline(context);
    Authenticate(context, TokenOf(caller));
    GetUploadTokenRequest request;
    request.set_token(token);
    return stub_->GetUploadToken(&context, request, &got);
  }

  grpc::Status Delete(const std::string& caller, const std::string& token) {
    grpc::ClientContext context;
    SetDeadline(context);
    Authenticate(context, TokenOf(caller));
    DeleteUploadTokenRequest request;
    request.set_token(token);
    google::protobuf::Empty empty;
    return stub_->DeleteUploadToken(&context, request, &empty);
  }

  grpc::Status List(const std::string& caller, const std::string& filter,
                    ListUploadTokensResponse& page) {
    grpc::ClientContext context;
    SetDeadline(context);
    Authenticate(context, TokenOf(caller));
    ListUploadTokensRequest request;
    request.set_filter(filter);
    request.set_page_size(100);
    return stub_->ListUploadTokens(&context, request, &page);
  }

  grpc::Status Purge(const std::string& caller, const std::string& filter,
                     bool force, PurgeUploadTokensResponse& response) {
    grpc::ClientContext context;
    SetDeadline(context);
    Authenticate(context, TokenOf(caller));
    PurgeUploadTokensRequest request;
    request.set_filter(filter);
    request.set_force(force);
    return stub_->PurgeUploadTokens(&context, request, &response);
  }

  // The tokens of a filtered list.
  std::vector<std::string> Listed(const std::string& caller,
                                  const std::string& filter) {
    ListUploadTokensResponse page;
    const grpc::Status status = List(caller, filter, page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> tokens;
    for (const UploadToken& token : page.upload_tokens()) {
      tokens.push_back(token.token());
    }
    return tokens;
  }

  // The audit log's events, parsed as JSON objects of AuditEvent fields.
  std::vector<std::string> AuditLines() const {
    std::vector<std::string> lines;
    for (absl::string_view line :
         absl::StrSplit(ReadFile(audit_log_), '\n', absl::SkipEmpty())) {
      lines.emplace_back(line);
    }
    return lines;
  }

  std::string tokens_file_;
  std::string policy_file_;
  std::string audit_log_;
  std::unique_ptr<EmulatorProcess> emulator_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<UploadTokenService::Stub> stub_;
  std::unique_ptr<gateway::redis::RedisServer> redis_;
  std::unique_ptr<GatewayProcess> another_;
  std::unique_ptr<UploadTokenService::Stub> another_stub_;
};

// The gateway's own ErrorInfo: reason `reason`, the gateway's domain.
void ExpectGatewayReason(const grpc::Status& status,
                         const std::string& reason) {
  const auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value()) << status.error_message();
  EXPECT_EQ(info->reason(), reason);
  EXPECT_EQ(info->domain(), "upload-token-gateway");
}

// ---- Each policy field, enforced ------------------------------------------

TEST_F(GovernanceTest, TtlAboveTheCallersMaximumIsInvalidNamingTheLimit) {
  StartGateway();
  UploadToken token;
  const grpc::Status status = Create("web", 7200, token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ExpectGatewayReason(status, "TTL_NOT_ALLOWED");
  const auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 1);
  EXPECT_EQ(bad_request->field_violations(0).field(), "ttl");
  EXPECT_THAT(bad_request->field_violations(0).description(),
              HasSubstr("3600"));
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 0);
}

TEST_F(GovernanceTest, NoExpiryIsRefusedToACallerWithAMaximum) {
  StartGateway();
  UploadToken token;
  const grpc::Status status = Create("web", 0, token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ExpectGatewayReason(status, "TTL_NOT_ALLOWED");
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 0);
}

TEST_F(GovernanceTest, NoExpiryIsAllowedWhereThePolicySaysSo) {
  StartGateway();
  UploadToken token;
  const grpc::Status status = Create("ops", 0, token);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(token.ttl(), 0);
  EXPECT_FALSE(token.has_expires_at());
}

TEST_F(GovernanceTest, AnUnsetTtlGetsTheCallersDefault) {
  StartGateway();
  UploadToken token;
  const grpc::Status status = Create("billing", std::nullopt, token);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(token.ttl(), 3600);
}

TEST_F(GovernanceTest, AReadOnlyCallerMayReadButNotCreateOrDelete) {
  StartGateway();
  const std::string token = MustCreate("ops");
  UploadToken created;
  const grpc::Status create = Create("reporting", 60, created);
  EXPECT_EQ(create.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ExpectGatewayReason(create, "CALLER_READ_ONLY");
  const grpc::Status remove = Delete("reporting", token);
  EXPECT_EQ(remove.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ExpectGatewayReason(remove, "CALLER_READ_ONLY");
  UploadToken got;
  EXPECT_TRUE(Get("reporting", token, got).ok());
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 1);
  EXPECT_EQ(*emulator_->RequestCount("DELETE /upload-tokens/{token}"), 0);
}

TEST_F(GovernanceTest, AnotherCallersTokenIsReadableButNotDeletableByDefault) {
  StartGateway();
  const std::string token = MustCreate("web");
  UploadToken got;
  ASSERT_TRUE(Get("billing", token, got).ok());
  EXPECT_EQ(got.creator(), "web");
  const grpc::Status refused = Delete("billing", token);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ExpectGatewayReason(refused, "NOT_TOKEN_CREATOR");
  const auto resource = FindDetail<google::rpc::ResourceInfo>(refused);
  ASSERT_TRUE(resource.has_value());
  EXPECT_EQ(resource->resource_name(), token);
  EXPECT_EQ(resource->owner(), "web");
  EXPECT_EQ(*emulator_->RequestCount("DELETE /upload-tokens/{token}"), 0);
}

TEST_F(GovernanceTest, ACallerWithOthersNoneCannotEvenReadAnothersToken) {
  StartGateway();
  const std::string token = MustCreate("web");
  UploadToken got;
  const grpc::Status refused = Get("private", token, got);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ExpectGatewayReason(refused, "NOT_TOKEN_CREATOR");
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 0);
}

TEST_F(GovernanceTest, ACallerWithOthersDeleteRevokesAnothersToken) {
  StartGateway();
  const std::string token = MustCreate("web");
  ASSERT_TRUE(Delete("ops", token).ok());
  UploadToken got;
  EXPECT_EQ(Get("web", token, got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GovernanceTest, CreatesBeyondTheRatePerMinuteAreResourceExhausted) {
  StartGateway();
  MustCreate("batch");
  MustCreate("batch");
  UploadToken token;
  const grpc::Status refused = Create("batch", std::nullopt, token);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ExpectGatewayReason(refused, "CALLER_CREATE_RATE_EXCEEDED");
  const auto quota = FindDetail<google::rpc::QuotaFailure>(refused);
  ASSERT_TRUE(quota.has_value());
  ASSERT_EQ(quota->violations_size(), 1);
  EXPECT_EQ(quota->violations(0).subject(), "caller:batch");
  const auto retry = FindDetail<google::rpc::RetryInfo>(refused);
  ASSERT_TRUE(retry.has_value());
  // Two creates a minute: the next is due within 30 s.
  EXPECT_GT(retry->retry_delay().seconds(), 0);
  EXPECT_LE(retry->retry_delay().seconds(), 30);
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 2);
  // Another caller's creates are not held back by batch's rate.
  MustCreate("billing");
}

TEST_F(GovernanceTest, LiveTokensBeyondTheCallersMaximumAreResourceExhausted) {
  StartGateway();
  const std::string first = MustCreate("web");
  MustCreate("web");
  UploadToken token;
  const grpc::Status refused = Create("web", std::nullopt, token);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ExpectGatewayReason(refused, "CALLER_LIVE_TOKENS_EXCEEDED");
  const auto quota = FindDetail<google::rpc::QuotaFailure>(refused);
  ASSERT_TRUE(quota.has_value());
  ASSERT_EQ(quota->violations_size(), 1);
  EXPECT_EQ(quota->violations(0).subject(), "caller:web");
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 2);

  // A deleted token no longer counts.
  ASSERT_TRUE(Delete("web", first).ok());
  MustCreate("web");
}

// ---- Reloading the policy -------------------------------------------------

TEST_F(GovernanceTest, AChangedPolicyAppliesWithoutARestart) {
  StartGateway({"--caller_policy_reload_interval=100ms"});
  UploadToken token;
  ASSERT_TRUE(Create("billing", 7200, token).ok());

  WritePolicy("default_policy { max_ttl_seconds: 600 }\n");
  ASSERT_TRUE(
      gateway_->process()
          .WaitForLine("(--caller_policy_file changed)", absl::Seconds(10))
          .ok());
  EXPECT_EQ(Create("billing", 7200, token).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Create("billing", 600, token).ok());
}

TEST_F(GovernanceTest, AMalformedPolicyAtReloadKeepsTheRulesInUse) {
  StartGateway({"--caller_policy_reload_interval=100ms"});
  WritePolicy(
      "default_policy { max_ttl_seconds: 600 }\ncallers { nme: \"x\" }\n");
  auto line = gateway_->process().WaitForLine(
      "(caller policy file \\S+:2:\\d+: .*keeping what is in use)",
      absl::Seconds(10));
  ASSERT_TRUE(line.ok()) << line.status();

  // Still the first file's rules: web's maximum is an hour.
  UploadToken token;
  EXPECT_TRUE(Create("web", 3600, token).ok());
  EXPECT_EQ(Create("web", 3601, token).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GovernanceTest, AMalformedPolicyStopsTheStartNamingTheLine) {
  WritePolicy(
      "default_policy { max_ttl_seconds: 600 }\n"
      "callers { name: \"web\" max_ttl_seconds: \"long\" }\n");
  std::vector<std::string> flags = GovernedFlags();
  auto gateway = GatewayProcess::Start(emulator_->base_url(), kApiKey, flags);
  ASSERT_FALSE(gateway.ok());
  EXPECT_THAT(gateway.status().message(),
              HasSubstr(absl::StrCat(policy_file_, ":2:")));
}

// ---- Who created which token ----------------------------------------------

TEST_F(GovernanceTest, ACreatorFilterListsThatCallersTokensOnly) {
  StartGateway();
  const std::string web_1 = MustCreate("web");
  const std::string web_2 = MustCreate("web");
  const std::string ops_1 = MustCreate("ops");
  const int reads_before = *emulator_->RequestCount("GET /upload-tokens");

  EXPECT_THAT(Listed("billing", "creator = \"web\""),
              UnorderedElementsAre(web_1, web_2));
  EXPECT_THAT(Listed("billing", "creator = \"ops\""),
              UnorderedElementsAre(ops_1));
  // Answered from the gateway's own record: no read quota spent.
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), reads_before);
}

TEST_F(GovernanceTest, AnEmptyCreatorFilterListsTheTokensOfNoKnownCreator) {
  StartGateway();
  const std::string forgotten = MustCreate("web");
  // A gateway that lost its audit log no longer knows who created it.
  gateway_.reset();
  std::remove(audit_log_.c_str());
  StartGateway();
  const std::string known = MustCreate("web");

  ListUploadTokensResponse page;
  const grpc::Status status = List("ops", "creator = \"\"", page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(page.upload_tokens_size(), 1);
  EXPECT_EQ(page.upload_tokens(0).token(), forgotten);
  EXPECT_EQ(page.upload_tokens(0).creator(), "");
  EXPECT_EQ(page.total_size(), 1);
  EXPECT_THAT(Listed("ops", "creator = \"web\""), UnorderedElementsAre(known));
}

TEST_F(GovernanceTest, AFilterOutsideTheGrammarIsInvalidArgument) {
  StartGateway();
  ListUploadTokensResponse page;
  const grpc::Status status = List("web", "ttl > 5", page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 1);
  EXPECT_EQ(bad_request->field_violations(0).field(), "filter");
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 0);
}

TEST_F(GovernanceTest, ARestartedGatewayStillKnowsEveryTokensCreator) {
  StartGateway();
  const std::string web = MustCreate("web");
  const std::string ops = MustCreate("ops");
  const std::string deleted = MustCreate("web");
  ASSERT_TRUE(Delete("web", deleted).ok());

  StartGateway();  // the same --audit_log
  UploadToken got;
  ASSERT_TRUE(Get("billing", web, got).ok());
  EXPECT_EQ(got.creator(), "web");
  ASSERT_TRUE(Get("billing", ops, got).ok());
  EXPECT_EQ(got.creator(), "ops");
  EXPECT_THAT(Listed("billing", "creator = \"web\""),
              UnorderedElementsAre(web));
  // And enforces ownership as before the restart.
  EXPECT_EQ(Delete("billing", web).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ---- Create with a request_id ---------------------------------------------

constexpr char kRequestId[] = "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f";

TEST_F(GovernanceTest, ARetryAfterTheDeadlineCutTheFirstCallGetsItsToken) {
  StartGateway();
  DelayNextCreate(1500);
  UploadToken first;
  EXPECT_EQ(CreateOnce("web", 600, kRequestId, first, absl::Milliseconds(300))
                .error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);

  // The gateway kept the create going; the retry waits for it.
  UploadToken retried;
  const grpc::Status status = CreateOnce("web", 600, kRequestId, retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retried.ttl(), 600);
  EXPECT_EQ(retried.creator(), "web");
  EXPECT_EQ(*emulator_->TokensCreated(), 1);

  // And later retries get the same token at once.
  UploadToken again;
  ASSERT_TRUE(CreateOnce("web", 600, kRequestId, again).ok());
  EXPECT_EQ(again.token(), retried.token());
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 1);

  // The audit trail says what became of the create after its caller left.
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (ReadFile(audit_log_).find(R"("after_caller_left":true)") ==
             std::string::npos &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_THAT(ReadFile(audit_log_),
              HasSubstr(absl::StrCat(R"("token":")", retried.token())));
  EXPECT_THAT(ReadFile(audit_log_), HasSubstr(R"("after_caller_left":true)"));
}

TEST_F(GovernanceTest, ConcurrentDuplicatesCreateOneToken) {
  StartGateway();
  DelayNextCreate(300);
  constexpr int kDuplicates = 5;
  std::vector<UploadToken> tokens(kDuplicates);
  std::vector<grpc::Status> statuses(kDuplicates);
  std::vector<std::thread> callers;
  for (int i = 0; i < kDuplicates; ++i) {
    callers.emplace_back([&, i] {
      statuses[i] = CreateOnce("web", 600, kRequestId, tokens[i]);
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (int i = 0; i < kDuplicates; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].error_message();
    EXPECT_EQ(tokens[i].token(), tokens[0].token());
  }
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 1);
}

TEST_F(GovernanceTest, ARequestIdReusedWithAnotherTtlIsInvalidArgument) {
  StartGateway();
  UploadToken token;
  ASSERT_TRUE(CreateOnce("web", 600, kRequestId, token).ok());
  const grpc::Status reused = CreateOnce("web", 900, kRequestId, token);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ExpectGatewayReason(reused, "REQUEST_ID_REUSED");
  const auto bad_request = FindDetail<google::rpc::BadRequest>(reused);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations(0).field(), "request_id");
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 1);
}

TEST_F(GovernanceTest, ARetryAfterALostAnswerIsAbortedAndCreatesNothing) {
  StartGateway();
  // api.video creates the token, and the connection dies before the answer.
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"POST","path":"/upload-tokens",)"
                             R"("match":"exact","times":1,)"
                             R"("action":"reset_after"})")
                  .ok());
  UploadToken token;
  EXPECT_EQ(CreateOnce("web", 600, kRequestId, token).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  const grpc::Status retried = CreateOnce("web", 600, kRequestId, token);
  EXPECT_EQ(retried.error_code(), grpc::StatusCode::ABORTED);
  const auto info = FindDetail<google::rpc::ErrorInfo>(retried);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "CREATE_OUTCOME_UNKNOWN");
  EXPECT_EQ(info->domain(), "upload-token-gateway");
  EXPECT_TRUE(info->metadata().contains("attemptedAt"));
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 1);
  EXPECT_EQ(*emulator_->TokensCreated(), 1);
}

TEST_F(GovernanceTest, ARestartedGatewayStillAnswersARetry) {
  StartGateway();
  UploadToken first;
  ASSERT_TRUE(CreateOnce("web", 600, kRequestId, first).ok());
  StartGateway();  // the same --audit_log
  UploadToken retried;
  ASSERT_TRUE(CreateOnce("web", 600, kRequestId, retried).ok());
  EXPECT_EQ(retried.token(), first.token());
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 1);
}

TEST_F(GovernanceTest, ARetryOnAnotherReplicaGetsTheSameToken) {
  StartReplicas();
  UploadToken first;
  ASSERT_TRUE(CreateOnce("web", 600, kRequestId, first).ok());
  UploadToken retried;
  const grpc::Status status = CreateOnce("web", 600, kRequestId, retried,
                                         absl::Seconds(5), another_stub_.get());
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retried.token(), first.token());
  EXPECT_EQ(retried.creator(), "web");
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 1);
}

TEST_F(GovernanceTest, ADuplicateOnAnotherReplicaWaitsForTheFirst) {
  StartReplicas();
  DelayNextCreate(800);
  UploadToken first;
  grpc::Status first_status;
  std::thread first_call(
      [&] { first_status = CreateOnce("web", 600, kRequestId, first); });
  // The first create has reached the emulator, which holds its answer.
  ASSERT_TRUE(
      emulator_->WaitForRequests(kCreatesRoute, 1, absl::Seconds(5)).ok());
  UploadToken duplicate;
  const grpc::Status status = CreateOnce("web", 600, kRequestId, duplicate,
                                         absl::Seconds(5), another_stub_.get());
  first_call.join();
  ASSERT_TRUE(first_status.ok()) << first_status.error_message();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(duplicate.token(), first.token());
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 1);
}

TEST_F(GovernanceTest, ADuplicateStillRunningElsewhereIsAbortedAtTheTimeout) {
  StartReplicas({"--upstream_timeout=1s"});
  // The first create reaches api.video, which holds it until the test says.
  absl::StatusOr<std::string> hold = emulator_->AddFaultWithId(
      R"({"method":"POST","path":"/upload-tokens","match":"exact",)"
      R"("hold":true,"times":1})");
  ASSERT_TRUE(hold.ok()) << hold.status();
  UploadToken first;
  grpc::Status first_status;
  std::thread first_call([&] {
    first_status = CreateOnce("web", 600, kRequestId, first, absl::Seconds(30));
  });
  ASSERT_TRUE(
      emulator_->WaitForRequests(kCreatesRoute, 1, absl::Seconds(5)).ok());

  // The other replica waits for it up to its own --upstream_timeout (1 s),
  // not to its caller's deadline (20 s), and sends nothing.
  UploadToken duplicate;
  const absl::Time start = absl::Now();
  const grpc::Status status =
      CreateOnce("web", 600, kRequestId, duplicate, absl::Seconds(20),
                 another_stub_.get());
  const absl::Duration waited = absl::Now() - start;
  ASSERT_TRUE(emulator_->RemoveFault(*hold).ok());
  first_call.join();

  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  ExpectGatewayReason(status, "CREATE_IN_PROGRESS");
  EXPECT_GE(waited, absl::Milliseconds(700));
  EXPECT_LT(waited, absl::Seconds(15));
  ASSERT_TRUE(first_status.ok()) << first_status.error_message();
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 1);

  // Retried once the first has settled, it gets the first's token.
  UploadToken retried;
  const grpc::Status retry = CreateOnce("web", 600, kRequestId, retried,
                                        absl::Seconds(5), another_stub_.get());
  ASSERT_TRUE(retry.ok()) << retry.error_message();
  EXPECT_EQ(retried.token(), first.token());
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 1);
}

TEST_F(GovernanceTest, EveryReplicaKnowsWhoCreatedATokenAndAuditsToOneStream) {
  StartReplicas();
  const std::string token = MustCreate("web");  // through gateway_

  // another_ learns it from the replicas' audit stream, a moment later.
  ListUploadTokensRequest request;
  request.set_filter("creator = \"web\"");
  std::vector<std::string> listed;
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (listed.empty() && absl::Now() < give_up) {
    grpc::ClientContext context;
    SetDeadline(context);
    Authenticate(context, TokenOf("web"));
    ListUploadTokensResponse page;
    ASSERT_TRUE(another_stub_->ListUploadTokens(&context, request, &page).ok());
    for (const UploadToken& listed_token : page.upload_tokens()) {
      listed.push_back(listed_token.token());
    }
    if (listed.empty()) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_THAT(listed, UnorderedElementsAre(token));

  // So another_ enforces the creator's rights: web deletes its own token
  // there, which billing may not.
  {
    grpc::ClientContext context;
    SetDeadline(context);
    Authenticate(context, TokenOf("billing"));
    DeleteUploadTokenRequest remove;
    remove.set_token(token);
    google::protobuf::Empty empty;
    EXPECT_EQ(
        another_stub_->DeleteUploadToken(&context, remove, &empty).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    SetDeadline(context);
    Authenticate(context, TokenOf("web"));
    DeleteUploadTokenRequest remove;
    remove.set_token(token);
    google::protobuf::Empty empty;
    const grpc::Status deleted =
        another_stub_->DeleteUploadToken(&context, remove, &empty);
    EXPECT_TRUE(deleted.ok()) << deleted.error_message();
  }

  // Both replicas' acts are in the one stream, in order.
  auto client = gateway::redis::ConnectedClient(*redis_);
  ASSERT_TRUE(client.ok()) << client.status();
  const absl::StatusOr<gateway::redis::RedisReply> range =
      gateway::redis::CommandAndWait(**client,
                                     {"XRANGE", "gateway:audit", "-", "+"});
  ASSERT_TRUE(range.ok()) << range.status();
  std::vector<std::string> events;
  for (const auto& entry : range->elements) {
    events.push_back(entry.elements.at(1).elements.at(1).text);
  }
  ASSERT_EQ(events.size(), 3u);
  EXPECT_THAT(events[0],
              HasSubstr(R"("rpc":"CreateUploadToken","caller":"web")"));
  EXPECT_THAT(events[1], HasSubstr(R"("outcome":"PERMISSION_DENIED")"));
  EXPECT_THAT(events[2],
              HasSubstr(R"("rpc":"DeleteUploadToken","caller":"web")"));
  for (const std::string& event : events) {
    EXPECT_THAT(event, Not(HasSubstr(kApiKey)));
    EXPECT_THAT(event, Not(HasSubstr(TokenOf("web"))));
  }
}

TEST_F(GovernanceTest, ReplicasCountACallersCreatesPerMinuteTogether) {
  StartReplicas();
  MustCreate("batch");  // through gateway_: one of batch's two a minute
  UploadToken token;
  {
    grpc::ClientContext context;
    SetDeadline(context);
    Authenticate(context, TokenOf("batch"));
    const grpc::Status second = another_stub_->CreateUploadToken(
        &context, CreateUploadTokenRequest(), &token);
    ASSERT_TRUE(second.ok()) << second.error_message();
  }
  const grpc::Status third = Create("batch", std::nullopt, token);
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ExpectGatewayReason(third, "CALLER_CREATE_RATE_EXCEEDED");
  EXPECT_EQ(*emulator_->RequestCount(kCreatesRoute), 2);
}

TEST_F(GovernanceTest, AnotherCallersSameRequestIdIsAnotherCreate) {
  StartGateway();
  UploadToken web;
  UploadToken ops;
  ASSERT_TRUE(CreateOnce("web", 600, kRequestId, web).ok());
  ASSERT_TRUE(CreateOnce("ops", 600, kRequestId, ops).ok());
  EXPECT_NE(web.token(), ops.token());
}

// ---- Purge ----------------------------------------------------------------

constexpr char kDeletesRoute[] = "DELETE /upload-tokens/{token}";

TEST_F(GovernanceTest, APurgeByCreatorDeletesExactlyThatCreatorsTokens) {
  StartGateway();
  const std::string web_1 = MustCreate("web");
  const std::string web_2 = MustCreate("web");
  const std::string billing = MustCreate("billing");

  PurgeUploadTokensResponse purged;
  const grpc::Status status = Purge("ops", "creator = \"web\"", true, purged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(purged.purge_count(), 2);
  EXPECT_THAT(purged.purge_sample(), UnorderedElementsAre(web_1, web_2));
  EXPECT_EQ(*emulator_->RequestCount(kDeletesRoute), 2);

  UploadToken got;
  EXPECT_EQ(Get("ops", web_1, got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get("ops", web_2, got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Get("ops", billing, got).ok());
  EXPECT_TRUE(Listed("ops", "creator = \"web\"").empty());

  // Each token deleted is an event of its own, and so is the call.
  int purge_events = 0;
  for (const std::string& line : AuditLines()) {
    if (line.find(R"("rpc":"PurgeUploadTokens","caller":"ops")") ==
        std::string::npos) {
      continue;
    }
    ++purge_events;
    EXPECT_THAT(line, HasSubstr(R"("outcome":"OK")"));
  }
  EXPECT_EQ(purge_events, 3);
  const std::string audit = ReadFile(audit_log_);
  for (const std::string& token : {web_1, web_2}) {
    EXPECT_THAT(audit, HasSubstr(absl::StrCat(R"("token":")", token, R"(")")));
  }
}

// A token created through a gateway that keeps no record (another system
// with the key), on `gateway`.
std::string CreateElsewhere(const GatewayProcess& gateway) {
  auto stub = gateway.NewStub();
  grpc::ClientContext context;
  SetDeadline(context);
  UploadToken token;
  const grpc::Status status =
      stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &token);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return token.token();
}

TEST_F(GovernanceTest, APurgeOfNoKnownCreatorLeavesKnownAndYoungTokens) {
  // The emulator's clock starts ten minutes back: tokens made now are old.
  auto emulator = EmulatorProcess::Start(kApiKey, {"--clock_offset=-10m"});
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  emulator_ = *std::move(emulator);
  StartGateway();
  auto elsewhere = GatewayProcess::Start(emulator_->base_url(), kApiKey);
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
  const std::string known = MustCreate("web");
  const std::string old_unowned = CreateElsewhere(**elsewhere);
  // Back to the real time: a token made now is too young to purge, since
  // another replica's record of it may still be on its way.
  ASSERT_TRUE(emulator_->AdvanceClock(600).ok());
  const std::string young_unowned = CreateElsewhere(**elsewhere);

  PurgeUploadTokensResponse counted;
  const grpc::Status dry_run = Purge("ops", "creator = \"\"", false, counted);
  ASSERT_TRUE(dry_run.ok()) << dry_run.error_message();
  EXPECT_EQ(counted.purge_count(), 1);
  EXPECT_THAT(counted.purge_sample(), ElementsAre(old_unowned));
  EXPECT_EQ(*emulator_->RequestCount(kDeletesRoute), 0);

  PurgeUploadTokensResponse purged;
  const grpc::Status status = Purge("ops", "creator = \"\"", true, purged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(purged.purge_count(), 1);
  EXPECT_THAT(purged.purge_sample(), ElementsAre(old_unowned));
  EXPECT_EQ(*emulator_->RequestCount(kDeletesRoute), 1);
  // api.video's listing, one page each time, spent read quota.
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 2);

  UploadToken got;
  EXPECT_EQ(Get("ops", old_unowned, got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Get("ops", known, got).ok());
  EXPECT_TRUE(Get("ops", young_unowned, got).ok());
  EXPECT_THAT(
      ReadFile(audit_log_),
      HasSubstr(absl::StrCat(R"("rpc":"PurgeUploadTokens","caller":"ops")",
                             R"(,"peer":)")));
  EXPECT_THAT(ReadFile(audit_log_),
              HasSubstr(absl::StrCat(R"("token":")", old_unowned, R"(")")));
}

TEST_F(GovernanceTest, APurgeOfNoKnownCreatorNeedsTheRightToDeleteOthers) {
  StartGateway();
  PurgeUploadTokensResponse purged;
  const grpc::Status status = Purge("web", "creator = \"\"", true, purged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 0);
}

TEST_F(GovernanceTest, APurgeWithoutForceCountsAndDeletesNothing) {
  StartGateway();
  const std::string web = MustCreate("web");
  PurgeUploadTokensResponse counted;
  ASSERT_TRUE(Purge("web", "creator = \"web\"", false, counted).ok());
  EXPECT_EQ(counted.purge_count(), 1);
  EXPECT_THAT(counted.purge_sample(), UnorderedElementsAre(web));
  EXPECT_EQ(*emulator_->RequestCount(kDeletesRoute), 0);
  UploadToken got;
  EXPECT_TRUE(Get("web", web, got).ok());
}

TEST_F(GovernanceTest, APurgeNeedsAFilter) {
  StartGateway();
  PurgeUploadTokensResponse purged;
  const grpc::Status status = Purge("ops", "", true, purged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations(0).field(), "filter");
}

TEST_F(GovernanceTest, APurgeOfAnothersTokensNeedsTheRightToDeleteThem) {
  StartGateway();
  const std::string web = MustCreate("web");
  PurgeUploadTokensResponse purged;
  const grpc::Status refused =
      Purge("billing", "creator = \"web\"", true, purged);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ExpectGatewayReason(refused, "NOT_TOKEN_CREATOR");
  EXPECT_EQ(*emulator_->RequestCount(kDeletesRoute), 0);
}

TEST_F(GovernanceTest, APurgedTokenStaysForgottenAfterARestart) {
  StartGateway();
  MustCreate("web");
  PurgeUploadTokensResponse purged;
  ASSERT_TRUE(Purge("web", "creator = \"web\"", true, purged).ok());
  StartGateway();  // the same --audit_log
  EXPECT_TRUE(Listed("web", "creator = \"web\"").empty());
}

// ---- The audit trail ------------------------------------------------------

TEST_F(GovernanceTest, TheAuditLogHoldsOneEventPerActAndNoSecret) {
  StartGateway();
  UploadToken created;
  ASSERT_TRUE(Create("web", 600, created).ok());
  UploadToken refused;
  ASSERT_FALSE(Create("web", 7200, refused).ok());
  ASSERT_FALSE(Delete("billing", created.token()).ok());
  ASSERT_TRUE(Delete("web", created.token()).ok());
  UploadToken got;
  ASSERT_FALSE(Get("web", created.token(), got).ok());  // reads: no event

  const std::vector<std::string> lines = AuditLines();
  ASSERT_EQ(lines.size(), 4u) << ReadFile(audit_log_);
  const std::string audit = ReadFile(audit_log_);
  EXPECT_THAT(audit, Not(HasSubstr(kApiKey)));
  for (const auto& [name, token] : kCallers) {
    EXPECT_THAT(audit, Not(HasSubstr(token))) << name << "'s bearer token";
  }

  EXPECT_THAT(lines[0], HasSubstr(R"("rpc":"CreateUploadToken")"));
  EXPECT_THAT(lines[0], HasSubstr(R"("caller":"web")"));
  EXPECT_THAT(lines[0],
              HasSubstr(absl::StrCat(R"("token":")", created.token(), R"(")")));
  EXPECT_THAT(lines[0], HasSubstr(R"("ttl":600)"));
  EXPECT_THAT(lines[0], HasSubstr(R"("outcome":"OK")"));
  EXPECT_THAT(lines[0], HasSubstr(R"("peer":"ipv4:127.0.0.1:)"));
  EXPECT_THAT(lines[0], HasSubstr(R"("trace_id":")"));

  EXPECT_THAT(lines[1], HasSubstr(R"("outcome":"INVALID_ARGUMENT")"));
  EXPECT_THAT(lines[1], HasSubstr(R"("reason":"TTL_NOT_ALLOWED")"));
  EXPECT_THAT(lines[1], HasSubstr(R"("ttl":7200)"));

  EXPECT_THAT(lines[2], HasSubstr(R"("rpc":"DeleteUploadToken")"));
  EXPECT_THAT(lines[2], HasSubstr(R"("caller":"billing")"));
  EXPECT_THAT(lines[2], HasSubstr(R"("outcome":"PERMISSION_DENIED")"));

  EXPECT_THAT(lines[3], HasSubstr(R"("rpc":"DeleteUploadToken")"));
  EXPECT_THAT(lines[3], HasSubstr(R"("caller":"web")"));
  EXPECT_THAT(lines[3], HasSubstr(R"("outcome":"OK")"));
}

}  // namespace
