// Configuration from the environment (12-factor): a gateway configured only
// through UPLOAD_TOKEN_GATEWAY_* variables serves, a flag on the command line
// beats its variable, a value that does not parse stops start-up naming the
// variable, and the configuration is logged once, with the flags the
// environment set. Real processes: the emulator and the gateway binary.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/grpc_calls.h"
#include "tests/testing/subprocess.h"

namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::apivideo::uploadtokens::v1::UploadTokenService;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing_support::BinaryDir;
using ::testing_support::EmulatorProcess;
using ::testing_support::SetDeadline;
using ::testing_support::Subprocess;

constexpr char kApiKey[] = "environment-test-key-73c1";

std::string GatewayBinary() {
  return absl::StrCat(BinaryDir(), "/upload_token_gateway");
}

// The gateway's address from its "listening on" line.
absl::StatusOr<std::string> ListeningAddress(Subprocess& gateway) {
  return gateway.WaitForLine("listening on ([^\\s\"]+)", absl::Seconds(20));
}

class EnvironmentConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emulator = EmulatorProcess::Start(kApiKey);
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = *std::move(emulator);
  }

  // Everything a test gateway needs, as environment variables only.
  std::map<std::string, std::string> Environment() const {
    return {{"APIVIDEO_API_KEY", kApiKey},
            {"UPLOAD_TOKEN_GATEWAY_LISTEN", "127.0.0.1:0"},
            {"UPLOAD_TOKEN_GATEWAY_API_BASE_URL", emulator_->base_url()},
            {"UPLOAD_TOKEN_GATEWAY_HEALTH_PROBE_INTERVAL", "0"}};
  }

  std::unique_ptr<EmulatorProcess> emulator_;
};

TEST_F(EnvironmentConfigTest, AGatewayConfiguredByTheEnvironmentServes) {
  auto gateway = Subprocess::Start({GatewayBinary()}, Environment());
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  absl::StatusOr<std::string> address = ListeningAddress(**gateway);
  ASSERT_TRUE(address.ok()) << address.status() << (*gateway)->Output();
  EXPECT_THAT(*address, HasSubstr("127.0.0.1:"));

  auto stub = UploadTokenService::NewStub(
      grpc::CreateChannel(*address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  SetDeadline(context);
  UploadToken token;
  const grpc::Status status =
      stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &token);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(token.token().empty());
  // The emulator at the variable's URL served it.
  absl::StatusOr<int> creates = emulator_->RequestCount("POST /upload-tokens");
  ASSERT_TRUE(creates.ok()) << creates.status();
  EXPECT_EQ(*creates, 1);
}

TEST_F(EnvironmentConfigTest, AFlagBeatsItsVariable) {
  std::map<std::string, std::string> environment = Environment();
  environment["UPLOAD_TOKEN_GATEWAY_LOG_FORMAT"] = "text";
  auto gateway =
      Subprocess::Start({GatewayBinary(), "--log_format=json"}, environment);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  ASSERT_TRUE(ListeningAddress(**gateway).ok()) << (*gateway)->Output();
  const std::string output = (*gateway)->Output();
  EXPECT_THAT(output, HasSubstr("\"msg\":\"configuration\""));
  EXPECT_THAT(output, HasSubstr("\"log_format\":\"json\""));
}

TEST_F(EnvironmentConfigTest,
       TheConfigurationIsLoggedOnceNamingWhatTheEnvironmentSet) {
  std::map<std::string, std::string> environment = Environment();
  environment["UPLOAD_TOKEN_GATEWAY_LOG_FORMAT"] = "json";
  environment["UPLOAD_TOKEN_GATEWAY_MAX_ATTEMPTS"] = "2";
  auto gateway =
      Subprocess::Start({GatewayBinary(), "--max_attempts=4"}, environment);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  ASSERT_TRUE(ListeningAddress(**gateway).ok()) << (*gateway)->Output();
  auto line =
      (*gateway)->WaitForLine(R"(.*"msg":"configuration".*)", absl::Seconds(5));
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_THAT(*line, HasSubstr("\"max_attempts\":\"4\""));
  EXPECT_THAT(*line, HasSubstr(absl::StrCat("\"api_base_url\":\"",
                                            emulator_->base_url(), "\"")));
  // The command line overrode max_attempts: not counted as the environment's.
  EXPECT_THAT(*line, HasSubstr("\"from_environment\":\"api_base_url,"
                               "health_probe_interval,listen,log_format\""));
  EXPECT_THAT(*line, Not(HasSubstr(kApiKey)));
  const std::string output = (*gateway)->Output();
  EXPECT_EQ(output.find("\"msg\":\"configuration\""),
            output.rfind("\"msg\":\"configuration\""));
}

TEST_F(EnvironmentConfigTest, AValueThatDoesNotParseStopsStartUpNamingIt) {
  std::map<std::string, std::string> environment = Environment();
  environment["UPLOAD_TOKEN_GATEWAY_UPSTREAM_TIMEOUT"] = "thirty seconds";
  auto gateway = Subprocess::Start({GatewayBinary()}, environment);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto exit_status = (*gateway)->Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  ASSERT_TRUE(WIFEXITED(*exit_status));
  EXPECT_NE(WEXITSTATUS(*exit_status), 0);
  EXPECT_THAT((*gateway)->Output(),
              HasSubstr("UPLOAD_TOKEN_GATEWAY_UPSTREAM_TIMEOUT"));
  absl::StatusOr<int> creates = emulator_->RequestCount("POST /upload-tokens");
  ASSERT_TRUE(creates.ok()) << creates.status();
  EXPECT_EQ(*creates, 0);
}

TEST_F(EnvironmentConfigTest, AVariableThatNamesNoFlagIsWarnedAbout) {
  std::map<std::string, std::string> environment = Environment();
  environment["UPLOAD_TOKEN_GATEWAY_LOG_LEVLE"] = "debug";
  auto gateway = Subprocess::Start({GatewayBinary()}, environment);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  ASSERT_TRUE(ListeningAddress(**gateway).ok()) << (*gateway)->Output();
  EXPECT_THAT((*gateway)->Output(),
              HasSubstr("environment variable UPLOAD_TOKEN_GATEWAY_LOG_LEVLE "
                        "names no flag of the gateway"));
}

TEST_F(EnvironmentConfigTest, AFlagfileBeatsTheEnvironmentToo) {
  const std::string flagfile = absl::StrCat(
      ::testing::TempDir(), "/environment_config_test_", getpid(), ".flags");
  {
    std::FILE* file = std::fopen(flagfile.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs("--log_format=json\n", file);
    std::fclose(file);
  }
  struct Cleanup {
    std::string path;
    ~Cleanup() { std::remove(path.c_str()); }
  } cleanup{flagfile};
  std::map<std::string, std::string> environment = Environment();
  environment["UPLOAD_TOKEN_GATEWAY_LOG_FORMAT"] = "text";
  auto gateway = Subprocess::Start(
      {GatewayBinary(), absl::StrCat("--flagfile=", flagfile)}, environment);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  ASSERT_TRUE(ListeningAddress(**gateway).ok()) << (*gateway)->Output();
  EXPECT_THAT((*gateway)->Output(), HasSubstr("\"log_format\":\"json\""));
}

}  // namespace
