// CurlLoop: the production HttpClient. One libcurl multi handle driven by
// one event-loop thread that the CurlLoop owns (epoll plus libcurl's
// socket-action API), so a single instance carries thousands of concurrent
// transfers while the calling threads never wait on I/O.
//
// Use one CurlLoop per process (or per upstream, if their options differ)
// and share it: connections, TLS sessions and the DNS cache live in the
// multi handle, so every transfer on the same loop reuses them (HTTP/1.1
// keep-alive; HTTP/2 multiplexing over TLS, or over cleartext with
// CurlLoopOptions::http2_prior_knowledge). Unit tests of code above the
// transport should use a fake HttpClient instead.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<CurlLoop>> loop = CurlLoop::Create({});
//   if (!loop.ok()) return loop.status();
//   HttpRequest request;
//   request.url = "https://ws.api.video/upload-tokens";
//   (*loop)->Start(std::move(request),
//                  [](absl::StatusOr<HttpResponse> response) { ... });
//
// Threading: Start() and Cancel() may be called from any thread; they queue
// a command for the loop and return without I/O. Callbacks run on the loop
// thread, one at a time, and must not block (they delay every transfer) or
// destroy the CurlLoop. They may call Start() and Cancel().
//
// Shutdown: the destructor completes every transfer not yet completed with
// kCancelled (each callback still runs exactly once), then joins the loop
// thread. Start() calls that race with the destructor get kCancelled too.

#ifndef GATEWAY_HTTP_CURL_LOOP_H_
#define GATEWAY_HTTP_CURL_LOOP_H_

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "gateway/common/scheduler.h"
#include "gateway/http/admission_queue.h"
#include "gateway/http/curl_loop_options.h"
#include "gateway/http/curl_transfer.h"
#include "gateway/http/easy_handle_pool.h"
#include "gateway/http/epoll_socket_set.h"
#include "gateway/http/extra_ca_certs.h"
#include "gateway/http/http_client.h"
#include "gateway/http/http_types.h"
#include "gateway/http/timer_queue.h"

namespace gateway::http {

class CurlLoop final : public HttpClient, public Scheduler {
 public:
  using Options = CurlLoopOptions;

  // Counters for tests and metrics. Each field is exact on its own; fields
  // read together may be from slightly different instants.
  struct Stats {
    // Accepted by Start().
    std::uint64_t transfers_started = 0;
    // Started and not yet completed (callback not yet run).
    std::uint64_t transfers_in_flight = 0;
    // Of those, waiting for a place under
    // CurlLoopOptions::max_concurrent_transfers.
    std::uint64_t transfers_waiting = 0;
    // Connections opened (sum of CURLINFO_NUM_CONNECTS), counted when the
    // transfer that opened them completes.
    std::uint64_t connections_opened = 0;
  };

  // Starts the loop thread. Fails if `options.ca_file` cannot be loaded, if
  // `options.http2_prior_knowledge` is set but the libcurl in use mishandles
  // it (kFailedPrecondition: libcurl < 8.0.0, which includes Debian 12's
  // 7.88.1), or if the process is out of file descriptors or memory.
  static absl::StatusOr<std::unique_ptr<CurlLoop>> Create(Options options);

  CurlLoop(const CurlLoop&) = delete;
  CurlLoop& operator=(const CurlLoop&) = delete;

  // Cancels what is still running (see "Shutdown" above) and joins the loop
  // thread. Must not run on the loop thread, i.e. not inside a callback.
  ~CurlLoop() override;

  TransferId Start(HttpRequest request, ResponseCallback done) override;
  void Cancel(TransferId id) override;

  // Tasks run on the loop thread, between socket events, so they must not
  // block. A RunAfter() that races with the destructor after the loop has
  // stopped runs its task inside RunAfter(), the one exception to the
  // contract, as there is no other thread left to run it.
  TaskId RunAfter(absl::Duration delay, Task task) override;
  void CancelTask(TaskId id) override;

  Stats GetStats() const;

 private:
  using Clock = std::chrono::steady_clock;

