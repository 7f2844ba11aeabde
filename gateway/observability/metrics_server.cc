#include "gateway/observability/metrics_server.h"

#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
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
    fd = socket(address->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    const int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (bind(fd, address->ai_addr, address->ai_addrlen) == 0 &&
        listen(fd, 16) == 0) {
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

void SetIoTimeout(int fd, absl::Duration timeout) {
  const timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

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

  const int wake_fd = eventfd(0, EFD_CLOEXEC);
  if (wake_fd < 0) {
    absl::Status status = Errno("metrics eventfd");
    close(fd);
    return status;
  }
  auto server = std::unique_ptr<MetricsServer>(
      new MetricsServer(fd, wake_fd, address, std::move(render), io_timeout));
  server->thread_ = std::thread([raw = server.get()] { raw->Serve(); });
  return server;
}

MetricsServer::MetricsServer(int listen_fd, int wake_fd, std::string address,
                             Render render, absl::Duration io_timeout)
    : listen_fd_(listen_fd),
      wake_fd_(wake_fd),
      address_(std::move(address)),
      render_(std::move(render)),
      io_timeout_(io_timeout) {}

MetricsServer::~MetricsServer() {
  const std::uint64_t one = 1;
  // Nothing to do on failure: the thread would then never wake.
  if (write(wake_fd_, &one, sizeof(one)) == sizeof(one) && thread_.joinable()) {
    thread_.join();
  } else if (thread_.joinable()) {
    thread_.detach();
  }
  close(listen_fd_);
  close(wake_fd_);
}

void MetricsServer::Serve() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int connection = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;  // e.g. the peer gave up already
    Answer(connection);
    close(connection);
  }
}

void MetricsServer::Answer(int connection_fd) {
  SetIoTimeout(connection_fd, io_timeout_);
  std::string head;
  char buffer[2048];
  while (head.find("\r\n\r\n") == std::string::npos) {
    if (head.size() >= kMaxRequestHead) {
      head.clear();  // answered as a bad request
      break;
    }
    const ssize_t received = recv(connection_fd, buffer, sizeof(buffer), 0);
    if (received <= 0) {
      if (received < 0 && errno == EINTR) continue;
      return;  // closed, timed out or failed: nobody to answer
    }
    head.append(buffer, static_cast<std::size_t>(received));
  }
  const std::string reply = MetricsHttpReply(head, render_);
  std::size_t sent = 0;
  while (sent < reply.size()) {
    const ssize_t n = send(connection_fd, reply.data() + sent,
                           reply.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
  shutdown(connection_fd, SHUT_WR);
}

}  // namespace gateway::observability
