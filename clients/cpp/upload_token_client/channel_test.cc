#include "upload_token_client/channel.h"

#include <grpcpp/grpcpp.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "upload_token_client/testing/fake_gateway.h"

namespace upload_token_client {
namespace {

using testing::FakeGateway;
using ::testing::HasSubstr;
using ::testing::SizeIs;
namespace v1 = ::apivideo::uploadtokens::v1;

template <typename Response>
grpc::Status Unavailable(grpc::ServerContext& /*context*/,
                         Response& /*response*/) {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "replica going away");
}

std::shared_ptr<grpc::Channel> PlaintextChannel(const std::string& target) {
  ChannelOptions options;
  options.target = target;
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(options);
  EXPECT_TRUE(channel.ok()) << channel.status();
  return *channel;
}

grpc::Status Get(grpc::Channel& channel) {
  auto stub = v1::UploadTokenService::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  v1::GetUploadTokenRequest request;
  request.set_token("to1abc");
  v1::UploadToken token;
  return stub->GetUploadToken(&context, request, &token);
}

TEST(MakeChannelTest, RefusesAnEmptyTarget) {
  EXPECT_EQ(MakeChannel({}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MakeChannelTest, RefusesToSendABearerTokenInClear) {
  ChannelOptions options;
  options.target = "localhost:50051";
  options.bearer_token = "secret";
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(options);
  EXPECT_EQ(channel.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(channel.status().message(), HasSubstr("TLS"));
}

TEST(MakeChannelTest, RefusesHalfAClientCertificate) {
  ChannelOptions options;
  options.target = "localhost:50051";
  options.tls.emplace().client_certificate_chain_pem =
      "-----BEGIN CERTIFICATE-----";
  EXPECT_EQ(MakeChannel(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MakeChannelTest, SpreadsCallsOverEveryAddressOfTheTarget) {
  FakeGateway first;
  FakeGateway second;
  auto channel =
      PlaintextChannel("ipv4:" + first.address() + "," + second.address());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Get(*channel).ok());
  // pick_first, gRPC's default, would send all 20 to one of them; round_robin
  // alternates once both connections are up (the first calls may all go to
  // the one that came up first).
  EXPECT_GE(first.calls().size(), 5u);
  EXPECT_GE(second.calls().size(), 5u);
  EXPECT_EQ(first.calls().size() + second.calls().size(), 20u);
}

TEST(MakeChannelTest, RetriesAReadThatFoundTheGatewayUnavailable) {
  FakeGateway gateway;
  gateway.AnswerGet(Unavailable<v1::UploadToken>);
  auto channel = PlaintextChannel(gateway.address());
  EXPECT_TRUE(Get(*channel).ok());
  EXPECT_THAT(gateway.calls(), SizeIs(2));
}

TEST(MakeChannelTest, DoesNotRetryADelete) {
  FakeGateway gateway;
  gateway.AnswerDelete(Unavailable<google::protobuf::Empty>);
  auto channel = PlaintextChannel(gateway.address());
  auto stub = v1::UploadTokenService::NewStub(channel);
  grpc::ClientContext context;
  v1::DeleteUploadTokenRequest request;
  google::protobuf::Empty empty;
  EXPECT_EQ(stub->DeleteUploadToken(&context, request, &empty).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(gateway.calls(), SizeIs(1));
}

TEST(ReadPemFileTest, NamesAFileThatIsNotThere) {
  absl::StatusOr<std::string> pem = ReadPemFile("/nonexistent/ca.pem");
  EXPECT_EQ(pem.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(pem.status().message(), HasSubstr("/nonexistent/ca.pem"));
}

}  // namespace
}  // namespace upload_token_client
