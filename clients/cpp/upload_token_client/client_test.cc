#include "upload_token_client/client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <regex>
#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "upload_token_client/channel.h"
#include "upload_token_client/error_details.h"
#include "upload_token_client/testing/fake_gateway.h"

namespace upload_token_client {
namespace {

using ::testing::ElementsAre;
using testing::FakeGateway;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;
using ::testing::SizeIs;

// An error as the gateway makes them: `details` in the status details.
grpc::Status GatewayError(grpc::StatusCode code,
                          const google::protobuf::Message& detail) {
  google::rpc::Status status;
  status.set_code(code);
  status.set_message("refused");
  status.add_details()->PackFrom(detail);
  return grpc::Status(code, "refused", status.SerializeAsString());
}

google::rpc::RetryInfo RetryAfter(absl::Duration delay) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(delay / absl::Seconds(1));
  retry.mutable_retry_delay()->set_nanos(
      static_cast<int>((delay % absl::Seconds(1)) / absl::Nanoseconds(1)));
  return retry;
}

grpc::Status Unavailable(grpc::ServerContext& /*context*/,
                         v1::UploadToken& /*token*/) {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection lost");
}

// A page of `tokens` pointing at `next`.
testing::Answer<v1::ListUploadTokensResponse> Page(
    std::vector<std::string> tokens, std::string next) {
  return
      [tokens, next](grpc::ServerContext&, v1::ListUploadTokensResponse& page) {
        for (const std::string& token : tokens) {
          page.add_upload_tokens()->set_token(token);
        }
        page.set_next_page_token(next);
        return grpc::Status::OK;
      };
}

std::vector<std::string> Names(const std::vector<v1::UploadToken>& tokens) {
  std::vector<std::string> names;
  for (const v1::UploadToken& token : tokens) names.push_back(token.token());
  return names;
}

std::string RequestIdOf(const std::string& request_text) {
  std::smatch match;
  static const std::regex kRequestId("request_id: \"([^\"]*)\"");
  return std::regex_search(request_text, match, kRequestId) ? match[1].str()
                                                            : "";
}

class UploadTokenClientTest : public ::testing::Test {
 protected:
  UploadTokenClient Client(ClientOptions options = {}) {
    ChannelOptions channel;
    channel.target = gateway_.address();
    return UploadTokenClient(*MakeChannel(channel), options);
  }

