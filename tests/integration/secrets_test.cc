// The API key: never shown to anyone, and replaced without a restart.

#include <stdio.h>
#include <unistd.h>

#include <fstream>
#include <ios>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/service/testing/error_details.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_calls.h"

namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::DeleteUploadTokenRequest;
using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensResponse;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::apivideo::uploadtokens::v1::UploadTokenService;
using ::gateway::service::testing::FindDetail;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::SetDeadline;

// Distinctive, so that any appearance is a leak, not a coincidence.
constexpr char kKey[] = "LEAK-CANARY-key-7d1e5b9a33c2";

// Everything a caller could see of one call.
std::string Visible(const grpc::ClientContext& context,
                    const grpc::Status& status) {
  std::string seen =
      absl::StrCat(status.error_message(), "\n", status.error_details(), "\n");
  for (const auto* metadata : {&context.GetServerInitialMetadata(),
                               &context.GetServerTrailingMetadata()}) {
    for (const auto& [key, value] : *metadata) {
      absl::StrAppend(&seen, std::string(key.data(), key.size()), ": ",
                      std::string(value.data(), value.size()), "\n");
    }
  }
  return seen;
}

// The forms in which the key could leak: as is, and as the gateway sends it.
std::vector<std::string> KeyForms() {
  return {kKey, absl::Base64Escape(absl::StrCat(kKey, ":"))};
}

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emulator = EmulatorProcess::Start(kKey);
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = *std::move(emulator);
  }

  // Runs every RPC, valid and not, and returns all the callers saw.
  std::string RunEveryRpc(GatewayProcess& gateway) {
    auto stub = gateway.NewStub();
    std::string seen;
    auto call = [&](auto method, const auto& request, auto& response) {
      grpc::ClientContext context;
      SetDeadline(context);
      grpc::Status status = (stub.get()->*method)(&context, request, &response);
      absl::StrAppend(&seen, Visible(context, status));
      return status;
    };
    UploadToken token;
    CreateUploadTokenRequest create;
    create.set_ttl(60);
    call(&UploadTokenService::Stub::CreateUploadToken, create, token);
    create.set_ttl(-1);
    call(&UploadTokenService::Stub::CreateUploadToken, create, token);
    for (const std::string& id :
         {token.token(), std::string("toUnknown"), std::string("../bad")}) {
      GetUploadTokenRequest get;
      get.set_token(id);
      UploadToken got;
      call(&UploadTokenService::Stub::GetUploadToken, get, got);
    }
    ListUploadTokensResponse page;
    ListUploadTokensRequest list;
    call(&UploadTokenService::Stub::ListUploadTokens, list, page);
    list.set_page_token("forged");
    call(&UploadTokenService::Stub::ListUploadTokens, list, page);
    DeleteUploadTokenRequest del;
    del.set_token(token.token());
    google::protobuf::Empty empty;
    call(&UploadTokenService::Stub::DeleteUploadToken, del, empty);
    call(&UploadTokenService::Stub::DeleteUploadToken, del, empty);
    return seen;
  }

  // Makes api.video answer a create with a 400 whose title quotes `quoted`
  // (in which the emulator expands {authorization}), creates a token
  // through `gateway` and expects the answer withheld; returns everything
  // the caller saw.
  std::string CreateAnsweredByAnEcho(GatewayProcess& gateway,
                                     absl::string_view quoted) {
    EXPECT_TRUE(
        emulator_
            ->AddFault(absl::StrCat(
                R"({"path":"/upload-tokens","match":"exact","status":400,)",
                R"("body":"{\"type\":\"https://docs.api.video/reference/invalid-attribute\",)",
                R"(\"title\":\"Unknown credential )", quoted,
                R"(\",\"name\":\"ttl\",\"status\":400}"})"))
            .ok());
    auto stub = gateway.NewStub();
    grpc::ClientContext context;
    SetDeadline(context);
    UploadToken token;
    grpc::Status status =
        stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &token);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    auto info = FindDetail<google::rpc::ErrorInfo>(status);
    EXPECT_EQ(info.has_value() ? info->reason() : "", "CREDENTIAL_WITHHELD");
    return Visible(context, status);
  }

  void ExpectNoKeyIn(const std::string& text, const std::string& where) {
    for (const std::string& form : KeyForms()) {
      EXPECT_THAT(text, Not(HasSubstr(form))) << "the key leaked in " << where;
    }
  }

  std::unique_ptr<EmulatorProcess> emulator_;
};

