#include "gateway/http/curl_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>  // NOLINT(build/c++11): std::call_once
#include <string>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gateway/common/posix.h"

namespace gateway::http {
namespace {

// epoll_wait batch size; more ready sockets are picked up on the next turn.
constexpr int kMaxEvents = 256;

absl::Status EnsureCurlGlobalInit() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  // Process-wide and never undone: curl_global_cleanup would race with any
  // other libcurl user in the process.
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("curl_global_init: ", curl_easy_strerror(result)));
  }
  return absl::OkStatus();
}

// libcurl before 8.0.0 (Debian 12 ships 7.88.1) fails every request after
// the first on a reused prior-knowledge connection with CURLE_HTTP2 (curl
// issue #10634, fixed by curl PR #10643). Refuse rather than fail at runtime.
absl::Status CheckPriorKnowledgeSupport() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if ((info->features & CURL_VERSION_HTTP2) == 0) {
    return absl::FailedPreconditionError(
        "http2_prior_knowledge: this libcurl has no HTTP/2 support");
  }
  if (info->version_num < 0x080000) {
    return absl::FailedPreconditionError(absl::StrCat(
        "http2_prior_knowledge needs libcurl 8.0.0 or later; libcurl ",
        info->version,
        " breaks reused prior-knowledge connections (curl issue #10634)"));
  }
  return absl::OkStatus();
}

// Debian builds libcurl with a default CA file and a default CA directory
// holding the same certificates. libcurl (>= 7.87) parses the trust store
// once per multi handle and caches it, but only when no CA directory is set;
// otherwise every new TLS connection re-reads the whole bundle, about 50 ms
// of loop-thread CPU with OpenSSL 3, which stalls every other transfer (300
// simultaneous handshakes then miss a 10 s connect timeout). So transfers
// drop the directory, but only where the default file exists.
bool DefaultCaFileIsReadable() {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(),
                                                           &curl_easy_cleanup);
  char* path = nullptr;
  return easy != nullptr &&
         curl_easy_getinfo(easy.get(), CURLINFO_CAINFO, &path) == CURLE_OK &&
         path != nullptr && access(path, R_OK) == 0;
}

absl::Status ErrnoError(absl::string_view what) {
  return ErrnoStatus(absl::StatusCode::kInternal, what);
}

absl::Status ShuttingDown() {
  return MarkRequestNotSent(
      absl::CancelledError("the HTTP client is shutting down"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<CurlLoop>> CurlLoop::Create(Options options) {
  if (absl::Status status = EnsureCurlGlobalInit(); !status.ok()) {
    return status;
  }
  if (options.http2_prior_knowledge) {
    if (absl::Status status = CheckPriorKnowledgeSupport(); !status.ok()) {
      return status;
    }
  }
  std::unique_ptr<ExtraCaCerts> extra_ca;
  if (!options.ca_file.empty()) {
    absl::StatusOr<std::unique_ptr<ExtraCaCerts>> loaded =
        ExtraCaCerts::LoadPemFile(options.ca_file);
    if (!loaded.ok()) return loaded.status();
    extra_ca = *std::move(loaded);
  }
  auto loop = absl::WrapUnique(new CurlLoop(
      std::move(options), std::move(extra_ca), DefaultCaFileIsReadable()));
  if (absl::Status status = loop->Init(); !status.ok()) return status;
  return loop;
}

CurlLoop::CurlLoop(Options options, std::unique_ptr<ExtraCaCerts> extra_ca,
                   bool skip_default_ca_path)
    : extra_ca_(std::move(extra_ca)),
      settings_{std::move(options), extra_ca_.get(), skip_default_ca_path} {}

absl::Status CurlLoop::Init() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return ErrnoError("epoll_create1");
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) return ErrnoError("eventfd");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = wake_fd_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) != 0) {
    return ErrnoError("epoll_ctl");
  }
  sockets_.emplace(epoll_fd_);

  multi_ = curl_multi_init();
  if (multi_ == nullptr) return absl::InternalError("curl_multi_init failed");
  CURLMcode rc = CURLM_OK;
  auto check = [&rc](CURLMcode result) {
    if (rc == CURLM_OK) rc = result;
  };
  check(
      curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlLoop::OnSocket));
  check(curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this));
  check(curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlLoop::OnTimer));
  check(curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this));
  // The default since 7.62, stated because HTTP/2 reuse depends on it.
  check(curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX));
  // Without CURLMOPT_MAXCONNECTS, libcurl keeps at most 4 connections per
  // transfer it holds at the moment one goes idle. CurlLoop takes each
  // finished transfer out of the multi handle, so a lull of one or two
  // transfers closed the connections a burst had opened, and the next burst
  // opened them again (a TCP and, upstream, a TLS handshake each): 143 new
  // connections per 10,000 GETs at 10 in flight. No more than the cap on
  // transfers is ever in use at once, so that many may stay pooled; libcurl
  // closes idle ones after CURLOPT_MAXAGE_CONN (118 s by default) anyway.
  if (settings_.options.max_concurrent_transfers > 0) {
    check(curl_multi_setopt(
        multi_, CURLMOPT_MAXCONNECTS,
        static_cast<long>(  // NOLINT(google-runtime-int): libcurl's type
            std::min<std::size_t>(settings_.options.max_concurrent_transfers,
                                  LONG_MAX))));
  }
  if (settings_.options.max_host_connections > 0) {
    check(curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                            settings_.options.max_host_connections));
  }
  if (rc != CURLM_OK) {
    return absl::InternalError(
        absl::StrCat("curl_multi_setopt: ", curl_multi_strerror(rc)));
  }

  thread_ = std::thread(&CurlLoop::Run, this);
  return absl::OkStatus();
}

