// The gRPC floor of the benchmark: UploadTokenService on the callback API,
// answering every call from memory. Nothing else: no validation, no logging,
// no upstream. Whatever the gateway costs beyond this (plus the floor of its
// HTTP client, floor_curl.cc) is the gateway's own doing.
//
// Two modes:
//   plain    the handler fills the answer and calls Finish on gRPC's thread.
//   handoff  the handler passes the call to one other thread, which fills
//            the answer and calls Finish: one hand-off each way, the least
//            that any server whose I/O runs on a loop of its own (the
//            gateway's curl loop) must pay. This is the floor the gateway's
//            CPU per call is held to.
//
// Usage: bench_floor_server PORT [--handoff]
//        (prints "listening on PORT" when ready)

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

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

// One thread that runs what it is given, in order: the other side of the
// hand-off. A mutex and a condition variable, as plain as a queue can be, so
// that the floor measures the hand-off and not a clever queue.
class HandoffThread {
 public:
  HandoffThread() : thread_([this] { Run(); }) {}
  HandoffThread(const HandoffThread&) = delete;
  HandoffThread& operator=(const HandoffThread&) = delete;
  ~HandoffThread() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  void Post(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to run
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

class FloorService final : public UploadTokenService::CallbackService {
 public:
  // With `handoff`, every answer is filled and finished on `handoff`'s
  // thread; without, on the gRPC thread that runs the handler.
  explicit FloorService(HandoffThread* handoff) : handoff_(handoff) {
    FillToken(0, &token_);
    for (int i = 0; i < 100; ++i) FillToken(i, page_.add_upload_tokens());
    page_.set_next_page_token(
        "CAESAggCGiD0x1yq3D0dXk3GmH8T0wW5y4f1f9n6bYkqOe6Qm6k");
    page_.set_total_size(1000);
  }

  grpc::ServerUnaryReactor* GetUploadToken(grpc::CallbackServerContext* context,
                                           const GetUploadTokenRequest*,
                                           UploadToken* response) override {
    return Answer(context, response, token_);
  }
  grpc::ServerUnaryReactor* CreateUploadToken(
      grpc::CallbackServerContext* context, const CreateUploadTokenRequest*,
      UploadToken* response) override {
    return Answer(context, response, token_);
  }
  grpc::ServerUnaryReactor* ListUploadTokens(
      grpc::CallbackServerContext* context, const ListUploadTokensRequest*,
      ListUploadTokensResponse* response) override {
    return Answer(context, response, page_);
  }

 private:
  template <typename Message>
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context,
                                   Message* response, const Message& answer) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (handoff_ == nullptr) {
      *response = answer;
      reactor->Finish(grpc::Status::OK);
    } else {
      handoff_->Post([reactor, response, &answer] {
        *response = answer;
        reactor->Finish(grpc::Status::OK);
      });
    }
    return reactor;
  }

  HandoffThread* const handoff_;
  UploadToken token_;
  ListUploadTokensResponse page_;
};

}  // namespace

int main(int argc, char** argv) {
  const bool handoff = argc == 3 && std::strcmp(argv[2], "--handoff") == 0;
  if (argc != 2 && !handoff) {
    std::fprintf(stderr, "usage: %s PORT [--handoff]\n", argv[0]);
    return 2;
  }
  // Block the signals before gRPC starts its threads, so sigwait gets them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::unique_ptr<HandoffThread> handoff_thread;
  if (handoff) handoff_thread = std::make_unique<HandoffThread>();
  FloorService service(handoff_thread.get());
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
