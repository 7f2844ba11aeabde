// The gateway talks HTTPS to the emulator, verifying its certificate against
// a test CA given with --ca_file.

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/service/testing/error_details.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/test_certificates.h"

namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::gateway::service::testing::FindDetail;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::TestCertificates;

constexpr char kApiKey[] = "tls-test-key-93ab";

class UpstreamTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto certs = TestCertificates::Create();
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_ = *std::move(certs);
    auto emulator = EmulatorProcess::Start(
        kApiKey,
        {absl::StrCat("--tls_cert=", certs_->Path("server.pem")),
         absl::StrCat("--tls_key=", certs_->Path("server.key"))},
        ca_file());
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = *std::move(emulator);
  }

  void TearDown() override { emulator_.reset(); }

  std::string ca_file() const { return certs_->Path("ca.pem"); }

  std::unique_ptr<TestCertificates> certs_;
  std::unique_ptr<EmulatorProcess> emulator_;
};

TEST_F(UpstreamTlsTest, VerifiedHttpsUpstreamServesCalls) {
  ASSERT_THAT(emulator_->base_url(), StartsWith("https://"));
  auto gateway = GatewayProcess::Start(emulator_->base_url(), kApiKey,
                                       {absl::StrCat("--ca_file=", ca_file())});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();

  grpc::ClientContext create_context;
  create_context.set_deadline(std::chrono::system_clock::now() +
                              std::chrono::seconds(5));
  CreateUploadTokenRequest create;
  create.set_ttl(120);
  UploadToken created;
  grpc::Status status =
      stub->CreateUploadToken(&create_context, create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();

  grpc::ClientContext get_context;
  get_context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(5));
  GetUploadTokenRequest get;
  get.set_token(created.token());
  UploadToken got;
  status = stub->GetUploadToken(&get_context, get, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.ttl(), 120);
}

TEST_F(UpstreamTlsTest, UntrustedUpstreamCertificateIsRefused) {
  // Without --ca_file the test CA is unknown, so verification must fail.
  auto gateway = GatewayProcess::Start(emulator_->base_url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  UploadToken created;
  grpc::Status status =
      stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value()) << status.error_message();
  EXPECT_EQ(info->reason(), "UPSTREAM_UNREACHABLE");
  EXPECT_THAT(status.error_message(), HasSubstr("certificate"));
  EXPECT_EQ(*emulator_->RequestCount("POST /upload-tokens"), 0);
}

}  // namespace
