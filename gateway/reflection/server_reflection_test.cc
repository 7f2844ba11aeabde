#include "gateway/reflection/server_reflection.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/reflection/embedded_descriptor_set.h"
#include "gmock/gmock.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace gateway::reflection {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kUploadTokenService[] =
    "apivideo.uploadtokens.v1.UploadTokenService";

std::chrono::system_clock::time_point In(absl::Duration duration) {
  return std::chrono::system_clock::now() +
         absl::ToChronoMilliseconds(duration);
}

TEST(ServerReflectionTest, ListsTheGivenServicesAndItself) {
  auto reflection = ServerReflection::Create(
      EmbeddedDescriptorSet(), {kUploadTokenService, "grpc.health.v1.Health"});
  ASSERT_TRUE(reflection.ok()) << reflection.status();
  EXPECT_THAT((*reflection)->services(),
              ElementsAre(kUploadTokenService, "grpc.health.v1.Health",
                          "grpc.reflection.v1.ServerReflection",
                          "grpc.reflection.v1alpha.ServerReflection"));
}

TEST(ServerReflectionTest, RefusesServicesTheSetDoesNotDescribe) {
  auto reflection =
      ServerReflection::Create(EmbeddedDescriptorSet(), {"pkg.Unknown"});
  ASSERT_FALSE(reflection.ok());
  EXPECT_EQ(reflection.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(reflection.status().message(), HasSubstr("pkg.Unknown"));
}

TEST(ServerReflectionTest, RefusesABrokenSet) {
  EXPECT_FALSE(ServerReflection::Create("\x0a\x05junk", {}).ok());
}

// A real server on loopback with only the reflection services.
class ServerReflectionServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto reflection = ServerReflection::Create(EmbeddedDescriptorSet(),
                                               {kUploadTokenService});
    ASSERT_TRUE(reflection.ok()) << reflection.status();
    reflection_ = *std::move(reflection);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    reflection_->RegisterWith(builder);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }

  void TearDown() override {
    if (server_ == nullptr) return;
    // Every stream's reactor has finished, or this would wait for the
    // deadline and then cancel.
    const absl::Time start = absl::Now();
    server_->Shutdown(In(absl::Seconds(10)));
    server_->Wait();
    EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  }

  std::unique_ptr<ServerReflection> reflection_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

// Several requests on one stream, answered in order; the client's half-close
// ends the call with OK.
TEST_F(ServerReflectionServerTest, V1AnswersEachRequestOfAStream) {
  auto stub = grpc::reflection::v1::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(In(absl::Seconds(10)));
  auto stream = stub->ServerReflectionInfo(&context);

  grpc::reflection::v1::ServerReflectionRequest request;
  grpc::reflection::v1::ServerReflectionResponse response;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_EQ(response.list_services_response().service_size(), 3);
  EXPECT_EQ(response.list_services_response().service(0).name(),
            kUploadTokenService);

  request.set_file_containing_symbol("grpc.reflection.v1.ServerReflection");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_EQ(response.file_descriptor_response().file_descriptor_proto_size(),
            1);

  request.set_file_containing_symbol("no.Such");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.error_response().error_code(),
            static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(response.original_request().file_containing_symbol(), "no.Such");

  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ServerReflectionServerTest, V1AlphaAnswersTheSame) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(In(absl::Seconds(10)));
  auto stream = stub->ServerReflectionInfo(&context);

  grpc::reflection::v1alpha::ServerReflectionRequest request;
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  request.set_host("localhost");
  request.set_file_by_filename("apivideo/uploadtokens/v1/upload_tokens.proto");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.valid_host(), "localhost");
  EXPECT_EQ(response.file_descriptor_response().file_descriptor_proto_size(),
            3);

  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.list_services_response().service(2).name(),
            "grpc.reflection.v1alpha.ServerReflection");

  ASSERT_TRUE(stream->WritesDone());
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ServerReflectionServerTest, StreamClosedWithoutRequestsFinishes) {
  auto stub = grpc::reflection::v1::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(In(absl::Seconds(10)));
  auto stream = stub->ServerReflectionInfo(&context);
  ASSERT_TRUE(stream->WritesDone());
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ServerReflectionServerTest, CancelledStreamEnds) {
  auto stub = grpc::reflection::v1::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(In(absl::Seconds(10)));
  auto stream = stub->ServerReflectionInfo(&context);
  grpc::reflection::v1::ServerReflectionRequest request;
  grpc::reflection::v1::ServerReflectionResponse response;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  context.TryCancel();
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  // TearDown checks that the server's side of the call has ended too.
}

TEST_F(ServerReflectionServerTest, ManyConcurrentStreams) {
  auto stub = grpc::reflection::v1::ServerReflection::NewStub(channel_);
  struct Call {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReaderWriter<
        grpc::reflection::v1::ServerReflectionRequest,
        grpc::reflection::v1::ServerReflectionResponse>>
        stream;
  };
  std::vector<std::unique_ptr<Call>> calls;
  grpc::reflection::v1::ServerReflectionRequest request;
  request.set_file_containing_symbol(kUploadTokenService);
  for (int i = 0; i < 20; ++i) {
    auto call = std::make_unique<Call>();
    call->context.set_deadline(In(absl::Seconds(10)));
    call->stream = stub->ServerReflectionInfo(&call->context);
    ASSERT_TRUE(call->stream->Write(request));
    calls.push_back(std::move(call));
  }
  for (auto& call : calls) {
    grpc::reflection::v1::ServerReflectionResponse response;
    ASSERT_TRUE(call->stream->Read(&response));
    EXPECT_EQ(response.file_descriptor_response().file_descriptor_proto_size(),
              3);
    ASSERT_TRUE(call->stream->WritesDone());
    EXPECT_TRUE(call->stream->Finish().ok());
  }
}

}  // namespace
}  // namespace gateway::reflection
