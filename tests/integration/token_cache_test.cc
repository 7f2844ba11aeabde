// Reads that spend no quota, end to end: the real gateway in front of the
// real emulator, which counts the requests that reach it.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gmock/gmock.h"
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
using ::apivideo::uploadtokens::v1::UploadToken;
using ::apivideo::uploadtokens::v1::UploadTokenService;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::PendingCall;
using ::testing_support::SetDeadline;

constexpr char kApiKey[] = "token-cache-test-key-2c9d1a";
constexpr char kGetRoute[] = "GET /upload-tokens/{token}";

// The x-cache metadata of a finished call; "(none)" when absent.
std::string XCache(const grpc::ClientContext& context) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find("x-cache");
  if (it == metadata.end()) return "(none)";
  return std::string(it->second.data(), it->second.size());
}

// One emulator for the suite, reset before each test; each test starts the
// gateway with the flags it is about.
class TokenCacheTest : public testing_support::SharedEmulatorTest<kApiKey> {
 protected:
  void StartGateway(std::vector<std::string> flags = {}) {
    auto gateway =
        GatewayProcess::Start(emulator_->base_url(), kApiKey, std::move(flags));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    stub_ = gateway_->NewStub();
  }

  UploadToken MustCreate() {
    grpc::ClientContext context;
    SetDeadline(context);
    UploadToken token;
    const grpc::Status status =
        stub_->CreateUploadToken(&context, CreateUploadTokenRequest(), &token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return token;
  }

  // Gets `token`; `x_cache` receives the answer's x-cache.
  grpc::Status Get(const std::string& token, std::string* x_cache = nullptr) {
    grpc::ClientContext context;
    SetDeadline(context);
    GetUploadTokenRequest request;
    request.set_token(token);
    UploadToken got;
    const grpc::Status status = stub_->GetUploadToken(&context, request, &got);
    if (x_cache != nullptr) *x_cache = XCache(context);
    return status;
  }

  grpc::Status Delete(const std::string& token) {
    grpc::ClientContext context;
    SetDeadline(context);
    DeleteUploadTokenRequest request;
    request.set_token(token);
    google::protobuf::Empty empty;
    return stub_->DeleteUploadToken(&context, request, &empty);
  }

  int Count(const std::string& route) {
    absl::StatusOr<int> count = emulator_->RequestCount(route);
    EXPECT_TRUE(count.ok()) << count.status();
    return count.value_or(-1);
  }

  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<UploadTokenService::Stub> stub_;
};

TEST_F(TokenCacheTest, CreateThenGetIsOneWriteAndNoRead) {
  StartGateway();
  const UploadToken created = MustCreate();
  std::string x_cache;
  ASSERT_TRUE(Get(created.token(), &x_cache).ok());
  EXPECT_EQ(x_cache, "hit");
  EXPECT_EQ(Count("POST /upload-tokens"), 1);
  EXPECT_EQ(Count(kGetRoute), 0);
}

TEST_F(TokenCacheTest, TokenMadeElsewhereIsReadOnceThenAHit) {
  StartGateway();
  // Made through another replica: this one has never seen it.
  auto other_replica = GatewayProcess::Start(emulator_->base_url(), kApiKey);
  ASSERT_TRUE(other_replica.ok()) << other_replica.status();
  grpc::ClientContext context;
  SetDeadline(context);
  UploadToken made;
  ASSERT_TRUE(
      (*other_replica)
          ->NewStub()
          ->CreateUploadToken(&context, CreateUploadTokenRequest(), &made)
          .ok());
  const std::string& token = made.token();
  std::string first;
  std::string second;
  ASSERT_TRUE(Get(token, &first).ok());
  ASSERT_TRUE(Get(token, &second).ok());
  EXPECT_EQ(first, "miss");
  EXPECT_EQ(second, "hit");
  EXPECT_EQ(Count(kGetRoute), 1);
}

TEST_F(TokenCacheTest, DeleteThenGetIsNotFound) {
  StartGateway();
  const UploadToken created = MustCreate();
  ASSERT_TRUE(Get(created.token()).ok());  // a hit
  ASSERT_TRUE(Delete(created.token()).ok());
  std::string x_cache;
  EXPECT_EQ(Get(created.token(), &x_cache).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Forgotten at the delete, so asked upstream.
  EXPECT_EQ(x_cache, "miss");
  EXPECT_EQ(Count(kGetRoute), 1);
}

TEST_F(TokenCacheTest, ConcurrentGetsOfOneTokenAreOneUpstreamRead) {
  // The cache off, so that only coalescing can spare the reads.
  StartGateway({"--token_cache_max_age=0", "--negative_cache_max_age=0"});
  const UploadToken created = MustCreate();
  // Slow answers, so that the reads overlap.
  ASSERT_TRUE(
      emulator_
          ->AddFault(absl::StrCat(R"({"method":"GET","path":"/upload-tokens/)",
                                  created.token(), R"(","latency_ms":700})"))
          .ok());
  constexpr int kCalls = 8;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<PendingCall>> calls;
  std::vector<UploadToken> answers(kCalls);
  GetUploadTokenRequest request;
  request.set_token(created.token());
  for (int i = 0; i < kCalls; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    SetDeadline(*contexts.back(), absl::Seconds(10));
    calls.push_back(std::make_unique<PendingCall>());
    stub_->async()->GetUploadToken(contexts.back().get(), &request, &answers[i],
                                   calls.back()->OnDone());
    // The others start once the first is on its way upstream.
    if (i == 0) {
      ASSERT_TRUE(emulator_->WaitForRequests(kGetRoute, 1).ok());
    }
  }
  int misses = 0;
  int coalesced = 0;
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(calls[i]->Wait(absl::Seconds(15)));
    EXPECT_TRUE(calls[i]->status().ok()) << calls[i]->status().error_message();
    EXPECT_EQ(answers[i].token(), created.token());
    const std::string x_cache = XCache(*contexts[i]);
    misses += x_cache == "miss";
    coalesced += x_cache == "coalesced";
  }
  EXPECT_EQ(misses, 1);
  EXPECT_EQ(coalesced, kCalls - 1);
  EXPECT_EQ(Count(kGetRoute), 1);
}

TEST_F(TokenCacheTest, StormOnABogusTokenIsOneUpstreamRead) {
  StartGateway();  // --negative_cache_max_age=1s, the default
  const absl::Time start = absl::Now();
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Get("toBogusTokenThatNeverWas").error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  // Within the second NOT_FOUND is remembered; a machine too slow for that
  // would make the count below meaningless, so say so.
  ASSERT_LT(absl::Now() - start, absl::Seconds(1));
  EXPECT_EQ(Count(kGetRoute), 1);
}

}  // namespace