  FakeGateway gateway_;
};

TEST_F(UploadTokenClientTest, EveryCallGetsTheDefaultDeadline) {
  ClientOptions options;
  options.default_timeout = absl::Seconds(7);
  const auto before = std::chrono::system_clock::now();
  ASSERT_TRUE(Client(options).Get("to1abc").ok());
  ASSERT_THAT(gateway_.calls(), SizeIs(1));
  const auto deadline = gateway_.calls()[0].deadline;
  EXPECT_GT(deadline, before + std::chrono::seconds(6));
  EXPECT_LE(deadline, before + std::chrono::seconds(8));
}

TEST_F(UploadTokenClientTest, ACallsOwnTimeoutReplacesTheDefault) {
  CallOptions call;
  call.timeout = absl::Seconds(60);
  const auto before = std::chrono::system_clock::now();
  ASSERT_TRUE(Client().Delete("to1abc", call).ok());
  EXPECT_GT(gateway_.calls()[0].deadline, before + std::chrono::seconds(50));
}

TEST_F(UploadTokenClientTest, SendsTheCallersMetadata) {
  CallOptions call;
  call.metadata = {{"traceparent", "00-abc-def-01"}};
  ASSERT_TRUE(Client().Get("to1abc", call).ok());
  EXPECT_THAT(gateway_.calls()[0].metadata,
              ::testing::Contains(Pair("traceparent", "00-abc-def-01")));
}

TEST_F(UploadTokenClientTest, ReturnsTheGatewaysResponseMetadata) {
  gateway_.AnswerGet([](grpc::ServerContext& context, v1::UploadToken& token) {
    context.AddInitialMetadata("x-cache", "hit");
    context.AddInitialMetadata("x-ratelimit-remaining", "41");
    context.AddTrailingMetadata("x-trailing", "yes");
    token.set_token("to1abc");
    return grpc::Status::OK;
  });
  ResponseMetadata metadata;
  CallOptions call;
  call.response_metadata = &metadata;
  ASSERT_TRUE(Client().Get("to1abc", call).ok());
  EXPECT_THAT(metadata.Find("x-cache"), Optional(std::string("hit")));
  EXPECT_THAT(metadata.Find("x-ratelimit-remaining"),
              Optional(std::string("41")));
  EXPECT_THAT(metadata.Find("x-trailing"), Optional(std::string("yes")));
  EXPECT_EQ(metadata.Find("x-absent"), std::nullopt);
}

TEST_F(UploadTokenClientTest, ErrorsKeepTheGatewaysDetails) {
  google::rpc::ErrorInfo info;
  info.set_reason("RESOURCE_NOT_FOUND");
  gateway_.AnswerGet([&info](grpc::ServerContext&, v1::UploadToken&) {
    return GatewayError(grpc::StatusCode::NOT_FOUND, info);
  });
  absl::StatusOr<v1::UploadToken> token = Client().Get("to1abc");
  EXPECT_EQ(token.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(DecodeErrorDetails(token.status()).reason(), "RESOURCE_NOT_FOUND");
}

TEST_F(UploadTokenClientTest, CreateMakesARequestIdWhenGivenNone) {
  ASSERT_TRUE(Client().Create(3600).ok());
  const std::string request = gateway_.calls()[0].request;
  EXPECT_THAT(request, HasSubstr("ttl: 3600"));
  EXPECT_THAT(RequestIdOf(request), SizeIs(36));
}

TEST_F(UploadTokenClientTest, CreateKeepsTheCallersRequestId) {
  v1::CreateUploadTokenRequest request;
  request.set_request_id("0f8fad5b-d9cb-469f-a165-70867728950e");
  ASSERT_TRUE(Client().Create(request).ok());
  EXPECT_EQ(RequestIdOf(gateway_.calls()[0].request),
            "0f8fad5b-d9cb-469f-a165-70867728950e");
}

TEST_F(UploadTokenClientTest, CreateWithoutTtlLeavesItUnsetAndZeroIsSent) {
  ASSERT_TRUE(Client().Create().ok());
  ASSERT_TRUE(Client().Create(0).ok());
  ASSERT_THAT(gateway_.calls(), SizeIs(2));
  EXPECT_THAT(gateway_.calls()[0].request, ::testing::Not(HasSubstr("ttl")));
  EXPECT_THAT(gateway_.calls()[1].request, HasSubstr("ttl: 0"));
}

TEST_F(UploadTokenClientTest, CreateRetriesUnavailableWithTheSameRequestId) {
  gateway_.AnswerCreate(Unavailable);
  gateway_.AnswerCreate([](grpc::ServerContext&, v1::UploadToken& token) {
    token.set_token("to1new");
    return grpc::Status::OK;
  });
  absl::StatusOr<v1::UploadToken> token = Client().Create(60);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->token(), "to1new");
  const auto calls = gateway_.calls();
  ASSERT_THAT(calls, SizeIs(2));
  EXPECT_THAT(RequestIdOf(calls[0].request), SizeIs(36));
  EXPECT_EQ(RequestIdOf(calls[1].request), RequestIdOf(calls[0].request));
}

TEST_F(UploadTokenClientTest, CreateGivesUpAfterItsAttempts) {
  for (int i = 0; i < 5; ++i) gateway_.AnswerCreate(Unavailable);
  ClientOptions options;
  options.create_attempts = 3;
  EXPECT_EQ(Client(options).Create(60).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_THAT(gateway_.calls(), SizeIs(3));
}

TEST_F(UploadTokenClientTest, CreateDoesNotRetryTheGatewaysOwnAnswers) {
  google::rpc::ErrorInfo info;
  info.set_reason("CREATE_OUTCOME_UNKNOWN");
  gateway_.AnswerCreate([&info](grpc::ServerContext&, v1::UploadToken&) {
    return GatewayError(grpc::StatusCode::ABORTED, info);
  });
  absl::StatusOr<v1::UploadToken> token = Client().Create(60);
  EXPECT_EQ(token.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(DecodeErrorDetails(token.status()).reason(),
            "CREATE_OUTCOME_UNKNOWN");
  EXPECT_THAT(gateway_.calls(), SizeIs(1));
}

TEST_F(UploadTokenClientTest, ListAllWalksEveryPageWithTheSameRequest) {
  gateway_.AnswerList(Page({"to1a", "to1b"}, "page2"));
  gateway_.AnswerList(Page({"to1c", "to1d"}, "page3"));
  gateway_.AnswerList(Page({"to1e"}, ""));
  v1::ListUploadTokensRequest request;
  request.set_page_size(2);
  request.set_filter("creator = \"web\"");
  absl::StatusOr<std::vector<v1::UploadToken>> tokens =
      Client().ListAll(request);
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_THAT(Names(*tokens),
              ElementsAre("to1a", "to1b", "to1c", "to1d", "to1e"));
  const auto calls = gateway_.calls();
  ASSERT_THAT(calls, SizeIs(3));
  EXPECT_THAT(calls[0].request, ::testing::Not(HasSubstr("page_token")));
  EXPECT_THAT(calls[1].request, HasSubstr("page_token: \"page2\""));
  EXPECT_THAT(calls[2].request, HasSubstr("page_token: \"page3\""));
  for (const auto& call : calls) {
    EXPECT_THAT(call.request, HasSubstr("page_size: 2"));
    EXPECT_THAT(call.request, HasSubstr("creator = \\\"web\\\""));
  }
}

TEST_F(UploadTokenClientTest, ListAllWaitsAsRetryInfoSaysAndGoesOn) {
  gateway_.AnswerList(Page({"to1a"}, "page2"));
  gateway_.AnswerList([](grpc::ServerContext&, v1::ListUploadTokensResponse&) {
    return GatewayError(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        RetryAfter(absl::Milliseconds(300)));
  });
  gateway_.AnswerList(Page({"to1b"}, ""));
  const absl::Time start = absl::Now();
  absl::StatusOr<std::vector<v1::UploadToken>> tokens = Client().ListAll();
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));
  EXPECT_THAT(Names(*tokens), ElementsAre("to1a", "to1b"));
  const auto calls = gateway_.calls();
  ASSERT_THAT(calls, SizeIs(3));
  EXPECT_EQ(calls[1].request, calls[2].request);
}

TEST_F(UploadTokenClientTest, ListAllGivesUpWhenRetryInfoAsksTooLong) {
  gateway_.AnswerList([](grpc::ServerContext&, v1::ListUploadTokensResponse&) {
    return GatewayError(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        RetryAfter(absl::Seconds(30)));
  });
  ClientOptions options;
  options.list_all_max_wait = absl::Seconds(5);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::vector<v1::UploadToken>> tokens =
      Client(options).ListAll();
  EXPECT_EQ(tokens.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(DecodeErrorDetails(tokens.status()).retry_delay(),
            absl::Seconds(30));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_THAT(gateway_.calls(), SizeIs(1));
}

TEST_F(UploadTokenClientTest, ListAllReturnsOtherErrorsAtOnce) {
  gateway_.AnswerList([](grpc::ServerContext&, v1::ListUploadTokensResponse&) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad filter");
  });
  EXPECT_EQ(Client().ListAll().status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(gateway_.calls(), SizeIs(1));
}

}  // namespace
}  // namespace upload_token_client
