// The gRPC floor of the benchmark: UploadTokenService on the callback API,
// answering every call from memory. Nothing else: no validation, no logging,
// no upstream. Whatever the gateway costs beyond this (plus the floor of its
// HTTP client, floor_curl.cc) is the gateway's own doing.
//
// Three modes:
//   plain    the handler fills the answer and calls Finish on gRPC's thread.
//   handoff  the handler passes the call to one other thread, which fills
//            the answer and calls Finish: one hand-off each way, the least
//            that any server whose I/O runs on a loop of its own (the
//            gateway's curl loop) must pay. This is the floor the gateway's
//            CPU per call is held to.
//   relay    the hand-off, and the other thread is a libcurl loop on epoll
//            that makes one upstream request per call (the same request for
//            every call: no mapping, no parsing) and answers from memory
//            when it returns: the gateway's structure with none of its
//            work, in one process, so that it shares the machine with
//            h2load and the upstream as the gateway does.
//
// Usage: bench_floor_server PORT [--handoff |
//                                 --relay VERB URL AUTH_HEADER [BODY]]
//        (prints "listening on PORT" when ready; in relay mode, a failed
//        upstream request answers UNAVAILABLE and prints "upstream failed")

#include <curl/curl.h>
#include <sys/eventfd.h>
#include <unistd.h>

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
#include <vector>

#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "curl_epoll_driver.h"
#include "curl_request.h"
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

// The other side of the hand-off in relay mode: one thread running a libcurl
// multi handle from epoll, woken by an eventfd when a call is posted, that
// makes the upstream request and runs the call's `Done` when it returns.
// Easy handles are configured once and reused, and so are their keep-alive
// connections.
class RelayThread {
 public:
  // Runs on the relay thread; `ok` is whether upstream answered 2xx.
  using Done = std::function<void(bool ok)>;

  explicit RelayThread(bench::CurlRequest request)
      : request_(std::move(request)),
        wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
        thread_([this] { Run(); }) {}
  RelayThread(const RelayThread&) = delete;
  RelayThread& operator=(const RelayThread&) = delete;
  ~RelayThread() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    Wake();
    thread_.join();
    close(wake_fd_);
  }

  void Post(Done done) {
    bool first = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      first = posted_.empty();
      posted_.push_back(std::move(done));
    }
    // The thread takes every posted call at once, so only the first after
    // it did needs to wake it.
    if (first) Wake();
  }

 private:
  struct Transfer {
    CURL* easy = nullptr;
    Done done;
    std::string answer;
  };

  static size_t Append(char* data, size_t size, size_t count, void* user) {
    static_cast<Transfer*>(user)->answer.append(data, size * count);
    return size * count;
  }

  void Wake() const {
    const uint64_t one = 1;
    if (write(wake_fd_, &one, sizeof one) < 0) {
      // EAGAIN: the counter is full, so the thread is woken already.
    }
  }

  void Run() {
    CURLM* multi = curl_multi_init();
    curl_slist* headers = request_.NewHeaders();
    {
      bench::CurlEpollDriver driver(multi);
      driver.WatchWakeFd(wake_fd_);
      std::vector<std::unique_ptr<Transfer>> all;
      std::vector<Transfer*> idle;
      std::vector<Done> posted;
      for (bool stopping = false;;) {
        if (driver.Turn()) {
          uint64_t count = 0;
          if (read(wake_fd_, &count, sizeof count) < 0) count = 0;
          {
            std::lock_guard<std::mutex> lock(mutex_);
            posted.swap(posted_);
            stopping = stopping_;
          }
          for (Done& done : posted) {
            if (idle.empty()) {
              all.push_back(NewTransfer(headers));
              idle.push_back(all.back().get());
            }
            Transfer* transfer = idle.back();
            idle.pop_back();
            transfer->done = std::move(done);
            curl_multi_add_handle(multi, transfer->easy);
          }
          posted.clear();
          driver.RunTimerIfDue();  // starts the transfers just added
        }
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
          if (message->msg != CURLMSG_DONE) continue;
          Transfer* transfer = nullptr;
          curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
          long status = 0;
          curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE,
                            &status);
          const bool ok = message->data.result == CURLE_OK && status / 100 == 2;
          if (!ok) {
            std::fprintf(stderr, "upstream failed: %s, HTTP %ld\n",
                         curl_easy_strerror(message->data.result), status);
          }
          curl_multi_remove_handle(multi, transfer->easy);
          transfer->answer.clear();
          Done done = std::move(transfer->done);
          idle.push_back(transfer);
          done(ok);
        }
        if (stopping && driver.running() == 0) break;
      }
      for (auto& transfer : all) curl_easy_cleanup(transfer->easy);
      curl_multi_cleanup(multi);  // may still tell the driver of sockets
    }
    curl_slist_free_all(headers);
  }

  std::unique_ptr<Transfer> NewTransfer(curl_slist* headers) const {
    auto transfer = std::make_unique<Transfer>();
    transfer->easy = curl_easy_init();
    request_.Configure(transfer->easy, headers, Append, transfer.get());
    return transfer;
  }

  const bench::CurlRequest request_;
  const int wake_fd_;
  std::mutex mutex_;
  std::vector<Done> posted_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

class FloorService final : public UploadTokenService::CallbackService {
 public:
  // With `handoff`, every answer is filled and finished on `handoff`'s
  // thread; with `relay`, on the relay thread once upstream answered;
  // without either, on the gRPC thread that runs the handler.
  FloorService(HandoffThread* handoff, RelayThread* relay)
      : handoff_(handoff), relay_(relay) {
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
    if (relay_ != nullptr) {
      relay_->Post([reactor, response, &answer](bool ok) {
        if (!ok) {
          reactor->Finish(
              grpc::Status(grpc::StatusCode::UNAVAILABLE, "upstream failed"));
          return;
        }
        *response = answer;
        reactor->Finish(grpc::Status::OK);
      });
    } else if (handoff_ == nullptr) {
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
  RelayThread* const relay_;
  UploadToken token_;
  ListUploadTokensResponse page_;
};

}  // namespace

int main(int argc, char** argv) {
  const bool handoff = argc == 3 && std::strcmp(argv[2], "--handoff") == 0;
  const bool relay =
      (argc == 6 || argc == 7) && std::strcmp(argv[2], "--relay") == 0;
  if (argc != 2 && !handoff && !relay) {
    std::fprintf(stderr,
                 "usage: %s PORT [--handoff | --relay VERB URL AUTH_HEADER "
                 "[BODY]]\n",
                 argv[0]);
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
  std::unique_ptr<RelayThread> relay_thread;
  if (relay) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    relay_thread = std::make_unique<RelayThread>(bench::CurlRequest{
        argv[3], argv[4], argv[5], argc == 7 ? argv[6] : ""});
  }
  FloorService service(handoff_thread.get(), relay_thread.get());
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
