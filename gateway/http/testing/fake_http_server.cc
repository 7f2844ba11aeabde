#include "gateway/http/testing/fake_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/common/posix.h"

namespace gateway::http::testing {
namespace {

constexpr std::size_t kMaxHeadBytes = std::size_t{64} * 1024;
constexpr std::size_t kStreamChunkBytes = std::size_t{64} * 1024;

absl::Status ErrnoError(absl::string_view what) {
  return ErrnoStatus(absl::StatusCode::kInternal, what);
}

absl::string_view ReasonPhrase(int status) {
  switch (status) {
    case 103:
      return "Early Hints";
    case 200:
      return "OK";
    case 404:
      return "Not Found";
    default:
      return "Status";
  }
}

void AppendHeaders(const HeaderList& headers, std::string* out) {
  for (const auto& [name, value] : headers) {
    absl::StrAppend(out, name, ": ", value, "\r\n");
  }
}

}  // namespace

const std::string* RecordedRequest::FindHeader(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

// One accepted socket, plain or TLS, with bytes read but not yet parsed.
class FakeHttpServer::Connection {
 public:
  Connection(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
  }

  int fd() const { return fd_; }

  // Reads one request. False on EOF, error or a malformed request.
  bool ReadRequest(RecordedRequest* request) {
    std::size_t head_end;
    while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (pending_.size() > kMaxHeadBytes || !ReadMore()) return false;
    }
    const std::vector<absl::string_view> lines =
        absl::StrSplit(absl::string_view(pending_).substr(0, head_end), "\r\n");
    const std::vector<absl::string_view> request_line =
        absl::StrSplit(lines[0], absl::MaxSplits(' ', 2));
    if (request_line.size() < 2) return false;
    request->method = std::string{request_line[0]};
    request->target = std::string{request_line[1]};
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::size_t colon = lines[i].find(':');
      if (colon == absl::string_view::npos) return false;
      request->headers.emplace_back(
          absl::AsciiStrToLower(lines[i].substr(0, colon)),
          std::string{absl::StripAsciiWhitespace(lines[i].substr(colon + 1))});
    }
    std::size_t body_length = 0;
    if (const std::string* length = request->FindHeader("content-length")) {
      if (!absl::SimpleAtoi(*length, &body_length)) return false;
    }
    pending_.erase(0, head_end + 4);
    while (pending_.size() < body_length) {
      if (!ReadMore()) return false;
    }
    request->body = pending_.substr(0, body_length);
    pending_.erase(0, body_length);
    return true;
  }

  // Reads what is available into the pending bytes. False on EOF or error.
  bool ReadMore() {
    char buffer[16 * 1024];
    int read = 0;
    if (ssl_ != nullptr) {
      read = SSL_read(ssl_, buffer, sizeof(buffer));
    } else {
      do {
        read = static_cast<int>(recv(fd_, buffer, sizeof(buffer), 0));
      } while (read < 0 && errno == EINTR);
    }
    if (read <= 0) return false;
    pending_.append(buffer, static_cast<std::size_t>(read));
    return true;
  }

  // True when TLS holds decrypted bytes that poll() cannot see.
  bool HasBufferedInput() const {
    return ssl_ != nullptr && SSL_pending(ssl_) > 0;
  }

