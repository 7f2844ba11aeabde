// The gateway as the steward of one api.video account: the real gateway and
// emulator processes, the emulator applying api.video's shape of rate limits
// at a small scale, and callers told apart by their caller tokens.

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/service/testing/error_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/caller_tokens.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/flood_scenario.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_calls.h"

namespace {

namespace v1 = ::apivideo::uploadtokens::v1;
using ::gateway::service::testing::FindDetail;
using ::testing_support::Authenticate;
using ::testing_support::EmulatorProcess;
using ::testing_support::FloodOutcome;
using ::testing_support::GatewayProcess;
using ::testing_support::PendingCall;
using ::testing_support::RunFloodBesideInteractiveCaller;
using ::testing_support::SetDeadline;
using ::testing_support::WriteCallerTokensFile;

constexpr char kApiKey[] = "quota-sharing-test-key";
constexpr char kFloodToken[] = "caller-token-of-the-flood";
constexpr char kInteractiveToken[] = "caller-token-of-the-interactive-caller";

class QuotaSharingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Each answer takes 20 ms, as a real one would take some time.
    auto emulator = EmulatorProcess::Start(kApiKey, {"--latency=20ms"});
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = *std::move(emulator);
    tokens_file_ =
        absl::StrCat(::testing::TempDir(), "/quota_caller_tokens_", getpid());
    WriteCallerTokensFile(tokens_file_, {{"flood", kFloodToken},
                                         {"interactive", kInteractiveToken}});
    // The token cache off: these tests are about the reads that do go
    // upstream, and a cache would answer most of them.
    auto gateway = GatewayProcess::Start(
        emulator_->base_url(), kApiKey,
        {absl::StrCat("--caller_tokens_file=", tokens_file_),
         "--token_cache_max_age=0", "--negative_cache_max_age=0"});
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    stub_ = gateway_->NewStub();
  }

  void TearDown() override { std::remove(tokens_file_.c_str()); }

  // Creates a token (as the interactive caller); its value.
  std::string MustCreate() {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(20));
    Authenticate(context, kInteractiveToken);
    v1::CreateUploadTokenRequest request;
    v1::UploadToken token;
    const grpc::Status status =
        stub_->CreateUploadToken(&context, request, &token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return token.token();
  }

  grpc::Status Get(const std::string& token, const char* caller_token,
                   absl::Duration deadline) {
    grpc::ClientContext context;
    SetDeadline(context, deadline);
    Authenticate(context, caller_token);
    v1::GetUploadTokenRequest request;
    request.set_token(token);
    v1::UploadToken response;
    return stub_->GetUploadToken(&context, request, &response);
  }

  std::unique_ptr<EmulatorProcess> emulator_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<v1::UploadTokenService::Stub> stub_;
  std::string tokens_file_;
};

// The scenario: one caller floods reads from eight threads, another
// reads once a second; api.video allows 40 reads per 5 s window.
TEST_F(QuotaSharingTest, FloodNeitherStarvesAnotherCallerNorDrawsA429) {
  ASSERT_TRUE(emulator_->SetRateLimits(40, 10, 5).ok());
  std::vector<std::string> tokens;
  for (int i = 0; i < 5; ++i) tokens.push_back(MustCreate());

  const FloodOutcome outcome = RunFloodBesideInteractiveCaller(
      /*flood_threads=*/8, /*interactive_calls=*/12,
      [&](int, int i) {
        return Get(tokens[i % tokens.size()], kFloodToken, absl::Seconds(6));
      },
      [&](int i) {
        return Get(tokens[i % tokens.size()], kInteractiveToken,
                   absl::Seconds(10));
      });

  EXPECT_EQ(outcome.interactive_ok, outcome.interactive_calls)
      << outcome.interactive_failures;
  EXPECT_EQ(*emulator_->RateLimited(), 0);
  // The flood got the rest of the windows.
  EXPECT_GT(outcome.flood_ok, 40);
  // For the log, not asserted: how long the interactive caller waited at
  // most (pacing keeps it near one pacing step, 125 ms here).
  RecordProperty(
      "interactive_slowest_ms",
      static_cast<int>(absl::ToInt64Milliseconds(outcome.interactive_slowest)));
  RecordProperty("flood_calls", outcome.flood_calls);
  RecordProperty("flood_ok", outcome.flood_ok);
}

TEST_F(QuotaSharingTest, DeadlineShorterThanTheWaitIsRefusedAtOnce) {
  ASSERT_TRUE(emulator_->SetRateLimits(2, 10, 60).ok());
  const std::string token = MustCreate();
  ASSERT_TRUE(Get(token, kInteractiveToken, absl::Seconds(5)).ok());
  ASSERT_TRUE(Get(token, kInteractiveToken, absl::Seconds(5)).ok());

  const absl::Time started = absl::Now();
  const grpc::Status status = Get(token, kInteractiveToken, absl::Seconds(3));
  EXPECT_LT(absl::Now() - started, absl::Seconds(1));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto retry = FindDetail<google::rpc::RetryInfo>(status);
  ASSERT_TRUE(retry.has_value());
  EXPECT_GT(retry->retry_delay().seconds(), 50);
  auto quota = FindDetail<google::rpc::QuotaFailure>(status);
  ASSERT_TRUE(quota.has_value());
  ASSERT_EQ(quota->violations_size(), 1);
  EXPECT_EQ(quota->violations(0).subject(), "interactive");
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 2);
}

TEST_F(QuotaSharingTest, CallWaitsForTheWindowWhenItsDeadlineAllows) {
  ASSERT_TRUE(emulator_->SetRateLimits(1, 10, 2).ok());
  const std::string token = MustCreate();
  ASSERT_TRUE(Get(token, kInteractiveToken, absl::Seconds(5)).ok());
  const absl::Time started = absl::Now();
  EXPECT_TRUE(Get(token, kInteractiveToken, absl::Seconds(10)).ok());
  // It waited for the window to reset rather than fail or draw a 429.
  EXPECT_GT(absl::Now() - started, absl::Seconds(1));
  EXPECT_EQ(*emulator_->RateLimited(), 0);
}

TEST_F(QuotaSharingTest, CancelledWaiterTakesNothing) {
  ASSERT_TRUE(emulator_->SetRateLimits(1, 10, 2).ok());
  const std::string token = MustCreate();
  ASSERT_TRUE(Get(token, kInteractiveToken, absl::Seconds(5)).ok());

  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(10));
  Authenticate(context, kInteractiveToken);
  v1::GetUploadTokenRequest request;
  request.set_token(token);
  v1::UploadToken response;
  PendingCall waiting;
  stub_->async()->GetUploadToken(&context, &request, &response,
                                 waiting.OnDone());
  absl::SleepFor(absl::Milliseconds(200));
  context.TryCancel();
  ASSERT_TRUE(waiting.Wait(absl::Seconds(5)));
  EXPECT_EQ(waiting.status().error_code(), grpc::StatusCode::CANCELLED);

  // The next window's unit goes to the next call, and the cancelled one
  // never reached api.video.
  EXPECT_TRUE(Get(token, kInteractiveToken, absl::Seconds(10)).ok());
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 2);
  EXPECT_EQ(*emulator_->RateLimited(), 0);
}

}  // namespace
