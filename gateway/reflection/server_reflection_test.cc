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
  // One reflection stream to the server, version `Service` (v1 or v1alpha),
  // with the last request sent and the last answer read.
  template <typename Service, typename Request, typename Response>
  class Call {
   public:
    explicit Call(const std::shared_ptr<grpc::Channel>& channel)
        : stub_(Service::NewStub(channel)) {
      context_.set_deadline(In(absl::Seconds(10)));
      stream_ = stub_->ServerReflectionInfo(&context_);
    }

    // Writes `request` and reads its answer into `response`; false if either
    // failed.
    bool Ask() { return stream_->Write(request) && stream_->Read(&response); }

    // Half-closes the stream and waits for the call to end: the server sends
    // no more answers and ends it with the status returned.
    grpc::Status Close() {
      EXPECT_TRUE(stream_->WritesDone());
      Response more;
      EXPECT_FALSE(stream_->Read(&more)) << "an answer after the half-close";
      return stream_->Finish();
    }

    grpc::ClientContext& context() { return context_; }
    grpc::ClientReaderWriter<Request, Response>& stream() { return *stream_; }

    Request request;
    Response response;

   private:
    std::unique_ptr<typename Service::Stub> stub_;
    grpc::ClientContext context_;
    std::unique_ptr<grpc::ClientReaderWriter<Request, Response>> stream_;
  };
  using V1Call = Call<grpc::reflection::v1::ServerReflection,
                      grpc::reflection::v1::ServerReflectionRequest,
                      grpc::reflection::v1::ServerReflectionResponse>;
  using V1AlphaCall = Call<grpc::reflection::v1alpha::ServerReflection,
                           grpc::reflection::v1alpha::ServerReflectionRequest,
                           grpc::reflection::v1alpha::ServerReflectionResponse>;

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
  V1Call call(channel_);

  call.request.set_list_services("");
  ASSERT_TRUE(call.Ask());
  ASSERT_EQ(call.response.list_services_response().service_size(), 3);
  EXPECT_EQ(call.response.list_services_response().service(0).name(),
            kUploadTokenService);

  call.request.set_file_containing_symbol(
      "grpc.reflection.v1.ServerReflection");
  ASSERT_TRUE(call.Ask());
  ASSERT_EQ(
      call.response.file_descriptor_response().file_descriptor_proto_size(), 1);

  call.request.set_file_containing_symbol("no.Such");
  ASSERT_TRUE(call.Ask());
  EXPECT_EQ(call.response.error_response().error_code(),
            static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(call.response.original_request().file_containing_symbol(),
            "no.Such");

  const grpc::Status status = call.Close();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ServerReflectionServerTest, V1AlphaAnswersTheSame) {
  V1AlphaCall call(channel_);

  call.request.set_host("localhost");
  call.request.set_file_by_filename(
      "apivideo/uploadtokens/v1/upload_tokens.proto");
  ASSERT_TRUE(call.Ask());
  EXPECT_EQ(call.response.valid_host(), "localhost");
  EXPECT_EQ(
      call.response.file_descriptor_response().file_descriptor_proto_size(), 3);

  call.request.set_list_services("");
  ASSERT_TRUE(call.Ask());
  EXPECT_EQ(call.response.list_services_response().service(2).name(),
            "grpc.reflection.v1alpha.ServerReflection");

  const grpc::Status status = call.Close();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ServerReflectionServerTest, StreamClosedWithoutRequestsFinishes) {
  V1Call call(channel_);
  const grpc::Status status = call.Close();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ServerReflectionServerTest, CancelledStreamEnds) {
  V1Call call(channel_);
  call.request.set_list_services("");
  ASSERT_TRUE(call.Ask());

  call.context().TryCancel();

  EXPECT_EQ(call.stream().Finish().error_code(), grpc::StatusCode::CANCELLED);
  // TearDown checks that the server's side of the call has ended too.
}

TEST_F(ServerReflectionServerTest, ManyConcurrentStreams) {
  grpc::reflection::v1::ServerReflectionRequest request;
  request.set_file_containing_symbol(kUploadTokenService);
  std::vector<std::unique_ptr<V1Call>> calls;
  for (int i = 0; i < 20; ++i) {
    calls.push_back(std::make_unique<V1Call>(channel_));
    ASSERT_TRUE(calls.back()->stream().Write(request));
  }
  for (auto& call : calls) {
    grpc::reflection::v1::ServerReflectionResponse response;
    ASSERT_TRUE(call->stream().Read(&response));
    EXPECT_EQ(response.file_descriptor_response().file_descriptor_proto_size(),
              3);
    EXPECT_TRUE(call->Close().ok());
  }
}

// Reflection is a debugging aid outside the service's in-flight limit: it
// must not let one client hold any number of streams open.
TEST_F(ServerReflectionServerTest, StreamsBeyondTheCapAreRefused) {
  std::vector<std::unique_ptr<V1Call>> open;
  for (int i = 0; i < ServerReflection::kMaxOpenStreams; ++i) {
    open.push_back(std::make_unique<V1Call>(channel_));
    open.back()->request.set_list_services("");
    ASSERT_TRUE(open.back()->Ask()) << "stream " << i;
  }

  V1AlphaCall refused(channel_);
  refused.request.set_list_services("");
  EXPECT_FALSE(refused.Ask());
  EXPECT_EQ(refused.stream().Finish().error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  EXPECT_TRUE(open.back()->Close().ok());
  open.pop_back();
  // The server's side of the closed stream ends a moment after the client's.
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  bool answered = false;
  while (!answered && absl::Now() < deadline) {
    V1Call again(channel_);
    again.request.set_list_services("");
    answered = again.Ask();
    if (answered) {
      EXPECT_TRUE(again.Close().ok());
    } else {
      again.stream().Finish();
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
  EXPECT_TRUE(answered) << "a place freed by a closed stream is not reused";
  for (auto& call : open) EXPECT_TRUE(call->Close().ok());
}

}  // namespace
}  // namespace gateway::reflection
