// Hostile or oversized input from either side: refused with a clear code,
// nothing sent upstream that should not be, and the gateway keeps serving.

#include <memory>
#include <string>

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

namespace {

using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensResponse;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::gateway::service::testing::FindDetail;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::SetDeadline;

constexpr char kApiKey[] = "hardening-test-key-88e1";

class HardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emulator = EmulatorProcess::Start(kApiKey);
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = *std::move(emulator);
    auto gateway = GatewayProcess::Start(emulator_->base_url(), kApiKey);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    stub_ = gateway_->NewStub();
  }

  grpc::Status List(const ListUploadTokensRequest& request,
                    const std::string& metadata_value = "") {
    grpc::ClientContext context;
    SetDeadline(context);
    if (!metadata_value.empty())
      context.AddMetadata("x-filler", metadata_value);
    ListUploadTokensResponse response;
    return stub_->ListUploadTokens(&context, request, &response);
  }

  // The gateway still answers a plain call, on a new connection (a
  // connection-level refusal may have closed the old one).
  void ExpectStillServing() {
    stub_ = gateway_->NewStub();
    EXPECT_TRUE(List(ListUploadTokensRequest()).ok());
  }

  // Gets `token`, whose upstream answer is too large in some way: the call
  // is INTERNAL with UPSTREAM_RESPONSE_TOO_LARGE, and the gateway serves on.
  void ExpectGetRefusedAsTooLarge(const std::string& token) {
    grpc::ClientContext context;
    SetDeadline(context);
    GetUploadTokenRequest request;
    request.set_token(token);
    UploadToken answer;
    grpc::Status status = stub_->GetUploadToken(&context, request, &answer);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
    auto info = FindDetail<google::rpc::ErrorInfo>(status);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->reason(), "UPSTREAM_RESPONSE_TOO_LARGE");
    ExpectStillServing();
  }

  std::unique_ptr<EmulatorProcess> emulator_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<apivideo::uploadtokens::v1::UploadTokenService::Stub> stub_;
};

TEST_F(HardeningTest, RequestOverTheSizeLimitIsRefusedUnread) {
  ListUploadTokensRequest huge;
  huge.set_page_token(std::string(100 * 1024, 'A'));
  EXPECT_EQ(List(huge).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 0);
  ExpectStillServing();
}

TEST_F(HardeningTest, MetadataOverTheLimitIsRefused) {
  const grpc::Status status =
      List(ListUploadTokensRequest(), std::string(32 * 1024, 'm'));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 0);
  ExpectStillServing();
}

TEST_F(HardeningTest, HostileOrderByAndPageTokenAreInvalidArguments) {
  for (const std::string& order_by :
       {std::string("ttl; DROP TABLE"), std::string("created_at\0x", 12),
        std::string(10 * 1024, 'z'), std::string("ttl desc asc")}) {
    ListUploadTokensRequest request;
    request.set_order_by(order_by);
    EXPECT_EQ(List(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  // (A proto3 string cannot carry invalid UTF-8: the client refuses.)
  for (const std::string& page_token :
       {std::string("%00%ff"), std::string(10 * 1024, 'A'),
        std::string("\0\0", 2)}) {
    ListUploadTokensRequest request;
    request.set_page_token(page_token);
    EXPECT_EQ(List(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens"), 0);
}

TEST_F(HardeningTest, UpstreamAnswerOverTheCapIsInternal) {
  const std::string body = absl::StrCat(R"({"token":"toBig","ttl":0,"x":")",
                                        std::string(2 << 20, 'x'), R"("})");
  ASSERT_TRUE(emulator_
                  ->AddFault(absl::StrCat(
                      R"({"method":"GET","path":"/upload-tokens/toBig",)",
                      R"("match":"exact","status":200,"body":")",
                      absl::StrReplaceAll(body, {{"\"", "\\\""}}), R"("})"))
                  .ok());
  ExpectGetRefusedAsTooLarge("toBig");
}

TEST_F(HardeningTest, HugeUpstreamProblemStillArrivesAsTheStatus) {
  // The worst an error body under the 1 MiB cap can hold: 100 KiB of title
  // and of detail, and many named problems with long names and titles, all
  // in multibyte characters (3 bytes each once percent-encoded in
  // grpc-message). Quoted whole, message and details would pass the client's
  // 8 KiB metadata limit, and it would see a transport error instead.
  auto text = [](std::size_t kib, absl::string_view character) {
    std::string text;
    while (text.size() < kib * 1024) absl::StrAppend(&text, character);
    return text;
  };
  const std::string title = text(100, "\xc3\xa9");
  std::string problems;
  for (int i = 0; i < 10; ++i) {
    absl::StrAppend(&problems, i == 0 ? "" : ",", R"({\"name\":\")", i,
                    text(20, "\xe2\x82\xac"), R"(\",\"title\":\")",
                    text(20, "\xe2\x82\xac"), R"(\"})");
  }
  ASSERT_TRUE(
      emulator_
          ->AddFault(absl::StrCat(
              R"({"method":"GET","path":"/upload-tokens/toHugeProblem",)",
              R"("match":"exact","status":400,"body":"{\"type\":)",
              R"(\"https://docs.api.video/reference/invalid-attribute\",)",
              R"(\"status\":400,\"name\":\"uploadToken\",\"title\":\")", title,
              R"(\",\"detail\":\")", text(100, "\xc3\xa9"),
              R"(\",\"problems\":[)", problems, R"(]}"})"))
          .ok());
  grpc::ClientContext context;
  SetDeadline(context);
  GetUploadTokenRequest request;
  request.set_token("toHugeProblem");
  UploadToken token;
  grpc::Status status = stub_->GetUploadToken(&context, request, &token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message().substr(0, 200);
  EXPECT_LE(status.error_message().size(), 1024);
  EXPECT_THAT(status.error_message(),
              ::testing::HasSubstr(title.substr(0, 256)));
  auto bad_request = FindDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations_size(), 5);
}

TEST_F(HardeningTest, UpstreamHeadersOverTheCapAreInternal) {
  std::string headers;
  for (int i = 0; i < 70; ++i) {
    absl::StrAppend(&headers, i == 0 ? "" : ",", "\"X-Filler-", i, "\":\"",
                    std::string(1000, 'h'), "\"");
  }
  ASSERT_TRUE(
      emulator_
          ->AddFault(absl::StrCat(
              R"({"method":"GET","path":"/upload-tokens/toBigHeaders",)",
              R"("match":"exact","status":200,"body":"{\"token\":)",
              R"(\"toBigHeaders\",\"ttl\":0,)",
              R"(\"createdAt\":\"2020-12-02T10:13:19+00:00\"}",)",
              R"("headers":{)", headers, "}}"))
          .ok());
  ExpectGetRefusedAsTooLarge("toBigHeaders");
}

TEST_F(HardeningTest, UpstreamRedirectIsNotFollowed) {
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/toMoved",
                     "match":"exact","status":302,
                     "headers":{"Location":"/upload-tokens/toElsewhere"}})")
                  .ok());
  grpc::ClientContext context;
  SetDeadline(context);
  GetUploadTokenRequest request;
  request.set_token("toMoved");
  UploadToken token;
  grpc::Status status = stub_->GetUploadToken(&context, request, &token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  // Only the first request reached the emulator; the redirect's target not.
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 1);
}

}  // namespace
