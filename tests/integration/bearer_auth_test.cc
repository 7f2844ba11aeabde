// --auth=bearer against the emulator: one token fetched for many calls, and
// a token the upstream stops accepting replaced by one refresh and one retry.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_calls.h"

namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::PendingCall;
using ::testing_support::SetDeadline;

constexpr char kApiKey[] = "bearer-test-key-41aa";

class BearerAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emulator = EmulatorProcess::Start(kApiKey);
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = *std::move(emulator);
    // Without the token cache, a read of a token just created goes
    // upstream, with the access token: what these tests are about.
    auto gateway =
        GatewayProcess::Start(emulator_->base_url(), kApiKey,
                              {"--auth=bearer", "--token_cache_max_age=0"});
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    stub_ = gateway_->NewStub();
  }

  grpc::Status Create(UploadToken& token) {
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->CreateUploadToken(&context, CreateUploadTokenRequest(),
                                    &token);
  }

  std::unique_ptr<EmulatorProcess> emulator_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<apivideo::uploadtokens::v1::UploadTokenService::Stub> stub_;
};

TEST_F(BearerAuthTest, ManyConcurrentCallsShareOneTokenRequest) {
  constexpr int kCalls = 50;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<UploadToken> tokens(kCalls);
  std::vector<PendingCall> calls(kCalls);
  CreateUploadTokenRequest request;
  for (int i = 0; i < kCalls; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    SetDeadline(*contexts.back());
    stub_->async()->CreateUploadToken(contexts.back().get(), &request,
                                      &tokens[i], calls[i].OnDone());
  }
  for (PendingCall& call : calls) {
    ASSERT_TRUE(call.Wait(absl::Seconds(10)));
    EXPECT_TRUE(call.status().ok()) << call.status().error_message();
  }
  EXPECT_EQ(*emulator_->RequestCount("POST /auth/api-key"), 1);
  EXPECT_EQ(*emulator_->RequestCount("POST /upload-tokens"), kCalls);
}

TEST_F(BearerAuthTest, RejectedTokenIsRefreshedOnceAndTheCallRetried) {
  UploadToken token;
  ASSERT_TRUE(Create(token).ok());
  // The emulator's clock jumps past the access token's lifetime: it now
  // answers 401 to the token the gateway still holds.
  ASSERT_TRUE(emulator_->AdvanceClock(3700).ok());
  grpc::ClientContext context;
  SetDeadline(context);
  GetUploadTokenRequest request;
  request.set_token(token.token());
  UploadToken got;
  grpc::Status status = stub_->GetUploadToken(&context, request, &got);
  // The upload token itself has ttl 0: it outlives any clock jump.
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(*emulator_->RequestCount("POST /auth/api-key"), 1);
  EXPECT_EQ(*emulator_->RequestCount("POST /auth/refresh"), 1);
  // The 401 and the retry.
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 2);
}

TEST_F(BearerAuthTest, RefusedKeyIsInternalAndTheKeyNeverShows) {
  ASSERT_TRUE(emulator_->SetApiKeys({"some-other-key"}).ok());
  UploadToken token;
  grpc::Status status = Create(token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(),
              ::testing::Not(::testing::HasSubstr(kApiKey)));
  EXPECT_THAT(gateway_->process().Output(),
              ::testing::Not(::testing::HasSubstr(kApiKey)));
  EXPECT_EQ(*emulator_->RequestCount("POST /upload-tokens"), 0);
}

}  // namespace