// Each fault on a gateway of its own: on a shared one, the 5xx rounds would
// open its circuit breaker and the 429 round close its window, and the later
// faults would be refused by the gateway without ever reaching api.video.
// Each round checks that its fault was served.
TEST_F(SecretsTest, KeyNeverShowsInAnswersOrLogsWhateverHappens) {
  // Every kind of upstream fault, on every route; "" is none, and "keys"
  // is api.video refusing the key altogether.
  const std::vector<std::string> faults = {
      "",
      R"({"path":"/upload-tokens","match":"prefix","status":500})",
      R"({"path":"/upload-tokens","match":"prefix","status":503})",
      R"({"path":"/upload-tokens","match":"prefix","status":429,"headers":{"X-RateLimit-Retry-After":"1"}})",
      R"({"path":"/upload-tokens","match":"prefix","status":401})",
      R"({"path":"/upload-tokens","match":"prefix","status":403})",
      R"({"path":"/upload-tokens","match":"prefix","status":200,"body":"{not json"})",
      R"({"path":"/upload-tokens","match":"prefix","action":"reset_before"})",
      R"({"path":"/upload-tokens","match":"prefix","action":"truncate"})",
      "keys",
  };
  for (const char* auth : {"--auth=basic", "--auth=bearer"}) {
    for (const std::string& fault : faults) {
      SCOPED_TRACE(absl::StrCat(auth, " ", fault));
      ASSERT_TRUE(emulator_->Reset().ok());
      if (fault == "keys") {
        ASSERT_TRUE(emulator_->SetApiKeys({"some-other-key-entirely"}).ok());
      } else if (!fault.empty()) {
        ASSERT_TRUE(emulator_->AddFault(fault).ok()) << fault;
      }
      auto gateway = GatewayProcess::Start(emulator_->base_url(), kKey, {auth});
      ASSERT_TRUE(gateway.ok()) << gateway.status();
      const std::string seen = RunEveryRpc(**gateway);
      // The round's first call, the create, reached api.video (or, with a
      // refused key under bearer auth, the token exchange did).
      const absl::StatusOr<int> creates =
          emulator_->RequestCount("POST /upload-tokens");
      const absl::StatusOr<int> exchanges =
          emulator_->RequestCount("POST /auth/api-key");
      ASSERT_TRUE(creates.ok() && exchanges.ok());
      EXPECT_GE(*creates + *exchanges, 1) << "the fault was never served";
      if (fault != "keys") {
        EXPECT_GE(*creates, 1);
      }
      ExpectNoKeyIn(seen, "an answer");
      ExpectNoKeyIn((*gateway)->process().Output(), "the gateway's output");
      ASSERT_TRUE(emulator_->SetApiKeys({kKey}).ok());
    }
  }
}

TEST_F(SecretsTest, UpstreamThatEchoesTheKeyIsNotRepeated) {
  auto gateway = GatewayProcess::Start(emulator_->base_url(), kKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();

  // A misconfigured upstream (or a proxy) quoting the credential it got.
  ExpectNoKeyIn(CreateAnsweredByAnEcho(**gateway, kKey), "the answer");

  ExpectNoKeyIn((*gateway)->process().Output(), "the gateway's output");
  EXPECT_TRUE((*gateway)
                  ->process()
                  .WaitForLine("(withheld from the caller.*\\[REDACTED\\])",
                               absl::Seconds(5))
                  .ok());
}

TEST_F(SecretsTest, UpstreamThatEchoesTheBearerTokenIsNotRepeated) {
  auto gateway =
      GatewayProcess::Start(emulator_->base_url(), kKey, {"--auth=bearer"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();

  // Quotes the "Authorization: Bearer <access token>" the gateway sent.
  EXPECT_THAT(CreateAnsweredByAnEcho(**gateway, "{authorization}"),
              Not(HasSubstr("Bearer")));

  EXPECT_TRUE(
      (*gateway)
          ->process()
          .WaitForLine("(withheld from the caller.*Bearer \\[REDACTED\\])",
                       absl::Seconds(5))
          .ok());
  EXPECT_THAT((*gateway)->process().Output(),
              Not(ContainsRegex("Bearer [^[]")));
}

// A file of /proc/<pid>/ of the running gateway, NULs and all.
std::string ProcFile(GatewayProcess& gateway, const char* name) {
  std::ifstream file(absl::StrCat("/proc/", gateway.process().pid(), "/", name),
                     std::ios::binary);
  EXPECT_TRUE(file.good()) << name;
  return std::string(std::istreambuf_iterator<char>(file), {});
}

TEST_F(SecretsTest, KeyIsGoneFromTheProcessEnvironmentOnceRead) {
  auto gateway = GatewayProcess::Start(emulator_->base_url(), kKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();

  const std::string environment = ProcFile(**gateway, "environ");

  EXPECT_THAT(environment, HasSubstr("PATH="));  // it was read
  // Not printed on failure: the rest of the environment is the machine's.
  EXPECT_FALSE(absl::StrContains(environment, kKey))
      << "the key is in /proc/<pid>/environ";
}

TEST_F(SecretsTest, CoreDumpsAreOffSoNoCrashWritesTheKeyToDisk) {
  auto gateway = GatewayProcess::Start(emulator_->base_url(), kKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();

  const std::string limits = ProcFile(**gateway, "limits");

  EXPECT_THAT(limits, ContainsRegex("Max core file size +0 +0 "));
}

class KeyRotationTest : public ::testing::TestWithParam<const char*> {};

TEST_P(KeyRotationTest, NewKeyInTheFileIsUsedWithoutARestart) {
  const std::string old_key = "rotation-old-key-0011223344";
  const std::string new_key = "rotation-new-key-5566778899";
  const std::string key_file = absl::StrCat(
      ::testing::TempDir(), "/rotation_key_", getpid(), "_", GetParam() + 7);
  std::ofstream(key_file) << old_key << "\n";
  auto emulator = EmulatorProcess::Start(old_key);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  auto gateway = GatewayProcess::Start(
      (*emulator)->base_url(), "not-used-when-a-file-is-given",
      {GetParam(), absl::StrCat("--api_key_file=", key_file),
       "--api_key_reload_interval=50ms"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  auto create = [&stub] {
    grpc::ClientContext context;
    SetDeadline(context);
    UploadToken token;
    return stub->CreateUploadToken(&context, CreateUploadTokenRequest(),
                                   &token);
  };
  ASSERT_TRUE(create().ok());

  // api.video switches to the new key; the secret file follows.
  ASSERT_TRUE((*emulator)->SetApiKeys({new_key}).ok());
  const std::string temp = key_file + ".new";
  std::ofstream(temp) << new_key << "\n";
  ASSERT_EQ(rename(temp.c_str(), key_file.c_str()), 0);
  ASSERT_TRUE(
      (*gateway)
          ->process()
          .WaitForLine("(changed: using the new API key)", absl::Seconds(10))
          .ok());
  grpc::Status after = create();
  EXPECT_TRUE(after.ok()) << after.error_message();
  EXPECT_THAT((*gateway)->process().Output(), Not(HasSubstr(new_key)));
  remove(key_file.c_str());
}

INSTANTIATE_TEST_SUITE_P(Auth, KeyRotationTest,
                         ::testing::Values("--auth=basic", "--auth=bearer"));

}  // namespace
