// A minimal HTTP/1.x server for Prometheus scrapes: GET (or HEAD) /metrics
// answers the page `render` returns; every other path is 404 and every
// other method 405. deploy/'s liveness probe asks it too, so no client
// should be able to keep it from answering.
//
// Threading: one thread of its own runs an epoll loop over non-blocking
// sockets: it accepts, reads each request head, calls `render` and writes
// each reply, interleaving all connections, so no peer, however slow, holds
// the thread. The gRPC threads and the upstream loop take no part: scraping
// never delays a call.
//
// Limits, so that slow or hostile clients cannot lock scrapers out:
// - Each connection has one deadline, `io_timeout` after it was accepted:
//   its request head must arrive and its reply be written by then, or it is
//   closed. Bounding the whole exchange (not each read) is what stops a
//   client that trickles a byte at a time.
// - A request head is at most 8 KiB; a longer one is answered 400.
// - At most kMaxConnections are open at once. A connection that arrives at
//   the cap closes the oldest one. A flood of idle connections then only
//   evicts its own older members: a scraper that connects after them is
//   answered as soon as its request arrives, and only kMaxConnections newer
//   connections arriving in that moment could push it out.
// - Each connection is answered once and closed (Connection: close).
// - `render` runs on the loop: a slow render delays every connection. Each
//   connection holds its own copy of the reply until it is written.

#ifndef GATEWAY_OBSERVABILITY_METRICS_SERVER_H_
#define GATEWAY_OBSERVABILITY_METRICS_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gateway::observability {

class MetricsServer {
 public:
  // Returns the page; called on the server's thread for each scrape.
  using Render = std::function<std::string()>;

  // The most connections open at once. Legitimate clients are a scraper or
  // two and the kubelet's probe, each with one short connection: 64 leaves
  // plenty of room for them, while bounding the descriptors (the gRPC
  // server and libcurl need them too) and the memory (a head of up to
  // 8 KiB, or a copy of the page being written) that clients can hold.
  static constexpr int kMaxConnections = 64;

  // Listens on `listen_address` ("HOST:PORT", "[IPV6]:PORT"; port 0 picks a
  // free one) and starts serving. `io_timeout` is each connection's
  // deadline, from accept to the last byte of its reply.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      absl::string_view listen_address, Render render,
      absl::Duration io_timeout = absl::Seconds(2));

  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  // Stops serving: wakes the thread, which closes every connection at once
  // whatever its peer is doing, joins it and closes the listening socket.
  ~MetricsServer();

  // "HOST:PORT" with the port actually bound.
  const std::string& address() const { return address_; }

 private:
  MetricsServer(int listen_fd, std::string address, Render render,
                absl::Duration io_timeout);

  // Creates the eventfd and the epoll instance watching it and the
  // listening socket.
  absl::Status PrepareLoop();
  // The thread's body: runs the loop until the eventfd is written.
  void Serve();

  const int listen_fd_;
  // An eventfd: written once to stop Serve().
  int wake_fd_ = -1;
  int epoll_fd_ = -1;
  const std::string address_;
  const Render render_;
  const absl::Duration io_timeout_;
  std::thread thread_;
};

// The reply to an HTTP request whose head (request line and headers) is
// `request_head`: status line, headers and, unless HEAD, the body.
// Exposed for tests.
std::string MetricsHttpReply(absl::string_view request_head,
                             const MetricsServer::Render& render);

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_METRICS_SERVER_H_
