// FakeHttpServer: a small, scriptable HTTP/1.1 server on 127.0.0.1 for tests
// of HTTP clients over real sockets. Each request is answered as the test's
// handler says: a canned response, a response held until the test releases
// it, a connection closed before or during the answer, or an endless body.
// It records every request and counts connections. Optionally serves TLS
// (OpenSSL) from given certificate and key files.
//
// Not a general HTTP server: no chunked request bodies, no pipelining, one
// thread per connection. Test-only.
//
// Example:
//
//   auto server = FakeHttpServer::Start([](const RecordedRequest&) {
//     Reply reply;
//     reply.body = "hello";
//     return reply;
//   });
//   ASSERT_TRUE(server.ok());
//   ... fetch (*server)->Url("/path") ...
//   EXPECT_EQ((*server)->accepted_connections(), 1);

#ifndef GATEWAY_HTTP_TESTING_FAKE_HTTP_SERVER_H_
#define GATEWAY_HTTP_TESTING_FAKE_HTTP_SERVER_H_

#include <openssl/ssl.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gateway::http::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One request as the server received it.
struct RecordedRequest {
  std::string method;
  std::string target;  // Path and query, as sent.
  HeaderList headers;  // Names lower-cased, values trimmed.
  std::string body;

  // The first header called `name` (lower case), or nullptr.
  const std::string* FindHeader(absl::string_view name) const;
};

// How the server answers one request.
struct Reply {
  enum class Action {
    // Status line, `headers`, Content-Length and `body`; the connection stays
    // open for the next request.
    kRespond,
    // Close the connection without sending a byte.
    kCloseWithoutAnswer,
    // Announce all of `body` in Content-Length, send half of it, close.
    kSendHalfBodyAndClose,
    // Announce no length; send `stream_bytes` bytes of body, then close
    // (sooner if the client goes away).
    kStreamUntilClosed,
  };
  Action action = Action::kRespond;
  int status = 200;
  HeaderList headers;
  std::string body;
  std::size_t stream_bytes = 0;
  // If not empty, an interim "103 Early Hints" response with these headers
  // goes first.
  HeaderList interim_headers;
  // With kRespond: close the connection after the response, without
  // announcing it (like a server whose keep-alive timeout just expired).
  bool close_after_response = false;
  // Wait until ReleaseHeld() before answering. If the client closes the
  // connection meanwhile, the reply is abandoned and counted in
  // hangups_while_held().
  bool hold = false;
};

class FakeHttpServer {
 public:
  // Called on connection threads, possibly concurrently.
  using Handler = std::function<Reply(const RecordedRequest&)>;

  // PEM files for serving TLS.
  struct TlsFiles {
    std::string cert_chain_file;
    std::string key_file;
  };

  // Starts listening on 127.0.0.1, on a port of the kernel's choosing.
  static absl::StatusOr<std::unique_ptr<FakeHttpServer>> Start(
      Handler handler, std::optional<TlsFiles> tls = std::nullopt);

  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  // Closes every connection (abandoning held replies) and joins all threads.
  ~FakeHttpServer();

  int port() const { return port_; }

  // "http://127.0.0.1:<port>" (or https) followed by `path_and_query`.
  std::string Url(absl::string_view path_and_query) const;

  // Lets every held reply, current and future, proceed.
  void ReleaseHeld();

  std::vector<RecordedRequest> requests() const;
  int accepted_connections() const;
  // Held replies abandoned because the client closed the connection.
  int hangups_while_held() const;

  // Wait until at least `count` requests were received / `count` held replies
  // were abandoned. False if `timeout` passes first.
  bool WaitForRequests(std::size_t count, absl::Duration timeout) const;
  bool WaitForHangupsWhileHeld(int count, absl::Duration timeout) const;

 private:
  class Connection;

  FakeHttpServer(Handler handler, SSL_CTX* ssl_ctx);

  void AcceptLoop();
  void Serve(int fd);
  // Waits for ReleaseHeld(); false if the client hung up first.
  bool WaitForRelease(Connection& connection);
  static bool SendReply(Connection& connection, const Reply& reply);

  const Handler handler_;
  SSL_CTX* const ssl_ctx_;  // Owned; null for plain HTTP.
  int listen_fd_ = -1;
  int port_ = 0;
  // ReleaseHeld() closes the write end, making the read end readable for
  // every poll() on it, now and later.
  int gate_read_fd_ = -1;
  int gate_write_fd_ = -1;

  std::thread acceptor_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> connection_threads_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<int> open_fds_ ABSL_GUARDED_BY(mu_);
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mu_);
  int accepted_ ABSL_GUARDED_BY(mu_) = 0;
  int hangups_while_held_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gateway::http::testing

#endif  // GATEWAY_HTTP_TESTING_FAKE_HTTP_SERVER_H_
