#include "gateway/observability/metrics_server.h"

#include <netdb.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/common/host_port.h"
#include "gateway/common/posix.h"
#include "gateway/observability/metrics.h"

namespace gateway::observability {
namespace {

// A scrape request is a request line and a few headers.
constexpr std::size_t kMaxRequestHead = std::size_t{8} * 1024;

constexpr std::size_t kMaxConnections = MetricsServer::kMaxConnections;

std::string Reply(absl::string_view status, absl::string_view content_type,
                  absl::string_view body, bool with_body,
                  absl::string_view extra_header = "") {
  std::string reply =
      absl::StrCat("HTTP/1.1 ", status, "\r\nContent-Type: ", content_type,
                   "\r\nContent-Length: ", body.size(),
                   "\r\nConnection: close\r\n", extra_header, "\r\n");
  if (with_body) reply.append(body.data(), body.size());
  return reply;
}

// A listening socket on the first of `host`:`port`'s addresses that can be
// bound, or -1 with errno set.
int Listen(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int error = getaddrinfo(host.empty() ? nullptr : host.c_str(),
                                port.c_str(), &hints, &found);
  if (error != 0) {
    errno = EADDRNOTAVAIL;
    return -1;
  }
  int fd = -1;
  for (addrinfo* address = found; address != nullptr;
       address = address->ai_next) {
    fd = socket(address->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0);
    if (fd < 0) continue;
    const int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (bind(fd, address->ai_addr, address->ai_addrlen) == 0 &&
        listen(fd, SOMAXCONN) == 0) {
      break;
    }
    const int saved = errno;
    close(fd);
    fd = -1;
    errno = saved;
  }
  freeaddrinfo(found);
  return fd;
}

absl::Status Errno(absl::string_view what) {
  return ErrnoStatus(absl::StatusCode::kUnavailable, what);
}

using Clock = std::chrono::steady_clock;

// epoll_event.data of the two descriptors that are not connections;
// connections are numbered from kFirstConnectionId in the order they were
// accepted, never reusing a number.
constexpr std::uint64_t kListenId = 0;
constexpr std::uint64_t kWakeId = 1;
constexpr std::uint64_t kFirstConnectionId = 2;

// How long accepting pauses when the process is out of descriptors or
// memory: the listening socket stays readable meanwhile, and retrying at
// once would spin.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);

// One accepted connection, from accept to close.
struct Connection {
  int fd = -1;
  Clock::time_point deadline;
  std::string head;   // received so far, until the head is complete
  std::string reply;  // set once the head is complete
  std::size_t sent = 0;
};

// The loop over the listening socket, the eventfd and every connection,
// all registered with `epoll_fd`; lives on the server's thread, and closes
// every connection when it ends.
class Loop {
 public:
  Loop(int listen_fd, int epoll_fd, const MetricsServer::Render& render,
       absl::Duration io_timeout)
      : listen_fd_(listen_fd),
        epoll_fd_(epoll_fd),
        render_(render),
        // At most a day, so that a deadline cannot overflow.
        io_timeout_(
            absl::ToChronoNanoseconds(std::min(io_timeout, absl::Hours(24)))) {}

  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  ~Loop() {
    for (auto& [id, connection] : connections_) close(connection.fd);
  }

  // Returns once the eventfd is written (or epoll fails).
  void Run() {
    epoll_event events[kMaxConnections + 2];
    while (true) {
      const int ready =
          epoll_wait(epoll_fd_, events, static_cast<int>(std::size(events)),
                     WaitMillis(Clock::now()));
      if (ready < 0) {
        if (errno == EINTR) continue;
        return;
      }
      for (int i = 0; i < ready; ++i) {
        const std::uint64_t id = events[i].data.u64;
        if (id == kWakeId) return;
        if (id == kListenId) {
          Accept();
        } else {
          // Absent when closed earlier in this batch, to make room.
          auto connection = connections_.find(id);
          if (connection != connections_.end()) Progress(connection);
        }
      }
      const Clock::time_point now = Clock::now();
      CloseExpired(now);
      if (accept_paused_until_ && now >= *accept_paused_until_) {
        accept_paused_until_.reset();
        WatchListener(EPOLLIN);
      }
    }
  }