CurlLoop::~CurlLoop() {
  if (thread_.joinable()) {
    {
      absl::MutexLock lock(&mu_);
      stop_requested_ = true;
      SignalLocked();
    }
    thread_.join();  // Run() completes every transfer and frees libcurl state.
  }
  if (multi_ != nullptr) curl_multi_cleanup(multi_);  // Init() failed.
  if (wake_fd_ >= 0) close(wake_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

TransferId CurlLoop::Start(HttpRequest request, ResponseCallback done) {
  const TransferId id = next_id_.fetch_add(1);
  started_.fetch_add(1);
  Command command;
  command.kind = Command::Kind::kStartTransfer;
  command.id = id;
  command.transfer =
      std::make_unique<CurlTransfer>(id, std::move(request), std::move(done));
  if (!Post(command)) {
    // Only reachable by a Start() racing with the destructor, after the loop
    // thread finished: there is no other thread left to run the callback.
    completed_.fetch_add(1);
    command.transfer->Complete(ShuttingDown());
  }
  return id;
}

void CurlLoop::Cancel(TransferId id) {
  if (id == 0 || id >= next_id_.load()) return;  // Never started.
  Command command;
  command.kind = Command::Kind::kCancelTransfer;
  command.id = id;
  Post(command);  // Ignored once closed: nothing is left to cancel.
}

TaskId CurlLoop::RunAfter(absl::Duration delay, Task task) {
  const TaskId id = next_id_.fetch_add(1);
  Command command;
  command.kind = Command::Kind::kRunTask;
  command.id = id;
  // Delays too long to matter never fall due: now plus an infinite one (or
  // one past std::chrono's range) would overflow into the past.
  command.due = delay >= absl::Hours(24 * 365)
                    ? Clock::time_point::max()
                    : Clock::now() + absl::ToChronoNanoseconds(
                                         std::max(delay, absl::ZeroDuration()));
  command.task = std::move(task);
  if (!Post(command)) std::move(command.task)();  // See the header.
  return id;
}

void CurlLoop::CancelTask(TaskId id) {
  Command command;
  command.kind = Command::Kind::kCancelTask;
  command.id = id;
  Post(command);  // Ignored once closed: every task has run.
}

CurlLoop::Stats CurlLoop::GetStats() const {
  Stats stats;
  // `completed_` first: every completion counted there was started before,
  // so the difference below cannot go negative.
  const std::uint64_t completed = completed_.load();
  stats.transfers_started = started_.load();
  stats.transfers_in_flight = stats.transfers_started - completed;
  stats.transfers_waiting = waiting_count_.load();
  stats.connections_opened = connections_opened_.load();
  return stats;
}

bool CurlLoop::Post(Command& command) {
  absl::MutexLock lock(&mu_);
  if (closed_) return false;
  commands_.push_back(std::move(command));
  SignalLocked();
  return true;
}

void CurlLoop::SignalLocked() {
  // One write per batch of commands: the loop clears wake_pending_ when it
  // takes the batch. The eventfd is non-blocking and its counter cannot
  // realistically overflow, so this never waits.
  if (wake_pending_) return;
  wake_pending_ = true;
  const std::uint64_t one = 1;
  if (write(wake_fd_, &one, sizeof(one)) < 0 && errno != EAGAIN) {
    std::perror("CurlLoop: eventfd write");
    std::abort();
  }
}

void CurlLoop::Run() {
  // libcurl sends with MSG_NOSIGNAL on Linux (its OpenSSL BIO goes through
  // the same socket code), so SIGPIPE should never be raised. Blocking it on
  // the loop thread and the resolver threads libcurl starts from it keeps a
  // stray one from killing the process anyway.
  BlockSigpipeOnThisThread();
  std::array<epoll_event, kMaxEvents> events;
  int running_handles = 0;  // Unused; the completions are what matter.
  bool running = true;
  while (running) {
    const int ready =
        epoll_wait(epoll_fd_, events.data(), kMaxEvents, MillisUntilTimer());
    if (ready < 0) {
      if (errno == EINTR) continue;
      std::perror("CurlLoop: epoll_wait");  // Only a bug gets here.
      std::abort();
    }
    bool woken = false;
    for (int i = 0; i < ready; ++i) {
      const int fd = events[i].data.fd;
      const std::uint32_t flags = events[i].events;
      if (fd == wake_fd_) {
        std::uint64_t count = 0;
        (void)!read(wake_fd_, &count, sizeof(count));
        woken = true;
        continue;
      }
      // An idle pooled connection that became ready is libcurl's business
      // only when it reuses the connection.
      if (!sockets_->IsWatched(fd)) continue;
      int action = 0;
      // A hang-up is reported as readable so that libcurl reads the EOF.
      if ((flags & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) != 0) {
        action |= CURL_CSELECT_IN;
      }
      if ((flags & EPOLLOUT) != 0) action |= CURL_CSELECT_OUT;
      if ((flags & EPOLLERR) != 0) action |= CURL_CSELECT_ERR;
      // A socket closed by an earlier action in this batch is ignored by
      // libcurl; a reused descriptor number at worst gets a spurious look.
      curl_multi_socket_action(multi_, fd, action, &running_handles);
    }
    if (woken) running = RunCommands();
    timers_.RunDue(Clock::now());
    // After the commands: a transfer added above has set libcurl's timer to
    // "now", and starts here rather than after one more epoll_wait.
    if (timer_deadline_.has_value() &&
        std::chrono::steady_clock::now() >= *timer_deadline_) {
      timer_deadline_.reset();  // libcurl sets the next one as it goes.
      curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0,
                               &running_handles);
    }
    ReadCompletions();
    // After the completions, which free places.
    if (running && !waiting_.empty()) {
      ExpireWaiting(Clock::now());
      StartWaiting();
    }
  }
  Shutdown();
}

bool CurlLoop::RunCommands() {
  bool stop = false;
  {
    absl::MutexLock lock(&mu_);
    batch_.swap(commands_);  // Both keep their capacity across turns.
    wake_pending_ = false;
    stop = stop_requested_;
  }
  for (Command& command : batch_) {
    switch (command.kind) {
      case Command::Kind::kStartTransfer:
        if (stop) {
          CompleteUnstarted(std::move(command.transfer), ShuttingDown());
        } else {
          AddTransfer(std::move(command.transfer));
        }
        break;
      case Command::Kind::kCancelTransfer:
        FinishTransfer(command.id, std::nullopt);
        break;
      case Command::Kind::kRunTask:
        timers_.Add(command.id, command.due, std::move(command.task));
        break;
      case Command::Kind::kCancelTask:
        timers_.Cancel(command.id);
        break;
    }
  }
  batch_.clear();
  return !stop;
}

void CurlLoop::Shutdown() {
  // Nothing starts from here on, so the waiting transfers go first.
  std::vector<std::unique_ptr<CurlTransfer>> waiting = waiting_.TakeAll();
  PublishWaitingCount();
  for (auto& transfer : waiting) {
    CompleteUnstarted(std::move(transfer), ShuttingDown());
  }
  // Callbacks run here may still queue commands, so repeat until the queue is
  // empty and close it in the same critical section.
  while (true) {
    std::vector<TransferId> ids;
    ids.reserve(active_.size());
    for (const auto& entry : active_) ids.push_back(entry.first);
    for (TransferId id : ids) FinishTransfer(id, std::nullopt);
    timers_.RunAll();
    {
      absl::MutexLock lock(&mu_);
      if (commands_.empty()) {
        closed_ = true;
        break;
      }
      batch_.swap(commands_);
    }
    for (Command& command : batch_) {
      switch (command.kind) {
        case Command::Kind::kStartTransfer:
          CompleteUnstarted(std::move(command.transfer), ShuttingDown());
          break;
        case Command::Kind::kRunTask:
          std::move(command.task)();
          break;
        case Command::Kind::kCancelTransfer:
        case Command::Kind::kCancelTask:
          break;  // Everything is being finished anyway.
      }
    }
    batch_.clear();
  }
  handles_.Clear();
  curl_multi_cleanup(multi_);  // Closes the pooled connections.
  multi_ = nullptr;
}

bool CurlLoop::HasRoom() const {
  const std::size_t cap = settings_.options.max_concurrent_transfers;
  return cap == 0 || active_.size() < cap;
}

void CurlLoop::AddTransfer(std::unique_ptr<CurlTransfer> transfer) {
  if (waiting_.empty() && HasRoom()) {
    StartTransfer(std::move(transfer));
    return;
  }
  waiting_.Add(std::move(transfer));
  PublishWaitingCount();
}

void CurlLoop::PublishWaitingCount() { waiting_count_.store(waiting_.size()); }

void CurlLoop::StartWaiting() {
  while (!waiting_.empty() && HasRoom()) {
    std::unique_ptr<CurlTransfer> transfer = waiting_.TakeNext();
    PublishWaitingCount();
    StartTransfer(std::move(transfer));
  }
}

void CurlLoop::ExpireWaiting(Clock::time_point now) {
  while (std::unique_ptr<CurlTransfer> transfer = waiting_.TakeExpired(now)) {
    PublishWaitingCount();
    const absl::Status expired = transfer->ExpiredBeforeStart();
    CompleteUnstarted(std::move(transfer), expired);
  }
}

void CurlLoop::StartTransfer(std::unique_ptr<CurlTransfer> transfer) {
  CURL* easy = handles_.Acquire();
  if (easy == nullptr) {
    CompleteUnstarted(std::move(transfer),
                      MarkRequestNotSent(absl::ResourceExhaustedError(
                          "curl_easy_init failed: out of memory")));
    return;
  }
  absl::Status status = transfer->Configure(easy, settings_);
  if (status.ok()) status = WatchConnectionSockets(easy);
  if (status.ok()) {
    const CURLMcode added = curl_multi_add_handle(multi_, easy);
    if (added != CURLM_OK) {
      status = MarkRequestNotSent(absl::InternalError(
          absl::StrCat("curl_multi_add_handle: ", curl_multi_strerror(added))));
    }
  }
  if (!status.ok()) {
    handles_.Release(easy);
    CompleteUnstarted(std::move(transfer), std::move(status));
    return;
  }
  const TransferId id = transfer->id();
  active_.emplace(id, std::move(transfer));
}

absl::Status CurlLoop::WatchConnectionSockets(CURL* easy) {
  // A connection keeps the callbacks of the transfer that opened it, and
  // may outlive it in the pool; `this` outlives both.
  CURLcode rc = CURLE_OK;
  auto check = [&rc](CURLcode result) {
    if (rc == CURLE_OK) rc = result;
  };
  check(curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION,
                         &CurlLoop::OnOpenSocket));
  check(curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this));
  check(curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION,
                         &CurlLoop::OnCloseSocket));
  check(curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this));
  if (rc == CURLE_OK) return absl::OkStatus();
  return MarkRequestNotSent(absl::InternalError(
      absl::StrCat("curl_easy_setopt: ", curl_easy_strerror(rc))));
}

