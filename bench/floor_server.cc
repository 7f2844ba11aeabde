// The gRPC floor of the benchmark: UploadTokenService on the callback API,
// answering every call at once from memory. Nothing else: no validation, no
// logging, no upstream. Whatever the gateway costs beyond this (plus the
// floor of its HTTP client, floor_curl.cc) is the gateway's own doing.
//
// Usage: bench_floor_server PORT     (prints "listening on PORT" when ready)

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensResponse;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::apivideo::uploadtokens::v1::UploadTokenService;

void FillToken(int i, UploadToken* token) {
  std::string name = "to1tcmSFHeYY5KzyhOq";
  name += std::to_string(10000 + i);
  token->set_token(name);
  token->set_ttl(3600);
  token->mutable_created_at()->set_seconds(1795000000 + i);
  token->mutable_expires_at()->set_seconds(1795003600 + i);
}

class FloorService final : public UploadTokenService::CallbackService {
 public:
  FloorService() {
    FillToken(0, &token_);
    for (int i = 0; i < 100; ++i) FillToken(i, page_.add_upload_tokens());
    page_.set_next_page_token(
        "CAESAggCGiD0x1yq3D0dXk3GmH8T0wW5y4f1f9n6bYkqOe6Qm6k");
    page_.set_total_size(1000);
  }

  grpc::ServerUnaryReactor* GetUploadToken(grpc::CallbackServerContext* context,
                                           const GetUploadTokenRequest*,
                                           UploadToken* response) override {
    *response = token_;
    return Done(context);
  }
  grpc::ServerUnaryReactor* CreateUploadToken(
      grpc::CallbackServerContext* context, const CreateUploadTokenRequest*,
      UploadToken* response) override {
    *response = token_;
    return Done(context);
  }
  grpc::ServerUnaryReactor* ListUploadTokens(
      grpc::CallbackServerContext* context, const ListUploadTokensRequest*,
      ListUploadTokensResponse* response) override {
    *response = page_;
    return Done(context);
  }

 private:
  static grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  UploadToken token_;
  ListUploadTokensResponse page_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  // Block the signals before gRPC starts its threads, so sigwait gets them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  FloorService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(std::string("127.0.0.1:") + argv[1],
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "cannot listen on port %s\n", argv[1]);
    return 1;
  }
  std::fprintf(stderr, "listening on %d\n", port);
  int sig = 0;
  sigwait(&set, &sig);
  server->Shutdown();
  return 0;
}