  bool WriteAll(absl::string_view data) {
    while (!data.empty()) {
      const int chunk =
          static_cast<int>(std::min<std::size_t>(data.size(), INT_MAX));
      int written = 0;
      if (ssl_ != nullptr) {
        written = SSL_write(ssl_, data.data(), chunk);
      } else {
        do {
          written = static_cast<int>(send(
              fd_, data.data(), static_cast<std::size_t>(chunk), MSG_NOSIGNAL));
        } while (written < 0 && errno == EINTR);
      }
      if (written <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
  }

 private:
  const int fd_;
  SSL* const ssl_;  // Owned; null for plain HTTP.
  std::string pending_;
};

absl::StatusOr<std::unique_ptr<FakeHttpServer>> FakeHttpServer::Start(
    Handler handler, std::optional<TlsFiles> tls) {
  SSL_CTX* ssl_ctx = nullptr;
  if (tls.has_value()) {
    ssl_ctx = SSL_CTX_new(TLS_server_method());
    if (ssl_ctx == nullptr ||
        SSL_CTX_use_certificate_chain_file(ssl_ctx,
                                           tls->cert_chain_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ssl_ctx, tls->key_file.c_str(),
                                    SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ssl_ctx) != 1) {
      SSL_CTX_free(ssl_ctx);
      ERR_clear_error();
      return absl::InvalidArgumentError("cannot load the TLS certificate/key");
    }
  }
  auto server =
      absl::WrapUnique(new FakeHttpServer(std::move(handler), ssl_ctx));

  server->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (server->listen_fd_ < 0) return ErrnoError("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(server->listen_fd_, reinterpret_cast<sockaddr*>(&address),
           sizeof(address)) != 0) {
    return ErrnoError("bind");
  }
  if (listen(server->listen_fd_, SOMAXCONN) != 0) return ErrnoError("listen");
  if (getsockname(server->listen_fd_, reinterpret_cast<sockaddr*>(&address),
                  &length) != 0) {
    return ErrnoError("getsockname");
  }
  server->port_ = ntohs(address.sin_port);

  int gate[2];
  if (pipe2(gate, O_CLOEXEC) != 0) return ErrnoError("pipe2");
  server->gate_read_fd_ = gate[0];
  {
    absl::MutexLock lock(&server->mu_);
    server->gate_write_fd_ = gate[1];
  }
  server->acceptor_ = std::thread(&FakeHttpServer::AcceptLoop, server.get());
  return server;
}

FakeHttpServer::FakeHttpServer(Handler handler, SSL_CTX* ssl_ctx)
    : handler_(std::move(handler)), ssl_ctx_(ssl_ctx) {}

FakeHttpServer::~FakeHttpServer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (acceptor_.joinable()) {
    shutdown(listen_fd_, SHUT_RDWR);  // Makes accept() fail.
    acceptor_.join();
  }
  {
    // Wakes connection threads blocked in reads, writes or holds. Their
    // descriptors are only closed under mu_, so none is reused here.
    absl::MutexLock lock(&mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  ReleaseHeld();
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    threads.swap(connection_threads_);
  }
  for (std::thread& thread : threads) thread.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (gate_read_fd_ >= 0) close(gate_read_fd_);
  SSL_CTX_free(ssl_ctx_);
}

std::string FakeHttpServer::Url(absl::string_view path_and_query) const {
  return absl::StrCat(ssl_ctx_ != nullptr ? "https" : "http",
                      "://127.0.0.1:", port_, path_and_query);
}

void FakeHttpServer::ReleaseHeld() {
  absl::MutexLock lock(&mu_);
  if (gate_write_fd_ >= 0) {
    close(gate_write_fd_);
    gate_write_fd_ = -1;
  }
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

int FakeHttpServer::accepted_connections() const {
  absl::MutexLock lock(&mu_);
  return accepted_;
}

int FakeHttpServer::hangups_while_held() const {
  absl::MutexLock lock(&mu_);
  return hangups_while_held_;
}

bool FakeHttpServer::WaitForRequests(std::size_t count,
                                     absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto enough = [this, count]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return requests_.size() >= count;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

bool FakeHttpServer::WaitForHangupsWhileHeld(int count,
                                             absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto enough = [this, count]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return hangups_while_held_ >= count;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

void FakeHttpServer::AcceptLoop() {
  while (true) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0 && (errno == EINTR || errno == ECONNABORTED)) continue;
    absl::MutexLock lock(&mu_);
    if (fd < 0 || stopping_) {
      if (fd >= 0) close(fd);
      return;
    }
    // Replies go out in several writes; without this, Nagle's algorithm and
    // the client's delayed ACK add 40 ms to each.
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ++accepted_;
    open_fds_.insert(fd);
    connection_threads_.emplace_back(&FakeHttpServer::Serve, this, fd);
  }
}

void FakeHttpServer::Serve(int fd) {
  // OpenSSL writes to its socket with write(), which raises SIGPIPE when
  // the client has gone; tests cut connections on purpose.
  BlockSigpipeOnThisThread();
  {
    SSL* ssl = nullptr;
    bool ok = true;
    if (ssl_ctx_ != nullptr) {
      ssl = SSL_new(ssl_ctx_);
      ok = ssl != nullptr && SSL_set_fd(ssl, fd) == 1 && SSL_accept(ssl) == 1;
    }
    Connection connection(fd, ssl);
    while (ok) {
      RecordedRequest request;
      if (!connection.ReadRequest(&request)) break;
      {
        absl::MutexLock lock(&mu_);
        requests_.push_back(request);
      }
      const Reply reply = handler_(request);
      if (reply.hold && !WaitForRelease(connection)) {
        absl::MutexLock lock(&mu_);
        ++hangups_while_held_;
        break;
      }
      if (!SendReply(connection, reply) || reply.close_after_response) break;
      const std::string* connection_header = request.FindHeader("connection");
      if (connection_header != nullptr &&
          absl::EqualsIgnoreCase(*connection_header, "close")) {
        break;
      }
    }
    ERR_clear_error();  // OpenSSL's error queue is per thread.
  }
  absl::MutexLock lock(&mu_);
  open_fds_.erase(fd);
  close(fd);
}

bool FakeHttpServer::WaitForRelease(Connection& connection) {
  while (true) {
    if (connection.HasBufferedInput() && !connection.ReadMore()) return false;
    pollfd fds[2] = {{connection.fd(), POLLIN, 0}, {gate_read_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    // The client first: a hang-up must be seen even if the gate is open too.
    if (fds[0].revents != 0) {
      if (!connection.ReadMore()) return false;
      continue;  // Unexpected early bytes: keep them for the next request.
    }
    if (fds[1].revents != 0) return true;
  }
}

bool FakeHttpServer::SendReply(Connection& connection, const Reply& reply) {
  std::string head;
  if (!reply.interim_headers.empty()) {
    head = absl::StrCat("HTTP/1.1 103 ", ReasonPhrase(103), "\r\n");
    AppendHeaders(reply.interim_headers, &head);
    head += "\r\n";
  }
  if (reply.action == Reply::Action::kCloseWithoutAnswer) return false;

  absl::StrAppend(&head, "HTTP/1.1 ", reply.status, " ",
                  ReasonPhrase(reply.status), "\r\n");
  AppendHeaders(reply.headers, &head);
  switch (reply.action) {
    case Reply::Action::kRespond:
      absl::StrAppend(&head, "Content-Length: ", reply.body.size(), "\r\n\r\n");
      return connection.WriteAll(head) && connection.WriteAll(reply.body);
    case Reply::Action::kSendHalfBodyAndClose:
      absl::StrAppend(&head, "Content-Length: ", reply.body.size(), "\r\n\r\n");
      if (connection.WriteAll(head)) {
        connection.WriteAll(
            absl::string_view(reply.body).substr(0, reply.body.size() / 2));
      }
      return false;
    case Reply::Action::kStreamUntilClosed: {
      head += "Connection: close\r\n\r\n";
      if (!connection.WriteAll(head)) return false;
      const std::string chunk(kStreamChunkBytes, 'x');
      for (std::size_t sent = 0; sent < reply.stream_bytes;) {
        const std::size_t size =
            std::min(chunk.size(), reply.stream_bytes - sent);
        if (!connection.WriteAll(absl::string_view(chunk).substr(0, size))) {
          break;
        }
        sent += size;
      }
      return false;
    }
    case Reply::Action::kCloseWithoutAnswer:
      break;
  }
  return false;
}

}  // namespace gateway::http::testing
