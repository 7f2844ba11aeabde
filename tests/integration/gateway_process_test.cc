// The gateway as a process: start-up checks, upstream credentials and
// reachability, reflection, and shutdown on SIGTERM. Each test starts its own
// processes.

#include "tests/testing/gateway_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/error_details.h"
#include "tests/testing/subprocess.h"

namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing_support::BinaryDir;
using ::testing_support::EmulatorProcess;
using ::testing_support::FindDetail;
using ::testing_support::GatewayProcess;
using ::testing_support::Subprocess;

constexpr char kApiKey[] = "process-test-key-2b7d91";

void SetDeadline(grpc::ClientContext& context,
                 absl::Duration timeout = absl::Seconds(5)) {
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(timeout));
}

TEST(GatewayProcessTest, RejectedApiKeyIsInternalAndNeverShown) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  const std::string wrong_key = "wrong-key-that-must-not-leak-5521";
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), wrong_key);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  grpc::ClientContext context;
  SetDeadline(context);
  UploadToken token;
  grpc::Status status =
      stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), HasSubstr("credentials"));
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "AUTHENTICATION_INVALID_API_KEY");
  EXPECT_THAT(status.error_message(), Not(HasSubstr(wrong_key)));
  EXPECT_THAT(status.error_details(), Not(HasSubstr(wrong_key)));
  EXPECT_THAT((*gateway)->process().Output(), Not(HasSubstr(wrong_key)));
}

TEST(GatewayProcessTest, UnreachableUpstreamIsUnavailable) {
  // Port 9 (discard) on loopback: nothing listens there in the test sandbox.
  auto gateway = GatewayProcess::Start("http://127.0.0.1:9", kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  grpc::ClientContext context;
  SetDeadline(context);
  GetUploadTokenRequest request;
  request.set_token("toAnything");
  UploadToken token;
  grpc::Status status = stub->GetUploadToken(&context, request, &token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(GatewayProcessTest, RefusesPlainHttpToRemoteHost) {
  auto process = Subprocess::Start(
      {absl::StrCat(BinaryDir(), "/upload_token_gateway"),
       "--listen=127.0.0.1:0", "--api_base_url=http://ws.api.video"},
      {{"APIVIDEO_API_KEY", kApiKey}});
  ASSERT_TRUE(process.ok()) << process.status();
  auto exit_status = (*process)->Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_TRUE(WIFEXITED(*exit_status));
  EXPECT_NE(WEXITSTATUS(*exit_status), 0);
  EXPECT_THAT((*process)->Output(), HasSubstr("refusing plain http"));
}

TEST(GatewayProcessTest, MissingApiKeyStopsStartup) {
  auto process =
      Subprocess::Start({absl::StrCat(BinaryDir(), "/upload_token_gateway"),
                         "--listen=127.0.0.1:0"},
                        {{"APIVIDEO_API_KEY", ""}});
  ASSERT_TRUE(process.ok()) << process.status();
  auto exit_status = (*process)->Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_NE(WEXITSTATUS(*exit_status), 0);
  EXPECT_THAT((*process)->Output(), HasSubstr("APIVIDEO_API_KEY"));
}

TEST(GatewayProcessTest, ReflectionListsTheServices) {
  auto gateway = GatewayProcess::Start("http://127.0.0.1:9", kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(
      (*gateway)->NewChannel());
  grpc::ClientContext context;
  SetDeadline(context);
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::set<std::string> services;
  for (const auto& service : response.list_services_response().service()) {
    services.insert(service.name());
  }
  EXPECT_THAT(services, ::testing::IsSupersetOf(
                            {"apivideo.uploadtokens.v1.UploadTokenService",
                             "grpc.health.v1.Health"}));
  // The service's file descriptor is served too, so grpcurl can describe it.
  request.set_file_containing_symbol(
      "apivideo.uploadtokens.v1.UploadTokenService");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_GE(response.file_descriptor_response().file_descriptor_proto_size(),
            1);
  stream->WritesDone();
}

TEST(GatewayProcessTest, SigtermLetsCallsInFlightFinishAndExitsZero) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  ASSERT_TRUE((*emulator)
                  ->AddFault(R"({"method":"POST","path":"/upload-tokens",
                     "match":"exact","action":"respond","latency_ms":1000})")
                  .ok());
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();

  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(10));
  UploadToken token;
  absl::Notification done;
  grpc::Status status;
  CreateUploadTokenRequest request;
  stub->async()->CreateUploadToken(&context, &request, &token,
                                   [&](grpc::Status s) {
                                     status = std::move(s);
                                     done.Notify();
                                   });
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (*(*emulator)->RequestCount("POST /upload-tokens") == 0 &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  (*gateway)->process().Signal(SIGTERM);
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(token.token().empty());
  auto exit_status = (*gateway)->process().Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_TRUE(WIFEXITED(*exit_status));
  EXPECT_EQ(WEXITSTATUS(*exit_status), 0);
}

TEST(GatewayProcessTest, SigtermCancelsCallsThatOutlastTheGracePeriod) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  ASSERT_TRUE((*emulator)
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/",
                     "match":"prefix","action":"respond","latency_ms":30000})")
                  .ok());
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey,
                                       {"--shutdown_grace=200ms"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(60));
  GetUploadTokenRequest request;
  request.set_token("toNeverAnswered");
  UploadToken token;
  absl::Notification done;
  grpc::Status status;
  stub->async()->GetUploadToken(&context, &request, &token,
                                [&](grpc::Status s) {
                                  status = std::move(s);
                                  done.Notify();
                                });
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (*(*emulator)->RequestCount("GET /upload-tokens/{token}") == 0 &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  const absl::Time signalled = absl::Now();
  (*gateway)->process().Signal(SIGTERM);
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_NE(status.error_code(), grpc::StatusCode::OK);
  auto exit_status = (*gateway)->process().Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_EQ(WEXITSTATUS(*exit_status), 0);
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(5));
}

}  // namespace
