#include "gateway/redis/redis_client.h"

#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <deque>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/common/host_port.h"
#include "gateway/common/log.h"

namespace gateway::redis {
namespace {

timeval TimevalOf(absl::Duration duration) {
  if (duration < absl::ZeroDuration()) duration = absl::ZeroDuration();
  return absl::ToTimeval(duration);
}

// Copies a hiredis reply. An error reply, at the top or inside an array (the
// results of EXEC), makes the whole answer UNKNOWN with the server's text.
absl::StatusOr<RedisReply> Convert(const redisReply& reply) {
  RedisReply out;
  switch (reply.type) {
    case REDIS_REPLY_ERROR:
      return absl::UnknownError(std::string(reply.str, reply.len));
    case REDIS_REPLY_NIL:
      out.type = RedisReply::Type::kNil;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = reply.integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i) {
        absl::StatusOr<RedisReply> element = Convert(*reply.element[i]);
        if (!element.ok()) return element.status();
        out.elements.push_back(*std::move(element));
      }
      break;
    default:
      return absl::InternalError(
          absl::StrCat("redis: reply of unknown type ", reply.type));
  }
  return out;
}

}  // namespace

// Everything but `connected_`, the queue and `stopping_` belongs to the loop
// thread (and to the constructor and destructor, before it starts and after
// it ends).
class RedisClient::Loop {
 public:
  Loop(RedisClientOptions options, RedisConnectionObserver* observer)
      : options_(std::move(options)),
        observer_(observer),
        address_(FormatHostPort(options_.host, options_.port)),
        backoff_(options_.min_backoff) {
    base_ = event_base_new();
    wakeup_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    wakeup_ = event_new(base_, wakeup_fd_, EV_READ | EV_PERSIST,
                        &Loop::OnWakeup, this);
    event_add(wakeup_, nullptr);
    connect_timer_ = evtimer_new(base_, &Loop::OnConnectTimeout, this);
    reconnect_timer_ = evtimer_new(base_, &Loop::OnReconnectTimer, this);
    thread_ = std::thread([this] { Run(); });
  }

  ~Loop() {
    Shutdown();
    event_free(reconnect_timer_);
    event_free(connect_timer_);
    event_free(wakeup_);
    close(wakeup_fd_);
    event_base_free(base_);
  }

  void Shutdown() {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    Wake();
    thread_.join();
    connected_.store(false, std::memory_order_release);
    // Commands that came after the loop's last look at the queue.
    FailQueued(absl::CancelledError("redis: client shutting down"));
  }

