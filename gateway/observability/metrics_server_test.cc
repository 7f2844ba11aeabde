#include "gateway/observability/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using Clock = std::chrono::steady_clock;

// A connected loopback socket to `address` ("127.0.0.1:PORT"), or -1.
// `receive_buffer`, when not 0, is its SO_RCVBUF. Its reads and writes
// give up after 10 s, so that a server that never answers fails a test
// rather than hanging it.
int Connect(const std::string& address, int receive_buffer = 0) {
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port)) {
    return -1;
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  if (receive_buffer != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer,
               sizeof(receive_buffer));
  }
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(static_cast<uint16_t>(port));
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof(peer)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` and reads until the server closes.
std::string Exchange(const std::string& address, const std::string& request) {
  const int fd = Connect(address);
  if (fd < 0) return "<no connection>";
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) reply.append(buffer, n);
  close(fd);
  return reply;
}

// Closes a client socket at the end of its scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// True once the server has closed `fd` (reading what it sent until the end),
// false if it has not within `timeout`.
bool ClosedByServerWithin(int fd, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  std::vector<char> buffer(std::size_t{64} * 1024);
  while (true) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd watched{fd, POLLIN, 0};
    if (poll(&watched, 1, static_cast<int>(std::max<long>(0, left.count()))) <=
        0) {
      return false;
    }
    if (recv(fd, buffer.data(), buffer.size(), 0) <= 0) return true;
  }
}

std::unique_ptr<MetricsServer> StartServer(
    absl::Duration io_timeout = absl::Seconds(2), std::string page = "up 1\n") {
  auto server = MetricsServer::Start(
      "127.0.0.1:0", [page = std::move(page)] { return page; }, io_timeout);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

TEST(MetricsServer, ServesThePageOnGetMetrics) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  const std::string reply =
      Exchange(server->address(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(reply, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(reply, HasSubstr("Content-Length: 5\r\n"));
  EXPECT_THAT(reply, EndsWith("\r\n\r\nup 1\n"));
}

TEST(MetricsServer, AnswersManyScrapesInTurn) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  for (int i = 0; i < 20; ++i) {
    EXPECT_THAT(Exchange(server->address(), "GET /metrics HTTP/1.0\r\n\r\n"),
                EndsWith("up 1\n"));
  }
}

TEST(MetricsServer, IdleClientDoesNotBlockTheNextScrape) {
  auto server = StartServer(absl::Milliseconds(200));
  ASSERT_NE(server, nullptr);
  const int idle = Connect(server->address());  // sends nothing
  ASSERT_GE(idle, 0);
  EXPECT_THAT(Exchange(server->address(), "GET /metrics HTTP/1.1\r\n\r\n"),
              EndsWith("up 1\n"));
  close(idle);
}

TEST(MetricsServer, RefusesConnectionsOnceDestroyed) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  const std::string address = server->address();
  server.reset();
  EXPECT_EQ(Connect(address), -1);
}

TEST(MetricsServer, RejectsAnAddressWithoutPort) {
  EXPECT_FALSE(MetricsServer::Start("127.0.0.1", [] { return ""; }).ok());
  EXPECT_FALSE(MetricsServer::Start("127.0.0.1:99999", [] { return ""; }).ok());
}

TEST(MetricsServer, SlowClientDoesNotDelayAScrapeAndIsClosedAtItsDeadline) {
  auto server = StartServer(absl::Seconds(1));
  ASSERT_NE(server, nullptr);
  const ScopedFd slow(Connect(server->address()));
  ASSERT_GE(slow.get(), 0);
  const Clock::time_point connected = Clock::now();
  // A byte every 300 ms, never the blank line that ends the head.
  std::atomic<int> bytes_sent{0};
  double closed_after = -1;
  std::thread trickle([&] {
    const std::string partial = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
    for (std::size_t i = 0; SecondsSince(connected) < 10; ++i) {
      if (send(slow.get(), &partial[i % partial.size()], 1, MSG_NOSIGNAL) !=
          1) {
        break;
      }
      ++bytes_sent;
      if (ClosedByServerWithin(slow.get(), std::chrono::milliseconds(300))) {
        closed_after = SecondsSince(connected);
        return;
      }
    }
  });
  while (bytes_sent < 2 && SecondsSince(connected) < 5) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  const Clock::time_point asked = Clock::now();
  EXPECT_THAT(Exchange(server->address(), "GET /metrics HTTP/1.1\r\n\r\n"),
              EndsWith("up 1\n"));
  EXPECT_LT(SecondsSince(asked), 1.0);

  trickle.join();
  EXPECT_GT(closed_after, 0.8);  // at its deadline, 1 s after accept
  EXPECT_LT(closed_after, 3.0);
}

TEST(MetricsServer, FloodOfIdleConnectionsDoesNotDelayAScrape) {
  auto server = StartServer(absl::Seconds(30));  // none times out here
  ASSERT_NE(server, nullptr);
  std::vector<ScopedFd> idle;
  idle.reserve(200);
  for (int i = 0; i < 200; ++i) {
    idle.emplace_back(Connect(server->address()));
    ASSERT_GE(idle.back().get(), 0);
  }

  const Clock::time_point asked = Clock::now();
  EXPECT_THAT(Exchange(server->address(), "GET /metrics HTTP/1.1\r\n\r\n"),
              EndsWith("up 1\n"));
  EXPECT_LT(SecondsSince(asked), 1.0);
}

TEST(MetricsServer, ClientThatDoesNotReadDoesNotBlockOthers) {
  // More than the server's socket can buffer (4 MiB at most by default)
  // plus the client's small receive buffer: writing to `stalled` must wait.
  const std::string page(std::size_t{8} << 20, 'x');
  auto server = StartServer(absl::Seconds(30), page);
  ASSERT_NE(server, nullptr);
  const ScopedFd stalled(Connect(server->address(), /*receive_buffer=*/4096));
  ASSERT_GE(stalled.get(), 0);
  const std::string request = "GET /metrics HTTP/1.1\r\n\r\n";
  send(stalled.get(), request.data(), request.size(), MSG_NOSIGNAL);
  pollfd answered{stalled.get(), POLLIN, 0};
  ASSERT_EQ(poll(&answered, 1, 5000), 1);  // the server is writing to it

  const Clock::time_point asked = Clock::now();
  const std::string reply = Exchange(server->address(), request);
  EXPECT_LT(SecondsSince(asked), 1.0);
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 OK\r\n"));
  // Not EXPECT_THAT: a failure would print all 8 MiB.
  EXPECT_TRUE(absl::EndsWith(reply, absl::StrCat("\r\n\r\n", page)))
      << reply.size() << " bytes";

  // The stalled client still gets all of its page once it reads.
  std::string stalled_reply;
  std::vector<char> buffer(std::size_t{64} * 1024);
  ssize_t n = 0;
  while ((n = recv(stalled.get(), buffer.data(), buffer.size(), 0)) > 0) {
    stalled_reply.append(buffer.data(), n);
  }
  EXPECT_TRUE(absl::EndsWith(stalled_reply, absl::StrCat("\r\n\r\n", page)))
      << stalled_reply.size() << " bytes";
}

TEST(MetricsServer, OldestConnectionIsClosedAtTheCap) {
  auto server = StartServer(absl::Seconds(30));  // none times out here
  ASSERT_NE(server, nullptr);
  std::vector<ScopedFd> idle;  // oldest first
  idle.reserve(MetricsServer::kMaxConnections);
  for (int i = 0; i < MetricsServer::kMaxConnections; ++i) {
    idle.emplace_back(Connect(server->address()));
    ASSERT_GE(idle.back().get(), 0);
  }

  // One more, answered: accepted after all the others (the kernel queues
  // them in order), so the oldest was closed to make room for it.
  const ScopedFd newest(Connect(server->address()));
  ASSERT_GE(newest.get(), 0);
  const std::string request = "GET /metrics HTTP/1.1\r\n\r\n";
  send(newest.get(), request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = recv(newest.get(), buffer, sizeof(buffer), 0)) > 0) {
    reply.append(buffer, n);
  }
  EXPECT_THAT(reply, EndsWith("up 1\n"));

  EXPECT_TRUE(ClosedByServerWithin(idle[0].get(), std::chrono::seconds(1)));
  for (std::size_t i = 1; i < idle.size(); ++i) {
    EXPECT_FALSE(ClosedByServerWithin(idle[i].get(), {})) << i;
  }
}

TEST(MetricsServer, DestructorDoesNotWaitForClients) {
  const std::string page(std::size_t{8} << 20, 'x');
  auto server = StartServer(absl::Seconds(30), page);  // none times out here
  ASSERT_NE(server, nullptr);
  std::vector<ScopedFd> clients;
  clients.reserve(12);
  for (int i = 0; i < 10; ++i) {  // idle
    clients.emplace_back(Connect(server->address()));
  }
  clients.emplace_back(Connect(server->address()));  // half a head
  send(clients.back().get(), "GET /met", 8, MSG_NOSIGNAL);
  clients.emplace_back(Connect(server->address(), /*receive_buffer=*/4096));
  const std::string request = "GET /metrics HTTP/1.1\r\n\r\n";
  send(clients.back().get(), request.data(), request.size(), MSG_NOSIGNAL);
  pollfd answered{clients.back().get(), POLLIN, 0};
  ASSERT_EQ(poll(&answered, 1, 5000), 1);  // being answered, never read

  const Clock::time_point stopping = Clock::now();
  server.reset();
  EXPECT_LT(SecondsSince(stopping), 1.0);
  for (const ScopedFd& client : clients) {
    ASSERT_GE(client.get(), 0);
    EXPECT_TRUE(ClosedByServerWithin(client.get(), std::chrono::seconds(1)));
  }
}

TEST(MetricsHttpReply, HeadHasHeadersButNoBody) {
  const std::string reply = MetricsHttpReply(
      "HEAD /metrics HTTP/1.1\r\n\r\n", [] { return std::string("up 1\n"); });
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(reply, HasSubstr("Content-Length: 5\r\n"));
  EXPECT_THAT(reply, EndsWith("\r\n\r\n"));
}

TEST(MetricsHttpReply, IgnoresTheQueryString) {
  EXPECT_THAT(MetricsHttpReply("GET /metrics?x=1 HTTP/1.1\r\n\r\n",
                               [] { return std::string("up 1\n"); }),
              StartsWith("HTTP/1.1 200 OK"));
}

TEST(MetricsHttpReply, OtherPathIsNotFound) {
  EXPECT_THAT(MetricsHttpReply("GET / HTTP/1.1\r\n\r\n", [] { return ""; }),
              StartsWith("HTTP/1.1 404 "));
}

TEST(MetricsHttpReply, OtherMethodIsNotAllowed) {
  const std::string reply =
      MetricsHttpReply("POST /metrics HTTP/1.1\r\n\r\n", [] { return ""; });
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 405 "));
  EXPECT_THAT(reply, HasSubstr("Allow: GET, HEAD\r\n"));
}

TEST(MetricsHttpReply, GarbageIsBadRequest) {
  for (const char* garbage : {"", "GET\r\n\r\n", "GET /metrics SPDY/3\r\n\r\n",
                              "\x16\x03\x01 TLS hello"}) {
    EXPECT_THAT(MetricsHttpReply(garbage, [] { return ""; }),
                StartsWith("HTTP/1.1 400 "))
        << garbage;
  }
}

}  // namespace
}  // namespace gateway::observability
