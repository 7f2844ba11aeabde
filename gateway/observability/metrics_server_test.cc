#include "gateway/observability/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A connected loopback socket to `address` ("127.0.0.1:PORT"), or -1.
int Connect(const std::string& address) {
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port)) {
    return -1;
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
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

std::unique_ptr<MetricsServer> StartServer(
    absl::Duration io_timeout = absl::Seconds(2)) {
  auto server = MetricsServer::Start(
      "127.0.0.1:0", [] { return std::string("up 1\n"); }, io_timeout);
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