 private:
  using Connections = std::map<std::uint64_t, Connection>;

  // Until the earliest deadline: the oldest connection's, or the end of a
  // pause in accepting. -1 (forever) when there is neither.
  int WaitMillis(Clock::time_point now) const {
    std::optional<Clock::time_point> until = accept_paused_until_;
    if (!connections_.empty()) {
      const Clock::time_point oldest = connections_.begin()->second.deadline;
      if (!until || oldest < *until) until = oldest;
    }
    if (!until) return -1;
    if (*until <= now) return 0;
    const auto millis =
        std::chrono::ceil<std::chrono::milliseconds>(*until - now).count();
    return static_cast<int>(
        std::min<decltype(millis)>(millis, std::numeric_limits<int>::max()));
  }

  void WatchListener(std::uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.u64 = kListenId;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &event);
  }

  // Accepts what is waiting, up to kMaxConnections at a time so that a
  // flood of connections cannot keep the loop from the others.
  void Accept() {
    for (std::size_t i = 0; i < kMaxConnections; ++i) {
      const int fd =
          accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
            errno == ENOMEM) {
          accept_paused_until_ = Clock::now() + kAcceptPause;
          WatchListener(0);
        }
        return;  // EAGAIN: nothing more waiting
      }
      if (connections_.size() >= kMaxConnections) {
        Close(connections_.begin());  // the oldest makes room
      }
      const std::uint64_t id = next_id_++;
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = id;
      if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
        close(fd);
        continue;
      }
      Connection& connection = connections_[id];
      connection.fd = fd;
      connection.deadline = Clock::now() + io_timeout_;
    }
  }

  // Reads or writes what the socket allows; closes the connection once
  // answered, or when its peer has gone.
  void Progress(Connections::iterator it) {
    Connection& connection = it->second;
    const bool was_reading = connection.reply.empty();
    if (was_reading) {
      if (!ReadHead(connection)) {
        Close(it);
        return;
      }
      if (connection.reply.empty()) return;  // the head is not complete yet
    }
    if (!WriteReply(connection) || connection.sent == connection.reply.size()) {
      shutdown(connection.fd, SHUT_WR);
      Close(it);
    } else if (was_reading) {
      epoll_event event{};  // wait for room in the socket's buffer
      event.events = EPOLLOUT;
      event.data.u64 = it->first;
      epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection.fd, &event);
    }
  }

  // Reads what has arrived; once the head is complete (or too long), sets
  // the reply, which is never empty. False when the peer closed or failed
  // before.
  bool ReadHead(Connection& connection) {
    char buffer[4096];
    while (connection.head.find("\r\n\r\n") == std::string::npos) {
      if (connection.head.size() >= kMaxRequestHead) {
        connection.head.clear();  // answered as a bad request
        break;
      }
      const ssize_t received = recv(connection.fd, buffer, sizeof(buffer), 0);
      if (received < 0 && errno == EINTR) continue;
      if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return true;  // more later
      }
      if (received <= 0) return false;  // closed or failed
      connection.head.append(buffer, static_cast<std::size_t>(received));
    }
    connection.reply = MetricsHttpReply(connection.head, render_);
    connection.head = std::string();
    return true;
  }

  // Writes what the socket takes. False when the peer has gone.
  bool WriteReply(Connection& connection) {
    while (connection.sent < connection.reply.size()) {
      const ssize_t n =
          send(connection.fd, connection.reply.data() + connection.sent,
               connection.reply.size() - connection.sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      if (n <= 0) return false;
      connection.sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  void CloseExpired(Clock::time_point now) {
    // In accept order, which is also deadline order.
    while (!connections_.empty() &&
           connections_.begin()->second.deadline <= now) {
      Close(connections_.begin());
    }
  }

  void Close(Connections::iterator it) {
    close(it->second.fd);  // also leaves the epoll set
    connections_.erase(it);
  }

  const int listen_fd_;
  const int epoll_fd_;
  const MetricsServer::Render& render_;
  const Clock::duration io_timeout_;
  // By number: the first is the oldest, whose deadline comes first.
  Connections connections_;
  std::uint64_t next_id_ = kFirstConnectionId;
  std::optional<Clock::time_point> accept_paused_until_;
};

}  // namespace

std::string MetricsHttpReply(absl::string_view request_head,
                             const MetricsServer::Render& render) {
  const absl::string_view request_line =
      request_head.substr(0, request_head.find("\r\n"));
  const std::vector<absl::string_view> parts =
      absl::StrSplit(request_line, ' ');
  if (parts.size() != 3 || !absl::StartsWith(parts[2], "HTTP/1.")) {
    return Reply("400 Bad Request", "text/plain", "bad request\n", true);
  }
  const absl::string_view method = parts[0];
  absl::string_view path = parts[1];
  path = path.substr(0, path.find('?'));
  const bool head = method == "HEAD";
  if (method != "GET" && !head) {
    return Reply("405 Method Not Allowed", "text/plain", "only GET and HEAD\n",
                 true, "Allow: GET, HEAD\r\n");
  }
  if (path != "/metrics") {
    return Reply("404 Not Found", "text/plain", "try /metrics\n", !head);
  }
  return Reply("200 OK", kPrometheusTextContentType, render(), !head);
}

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    absl::string_view listen_address, Render render,
    absl::Duration io_timeout) {
  absl::StatusOr<HostPort> listen = ParseHostPort(listen_address);
  if (!listen.ok()) return listen.status();
  const std::string& host = listen->host;
  const std::string port = absl::StrCat(listen->port);

  int fd = Listen(host, port);
  // "[::]" on a host without IPv6: all IPv4 addresses instead, as gRPC's
  // own listener does.
  if (fd < 0 && host == "::") fd = Listen("0.0.0.0", port);
  if (fd < 0) {
    return Errno(absl::StrCat("metrics listener on ", listen_address));
  }

  sockaddr_storage local{};
  socklen_t length = sizeof(local);
  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
  char host_text[NI_MAXHOST];
  char port_text[NI_MAXSERV];
  getnameinfo(reinterpret_cast<sockaddr*>(&local), length, host_text,
              sizeof(host_text), port_text, sizeof(port_text),
              NI_NUMERICHOST | NI_NUMERICSERV);
  int bound_port = 0;
  (void)absl::SimpleAtoi(port_text, &bound_port);
  const std::string address = FormatHostPort(host_text, bound_port);

  auto server = std::unique_ptr<MetricsServer>(
      new MetricsServer(fd, address, std::move(render), io_timeout));
  if (absl::Status status = server->PrepareLoop(); !status.ok()) {
    return status;
  }
  server->thread_ = std::thread([raw = server.get()] { raw->Serve(); });
  return server;
}

MetricsServer::MetricsServer(int listen_fd, std::string address, Render render,
                             absl::Duration io_timeout)
    : listen_fd_(listen_fd),
      address_(std::move(address)),
      render_(std::move(render)),
      io_timeout_(io_timeout) {}

absl::Status MetricsServer::PrepareLoop() {
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0) return Errno("metrics eventfd");
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return Errno("metrics epoll");
  for (const auto& [fd, id] :
       {std::pair{listen_fd_, kListenId}, std::pair{wake_fd_, kWakeId}}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = id;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
      return Errno("metrics epoll_ctl");
    }
  }
  return absl::OkStatus();
}

MetricsServer::~MetricsServer() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    ssize_t written = 0;
    do {
      written = write(wake_fd_, &one, sizeof(one));
    } while (written < 0 && errno == EINTR);
    // Cannot fail (the counter is far from full); were it to, the thread
    // would never wake, and joining would hang.
    if (written == sizeof(one)) {
      thread_.join();
    } else {
      thread_.detach();
    }
  }
  close(listen_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void MetricsServer::Serve() {
  Loop(listen_fd_, epoll_fd_, render_, io_timeout_).Run();
}

}  // namespace gateway::observability