void CurlLoop::FinishTransfer(TransferId id, std::optional<CURLcode> code) {
  auto node = active_.extract(id);
  if (node.empty()) {
    // A cancelled transfer may still be waiting for a place.
    if (!code.has_value()) {
      if (std::unique_ptr<CurlTransfer> waiting = waiting_.Take(id)) {
        PublishWaitingCount();
        const absl::Status cancelled = waiting->Cancelled();
        CompleteUnstarted(std::move(waiting), cancelled);
      }
    }
    return;  // Otherwise finished earlier, or never started.
  }
  std::unique_ptr<CurlTransfer> transfer = std::move(node.mapped());
  CURL* easy = transfer->easy();
  // Mid-transfer this closes an HTTP/1.1 connection, or resets an HTTP/2
  // stream and keeps the connection.
  curl_multi_remove_handle(multi_, easy);
  absl::StatusOr<HttpResponse> result =
      code.has_value() ? transfer->Result(*code)
                       : absl::StatusOr<HttpResponse>(transfer->Cancelled());
  connections_opened_.fetch_add(
      static_cast<std::uint64_t>(transfer->ConnectionsOpened()));
  handles_.Release(easy);
  completed_.fetch_add(1);
  transfer->Complete(std::move(result));
}

void CurlLoop::CompleteUnstarted(std::unique_ptr<CurlTransfer> transfer,
                                 absl::Status status) {
  completed_.fetch_add(1);
  transfer->Complete(std::move(status));
}

