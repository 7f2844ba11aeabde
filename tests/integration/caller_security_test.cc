// Who may call the gateway: TLS, mTLS with an allowlist of client
// identities, and caller tokens, against the real gateway process.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/security/caller_policy.h"
#include "gateway/service/testing/error_details.h"
#include "gmock/gmock.h"
#include "grpc/grpc_security_constants.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_calls.h"
#include "tests/testing/test_certificates.h"

namespace {

using ::apivideo::uploadtokens::v1::ListUploadTokensRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensResponse;
using ::apivideo::uploadtokens::v1::UploadTokenService;
using ::gateway::service::testing::FindDetail;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::SetDeadline;
using ::testing_support::TestCertificates;

constexpr char kApiKey[] = "caller-security-key-1c8e";
constexpr char kCallerToken[] = "billing-caller-token-0b5d77";

class CallerSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto certs = TestCertificates::Create();
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_ = *std::move(certs);
    auto emulator = EmulatorProcess::Start(kApiKey);
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = *std::move(emulator);
  }

  void StartGateway(std::vector<std::string> flags) {
    auto gateway =
        GatewayProcess::Start(emulator_->base_url(), kApiKey, std::move(flags));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
  }

  std::vector<std::string> TlsFlags() const {
    return {absl::StrCat("--tls_cert_file=", certs_->Path("server.pem")),
            absl::StrCat("--tls_key_file=", certs_->Path("server.key"))};
  }
  std::vector<std::string> MtlsFlags() const {
    std::vector<std::string> flags = TlsFlags();
    flags.push_back(absl::StrCat("--client_ca_file=", certs_->Path("ca.pem")));
    return flags;
  }

  // A TLS channel trusting the test CA, presenting `client` ("billing",
  // "intruder") when not empty.
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& client) const {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = certs_->Read("ca.pem");
    if (!client.empty()) {
      options.pem_private_key = certs_->Read(client + ".key");
      options.pem_cert_chain = certs_->Read(client + ".pem");
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return gateway_->NewChannel(grpc::SslCredentials(options), args);
  }

  grpc::Status List(const std::shared_ptr<grpc::Channel>& channel,
                    const std::string& caller_token = "") {
    grpc::ClientContext context;
    SetDeadline(context);
    if (!caller_token.empty()) {
      context.AddMetadata("authorization", "Bearer " + caller_token);
    }
    ListUploadTokensResponse response;
    return UploadTokenService::NewStub(channel)->ListUploadTokens(
        &context, ListUploadTokensRequest(), &response);
  }

  std::unique_ptr<TestCertificates> certs_;
  std::unique_ptr<EmulatorProcess> emulator_;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(CallerSecurityTest, TlsServesVerifiedClientsAndRefusesPlaintext) {
  StartGateway(TlsFlags());
  EXPECT_TRUE(List(TlsChannel("")).ok());
  EXPECT_EQ(List(gateway_->NewChannel()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(CallerSecurityTest, MtlsRefusesClientsWithoutACertificate) {
  StartGateway(MtlsFlags());
  EXPECT_EQ(List(TlsChannel("")).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(List(TlsChannel("intruder")).ok());
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 1);
}

TEST_F(CallerSecurityTest, AllowlistLetsInListedIdentitiesOnly) {
  std::vector<std::string> flags = MtlsFlags();
  flags.push_back("--allowed_clients=spiffe://test/ns/default/sa/billing");
  StartGateway(flags);
  EXPECT_TRUE(List(TlsChannel("billing")).ok());
  grpc::Status refused = List(TlsChannel("intruder"));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto info = FindDetail<google::rpc::ErrorInfo>(refused);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "CALLER_NOT_ALLOWED");
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 1);
  auto line = gateway_->process().WaitForLine(
      "(method=ListUploadTokens code=OK .* "
      "caller=spiffe://test/ns/default/sa/billing)",
      absl::Seconds(5));
  EXPECT_TRUE(line.ok()) << line.status();
}

TEST_F(CallerSecurityTest, HealthStaysOpenToUnlistedClients) {
  std::vector<std::string> flags = MtlsFlags();
  flags.push_back("--allowed_clients=billing.internal");
  StartGateway(flags);
  grpc::ClientContext context;
  SetDeadline(context);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status =
      grpc::health::v1::Health::NewStub(TlsChannel("intruder"))
          ->Check(&context, grpc::health::v1::HealthCheckRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(CallerSecurityTest, CallerTokensAdmitKnownCallersByName) {
  const std::string tokens_file = certs_->Path("caller_tokens");
  std::ofstream(tokens_file)
      << "billing " << gateway::security::Sha256Hex(kCallerToken) << "\n";
  StartGateway({absl::StrCat("--caller_tokens_file=", tokens_file)});

  grpc::Status missing = List(gateway_->NewChannel());
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status wrong = List(gateway_->NewChannel(), "not-a-known-token");
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(List(gateway_->NewChannel(), kCallerToken).ok());
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 1);
  auto line = gateway_->process().WaitForLine(
      "(method=ListUploadTokens code=OK .* caller=billing)", absl::Seconds(5));
  EXPECT_TRUE(line.ok()) << line.status();
  EXPECT_THAT(gateway_->process().Output(),
              ::testing::Not(::testing::HasSubstr(kCallerToken)));
}

TEST_F(CallerSecurityTest, RevokedCallerTokenIsRefusedWithoutARestart) {
  const std::string tokens_file = certs_->Path("caller_tokens");
  std::ofstream(tokens_file)
      << "billing " << gateway::security::Sha256Hex(kCallerToken) << "\n";
  StartGateway({absl::StrCat("--caller_tokens_file=", tokens_file),
                "--caller_tokens_reload_interval=100ms"});
  ASSERT_TRUE(List(gateway_->NewChannel(), kCallerToken).ok());

  // The leaked token is replaced by a new one, in a new file renamed into
  // place as a Secret update does.
  const std::string new_token = "billing-caller-token-rotated-91c2";
  std::ofstream(tokens_file + ".new")
      << "billing " << gateway::security::Sha256Hex(new_token) << "\n";
  ASSERT_EQ(std::rename((tokens_file + ".new").c_str(), tokens_file.c_str()),
            0);
  ASSERT_TRUE(
      gateway_->process()
          .WaitForLine("(caller_tokens_file .* changed)", absl::Seconds(10))
          .ok());

  EXPECT_EQ(List(gateway_->NewChannel(), kCallerToken).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(List(gateway_->NewChannel(), new_token).ok());
}

TEST_F(CallerSecurityTest, AllowlistWithoutClientCaStopsStartup) {
  auto gateway = GatewayProcess::Start(emulator_->base_url(), kApiKey,
                                       {"--allowed_clients=billing.internal"});
  EXPECT_FALSE(gateway.ok());
}

}  // namespace