  void Command(std::vector<std::string> argv, RedisCallback done) {
    RedisCallback refused;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) {
        refused = std::move(done);
      } else {
        queue_.push_back(Queued{std::move(argv), std::move(done)});
      }
    }
    if (refused != nullptr) {
      std::move(refused)(absl::CancelledError("redis: client shut down"));
      return;
    }
    Wake();
  }

  bool connected() const { return connected_.load(std::memory_order_acquire); }

 private:
  struct Queued {
    std::vector<std::string> argv;
    RedisCallback done;
  };

  // One command given to hiredis. Owned by hiredis's callback list: freed
  // when hiredis answers it (with a reply, or with NULL when the context
  // goes), even after the timeout has answered the caller.
  struct Sent {
    Loop* loop;
    RedisCallback done;  // empty once answered
    event* timer = nullptr;
  };

  enum class State { kIdle, kConnecting, kHandshake, kConnected };

  void Wake() {
    const std::uint64_t one = 1;
    while (write(wakeup_fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
    }
  }

  void Run() {
    StartConnect();
    event_base_loop(base_, 0);
  }

  // --- Commands --------------------------------------------------------

  static void OnWakeup(evutil_socket_t fd, short, void* arg) {
    std::uint64_t count;
    while (read(fd, &count, sizeof(count)) > 0) {
    }
    static_cast<Loop*>(arg)->Drain();
  }

  void Drain() {
    std::deque<Queued> queued;
    bool stopping;
    {
      absl::MutexLock lock(&mu_);
      queued.swap(queue_);
      stopping = stopping_;
    }
    if (stopping) {
      for (Queued& command : queued) {
        std::move(command.done)(
            absl::CancelledError("redis: client shutting down"));
      }
      CloseOnLoop();
      return;
    }
    for (Queued& command : queued) {
      Send(command.argv, std::move(command.done));
    }
  }

  void Send(const std::vector<std::string>& argv, RedisCallback done) {
    if (state_ != State::kConnected || context_ == nullptr) {
      std::move(done)(absl::UnavailableError(
          absl::StrCat("redis: not connected to ", address_)));
      return;
    }
    if (argv.empty()) {
      std::move(done)(absl::InvalidArgumentError("redis: empty command"));
      return;
    }
    std::vector<const char*> args;
    std::vector<size_t> lengths;
    args.reserve(argv.size());
    lengths.reserve(argv.size());
    for (const std::string& arg : argv) {
      args.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    auto* sent = new Sent{this, std::move(done)};
    if (redisAsyncCommandArgv(context_, &Loop::OnReply, sent,
                              static_cast<int>(args.size()), args.data(),
                              lengths.data()) != REDIS_OK) {
      RedisCallback failed = std::move(sent->done);
      delete sent;
      std::move(failed)(absl::UnavailableError(
          absl::StrCat("redis: cannot send to ", address_)));
      return;
    }
    sent->timer = evtimer_new(base_, &Loop::OnCommandTimeout, sent);
    const timeval timeout = TimevalOf(options_.command_timeout);
    evtimer_add(sent->timer, &timeout);
  }

  static void OnCommandTimeout(evutil_socket_t, short, void* arg) {
    auto* sent = static_cast<Sent*>(arg);
    event_free(sent->timer);
    sent->timer = nullptr;
    RedisCallback done = std::move(sent->done);
    sent->done = nullptr;
    if (done) {
      std::move(done)(absl::DeadlineExceededError(absl::StrCat(
          "redis: no answer from ", sent->loop->address_, " within ",
          absl::FormatDuration(sent->loop->options_.command_timeout))));
    }
  }

  static void OnReply(redisAsyncContext* context, void* reply, void* arg) {
    auto* sent = static_cast<Sent*>(arg);
    Loop* loop = sent->loop;
    if (sent->timer != nullptr) event_free(sent->timer);
    RedisCallback done = std::move(sent->done);
    delete sent;
    if (!done) return;  // answered by the timeout already
    if (reply == nullptr) {
      if (loop->shutting_down_) {
        std::move(done)(absl::CancelledError("redis: client shutting down"));
      } else {
        std::move(done)(absl::UnavailableError(
            absl::StrCat("redis: lost connection to ", loop->address_, " (",
                         ErrorText(context), ")")));
      }
      return;
    }
    std::move(done)(Convert(*static_cast<redisReply*>(reply)));
  }

  void FailQueued(const absl::Status& status) {
    std::deque<Queued> queued;
    {
      absl::MutexLock lock(&mu_);
      queued.swap(queue_);
    }
    for (Queued& command : queued) std::move(command.done)(status);
  }

  // --- The connection -----------------------------------------------------

  static std::string ErrorText(const redisAsyncContext* context) {
    if (context != nullptr && context->c.err != 0 && context->c.errstr[0]) {
      return context->c.errstr;
    }
    return "connection closed";
  }

  void StartConnect() {
    state_ = State::kConnecting;
    failure_reason_.clear();
    // Non-blocking connect; a host name is resolved here, blocking the loop
    // (configurations name an address or a local name).
    redisAsyncContext* context =
        redisAsyncConnect(options_.host.c_str(), options_.port);
    if (context == nullptr) {
      ConnectionGone("cannot allocate a hiredis context");
      return;
    }
    if (context->err != 0) {
      std::string reason = ErrorText(context);
      redisAsyncFree(context);
      ConnectionGone(reason);
      return;
    }
    context->data = this;
    redisLibeventAttach(context, base_);
    redisAsyncSetConnectCallback(context, &Loop::OnConnect);
    redisAsyncSetDisconnectCallback(context, &Loop::OnDisconnect);
    context_ = context;
    const timeval timeout = TimevalOf(options_.connect_timeout);
    evtimer_add(connect_timer_, &timeout);
  }

  // TCP is up (or failed). A handshake follows: AUTH when there is a
  // password, PING otherwise, so that a server that wants a password we do
  // not have is not taken for a working one.
  static void OnConnect(const redisAsyncContext* context, int status) {
    Loop* loop = static_cast<Loop*>(context->data);
    if (status != REDIS_OK) {
      // hiredis frees the context when this returns.
      loop->context_ = nullptr;
      loop->ConnectionGone(ErrorText(context));
      return;
    }
    loop->state_ = State::kHandshake;
    std::vector<const char*> args;
    std::vector<size_t> lengths;
    if (loop->options_.password.empty()) {
      args = {"PING"};
      lengths = {4};
    } else {
      args = {"AUTH", loop->options_.password.c_str()};
      lengths = {4, loop->options_.password.size()};
    }
    if (redisAsyncCommandArgv(loop->context_, &Loop::OnHandshakeReply, loop,
                              static_cast<int>(args.size()), args.data(),
                              lengths.data()) != REDIS_OK) {
      // Not freed from inside hiredis: the connect timeout closes it.
      loop->failure_reason_ = "cannot send the handshake";
    }
  }

  static void OnHandshakeReply(redisAsyncContext* context, void* reply,
                               void* arg) {
    Loop* loop = static_cast<Loop*>(arg);
    if (reply == nullptr) return;  // the context is going; it says why
    const auto* answer = static_cast<redisReply*>(reply);
    if (answer->type == REDIS_REPLY_ERROR) {
      // The server's text, never the password.
      loop->failure_reason_ =
          absl::StrCat(loop->options_.password.empty() ? "PING" : "AUTH",
                       " refused: ", std::string(answer->str, answer->len));
      // Freed when this callback returns; OnDisconnect then runs.
      redisAsyncFree(context);
      return;
    }
    loop->MarkConnected();
  }

  static void OnDisconnect(const redisAsyncContext* context, int status) {
    Loop* loop = static_cast<Loop*>(context->data);
    // CloseContext or Shutdown is freeing it and handles the rest; or a
    // failed connect already did.
    if (loop->closing_ || context != loop->context_) return;
    loop->context_ = nullptr;  // hiredis frees it when this returns
    std::string reason = loop->failure_reason_.empty() ? ErrorText(context)
                                                       : loop->failure_reason_;
    loop->ConnectionGone(reason);
  }

  static void OnConnectTimeout(evutil_socket_t, short, void* arg) {
    Loop* loop = static_cast<Loop*>(arg);
    loop->CloseContext(
        absl::StrCat("no connection within ",
                     absl::FormatDuration(loop->options_.connect_timeout)));
  }

  static void OnReconnectTimer(evutil_socket_t, short, void* arg) {
    static_cast<Loop*>(arg)->StartConnect();
  }

  // Frees the context from outside hiredis's callbacks: pending commands
  // hear NULL (UNAVAILABLE, or CANCELLED when shutting down).
  void CloseContext(const std::string& reason) {
    if (context_ == nullptr) return;
    redisAsyncContext* context = context_;
    closing_ = true;
    redisAsyncFree(context);
    closing_ = false;
    context_ = nullptr;
    ConnectionGone(reason);
  }

  void MarkConnected() {
    evtimer_del(connect_timer_);
    state_ = State::kConnected;
    backoff_ = options_.min_backoff;
    failed_attempts_ = 0;
    connected_.store(true, std::memory_order_release);
    LogInfo(absl::StrCat("redis: connected to ", address_));
    if (observer_ != nullptr) observer_->OnConnectionChanged(true);
  }

  // The context is gone (or never came): log, tell the observer if it was
  // up, and try again after the backoff.
  void ConnectionGone(const std::string& reason) {
    evtimer_del(connect_timer_);
    const bool was_connected = state_ == State::kConnected;
    state_ = State::kIdle;
    connected_.store(false, std::memory_order_release);
    if (shutting_down_) return;
    const absl::Duration delay = NextBackoff();
    const std::string retry =
        absl::StrCat("retrying in ", absl::ToInt64Milliseconds(delay), "ms");
    if (was_connected) {
      LogWarning(absl::StrCat("redis: lost connection to ", address_, " (",
                              reason, "); local accounting until it is back; ",
                              retry));
      if (observer_ != nullptr) observer_->OnConnectionChanged(false);
    } else {
      // The first failure of a run is a warning, the others are noise.
      ++failed_attempts_;
      Log(failed_attempts_ == 1 ? LogLevel::kWarning : LogLevel::kDebug,
          absl::StrCat("redis: cannot connect to ", address_, " (", reason,
                       "); local accounting until it is up; ", retry));
    }
    const timeval timeout = TimevalOf(delay);
    evtimer_add(reconnect_timer_, &timeout);
  }

  // The delay before the next attempt: the current backoff with +-20%
  // jitter, within [min_backoff, max_backoff]; the backoff then doubles.
  absl::Duration NextBackoff() {
    absl::Duration delay = backoff_ * absl::Uniform(random_, 0.8, 1.2);
    delay = std::clamp(delay, options_.min_backoff,
                       std::max(options_.min_backoff, options_.max_backoff));
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    if (backoff_ < options_.min_backoff) backoff_ = options_.min_backoff;
    return delay;
  }

  // On the loop thread: closes the connection, ends the loop.
  void CloseOnLoop() {
    shutting_down_ = true;
    evtimer_del(reconnect_timer_);
    evtimer_del(connect_timer_);
    if (context_ != nullptr) {
      redisAsyncContext* context = context_;
      closing_ = true;
      redisAsyncFree(context);  // pending commands: CANCELLED
      closing_ = false;
      context_ = nullptr;
    }
    state_ = State::kIdle;
    connected_.store(false, std::memory_order_release);
    event_base_loopbreak(base_);
  }

  const RedisClientOptions options_;
  RedisConnectionObserver* const observer_;
  const std::string address_;

  std::atomic<bool> connected_{false};

  absl::Mutex mu_;
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // The loop thread's.
  event_base* base_ = nullptr;
  int wakeup_fd_ = -1;
  event* wakeup_ = nullptr;
  event* connect_timer_ = nullptr;
  event* reconnect_timer_ = nullptr;
  redisAsyncContext* context_ = nullptr;
  State state_ = State::kIdle;
  std::string failure_reason_;
  bool closing_ = false;
  bool shutting_down_ = false;
  int failed_attempts_ = 0;
  absl::Duration backoff_;
  absl::BitGen random_;

  std::thread thread_;
};

RedisClient::RedisClient(RedisClientOptions options,
                         RedisConnectionObserver* observer)
    : loop_(std::make_unique<Loop>(std::move(options), observer)) {}

RedisClient::~RedisClient() = default;

void RedisClient::Shutdown() { loop_->Shutdown(); }

void RedisClient::Command(std::vector<std::string> argv, RedisCallback done) {
  loop_->Command(std::move(argv), std::move(done));
}

bool RedisClient::connected() const { return loop_->connected(); }

}  // namespace gateway::redis