void CurlLoop::ReadCompletions() {
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    // `message` dies with curl_multi_remove_handle(): copy what we need.
    CURL* easy = message->easy_handle;
    const CURLcode code = message->data.result;
    char* data = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &data);
    FinishTransfer(static_cast<CurlTransfer*>(static_cast<void*>(data))->id(),
                   code);
  }
}

int CurlLoop::MillisUntilTimer() const {
  std::optional<Clock::time_point> next = timer_deadline_;
  auto consider = [&next](Clock::time_point when) {
    if (!next.has_value() || when < *next) next = when;
  };
  if (const auto task_due = timers_.EarliestDue()) consider(*task_due);
  if (const auto deadline = waiting_.EarliestDeadline()) consider(*deadline);
  if (!next.has_value()) return -1;
  const auto left = *next - Clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return 0;
  // Rounded up: waking early would only spin.
  const auto millis =
      std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<decltype(millis)>(millis, INT_MAX));
}

int CurlLoop::OnSocket(CURL* /*easy*/, curl_socket_t socket, int what,
                       void* self, void* /*socket_data*/) {
  EpollSocketSet& sockets = *static_cast<CurlLoop*>(self)->sockets_;
  if (what == CURL_POLL_REMOVE) {
    sockets.Unwatch(socket);
    return 0;
  }
  std::uint32_t events = 0;
  if ((what & CURL_POLL_IN) != 0) events |= EPOLLIN;
  if ((what & CURL_POLL_OUT) != 0) events |= EPOLLOUT;
  sockets.Watch(socket, events);
  return 0;
}

curl_socket_t CurlLoop::OnOpenSocket(void* self, curlsocktype /*purpose*/,
                                     curl_sockaddr* address) {
  const int socket_fd = socket(
      address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (socket_fd < 0) return CURL_SOCKET_BAD;
  static_cast<CurlLoop*>(self)->sockets_->Opened(socket_fd);
  return socket_fd;
}

int CurlLoop::OnCloseSocket(void* self, curl_socket_t socket) {
  static_cast<CurlLoop*>(self)->sockets_->Closing(socket);
  return close(socket) == 0 ? 0 : 1;
}

int CurlLoop::OnTimer(CURLM* /*multi*/, long timeout_ms,  // NOLINT
                      void* self) {
  auto* loop = static_cast<CurlLoop*>(self);
  if (timeout_ms < 0) {
    loop->timer_deadline_.reset();
  } else {
    // 0 means "as soon as possible": the next epoll_wait does not block.
    loop->timer_deadline_ = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

}  // namespace gateway::http
