#include "gateway/server/gateway_server.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace gateway::server {
namespace {

constexpr char kService[] = "apivideo.uploadtokens.v1.UploadTokenService";

// The service every method of which answers UNIMPLEMENTED: enough for the
// server around it.
class NoUploadTokens final
    : public ::apivideo::uploadtokens::v1::UploadTokenService::CallbackService {
};

class GatewayServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options) {
    options.listen_address = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<GatewayServer>> server =
        GatewayServer::Start(options, nullptr, service_, kService);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
  }

  NoUploadTokens service_;
  std::unique_ptr<GatewayServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(GatewayServerTest, OneConnectionHoldsNoMoreStreamsThanTheCap) {
  ServerOptions options;
  options.max_concurrent_streams = 2;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto health = grpc::health::v1::Health::NewStub(channel_);

  // Three health watches on one connection, each held open once answered:
  // the server lets two run; the third waits in the client for a stream.
  std::atomic<int> answered{0};
  absl::Notification release;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  for (int i = 0; i < 3; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->set_deadline(
        absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  }
  std::vector<std::thread> watchers;
  for (int i = 0; i < 3; ++i) {
    watchers.emplace_back([&, i] {
      grpc::health::v1::HealthCheckRequest request;
      request.set_service(kService);
      auto watch = health->Watch(contexts[i].get(), request);
      grpc::health::v1::HealthCheckResponse response;
      if (watch->Read(&response)) answered.fetch_add(1);
      release.WaitForNotification();
      contexts[i]->TryCancel();
      watch->Finish();
    });
  }
  absl::SleepFor(absl::Seconds(1));
  const int answered_while_held = answered.load();
  release.Notify();
  // The third watch is waiting in Read: cancel it too.
  for (auto& context : contexts) context->TryCancel();
  for (std::thread& watcher : watchers) watcher.join();

  EXPECT_EQ(answered_while_held, 2);
}

TEST_F(GatewayServerTest, ServiceAndHealthAreServing) {
  ASSERT_NO_FATAL_FAILURE(Start(ServerOptions()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(kService);
  grpc::health::v1::HealthCheckResponse response;

  ASSERT_TRUE(grpc::health::v1::Health::NewStub(channel_)
                  ->Check(&context, request, &response)
                  .ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

}  // namespace
}  // namespace gateway::server