  // A request from another thread, run by the loop thread.
  struct Command {
    enum class Kind { kStartTransfer, kCancelTransfer, kRunTask, kCancelTask };
    Kind kind = Kind::kStartTransfer;
    // The transfer or task the command is about.
    std::uint64_t id = 0;
    std::unique_ptr<CurlTransfer> transfer;  // kStartTransfer
    Task task;                               // kRunTask
    Clock::time_point due;                   // kRunTask
  };

  CurlLoop(Options options, std::unique_ptr<ExtraCaCerts> extra_ca,
           bool skip_default_ca_path);
  absl::Status Init();

  // Queues `command` and wakes the loop. Returns false, leaving `command`
  // untouched, once the loop has stopped taking commands.
  bool Post(Command& command);
  void SignalLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // The loop thread and its helpers; they touch loop-thread state only.
  void Run();
  bool RunCommands();  // False once shutdown was requested.
  void Shutdown();
  // Hands `transfer` to libcurl, or queues it behind the waiting ones when
  // max_concurrent_transfers are already running.
  void AddTransfer(std::unique_ptr<CurlTransfer> transfer);
  void StartTransfer(std::unique_ptr<CurlTransfer> transfer);
  // Routes the sockets of connections `easy` opens through sockets_.
  absl::Status WatchConnectionSockets(CURL* easy);
  // Starts waiting transfers while there is room.
  void StartWaiting();
  // Fails the waiting transfers whose timeout has run out.
  void ExpireWaiting(Clock::time_point now);
  // Publishes the size of `waiting_` for GetStats(), after each change.
  void PublishWaitingCount();
  bool HasRoom() const;
  // `code` is libcurl's result; none for a cancelled transfer, which may
  // also be a waiting one.
  void FinishTransfer(TransferId id, std::optional<CURLcode> code);
  void ReadCompletions();
  int MillisUntilTimer() const;
  void CompleteUnstarted(std::unique_ptr<CurlTransfer> transfer,
                         absl::Status status);

  // libcurl's CURLMOPT_SOCKETFUNCTION and CURLMOPT_TIMERFUNCTION.
  static int OnSocket(CURL* easy, curl_socket_t socket, int what, void* self,
                      void* socket_data);
  // libcurl's CURLOPT_OPENSOCKETFUNCTION and CURLOPT_CLOSESOCKETFUNCTION, so
  // that sockets_ knows each connection socket's life.
  static curl_socket_t OnOpenSocket(void* self, curlsocktype purpose,
                                    curl_sockaddr* address);
  static int OnCloseSocket(void* self, curl_socket_t socket);
  static int OnTimer(CURLM* multi,
                     long timeout_ms,  // NOLINT(google-runtime-int)
                     void* self);

  const std::unique_ptr<ExtraCaCerts> extra_ca_;  // Null without ca_file.
  const TransferSettings settings_;               // Points into extra_ca_.

  // Set up by Init(), released by the destructor.
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // An eventfd that Post() writes to wake the loop.
  std::optional<EpollSocketSet> sockets_;  // libcurl's sockets in epoll_fd_.
  CURLM* multi_ = nullptr;
  std::thread thread_;

  std::atomic<TransferId> next_id_{1};

  absl::Mutex mu_;
  std::vector<Command> commands_ ABSL_GUARDED_BY(mu_);
  bool wake_pending_ ABSL_GUARDED_BY(mu_) = false;  // wake_fd_ is signalled.
  bool stop_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;  // The loop takes no commands.

  // Loop-thread state.
  std::vector<Command> batch_;  // The commands being run.
  absl::flat_hash_map<TransferId, std::unique_ptr<CurlTransfer>> active_;
  AdmissionQueue waiting_;  // Transfers over the cap.
  EasyHandlePool handles_;  // Of finished transfers, for the next ones.
  std::optional<Clock::time_point> timer_deadline_;  // libcurl's timer
  TimerQueue timers_;  // The tasks of RunAfter() not yet run.

  std::atomic<std::uint64_t> started_{0};
  std::atomic<std::uint64_t> completed_{0};
  std::atomic<std::uint64_t> waiting_count_{0};
  std::atomic<std::uint64_t> connections_opened_{0};
};

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_CURL_LOOP_H_
