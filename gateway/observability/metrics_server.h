// A minimal HTTP/1.x server for Prometheus scrapes: GET (or HEAD) /metrics
// answers the page `render` returns; every other path is 404 and every
// other method 405.
//
// One thread accepts and answers connections one at a time, each bounded by
// a short I/O timeout and a cap on the request's size, and closes each after
// its answer. That is all a scraper needs, and it keeps the gRPC threads and
// the upstream loop out of it: scraping never delays a call.

#ifndef GATEWAY_OBSERVABILITY_METRICS_SERVER_H_
#define GATEWAY_OBSERVABILITY_METRICS_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gateway::observability {

class MetricsServer {
 public:
  // Returns the page; called on the server's thread for each scrape.
  using Render = std::function<std::string()>;

  // Listens on `listen_address` ("HOST:PORT", "[IPV6]:PORT"; port 0 picks a
  // free one) and starts serving.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      absl::string_view listen_address, Render render,
      absl::Duration io_timeout = absl::Seconds(2));

  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  // Stops serving: closes the socket and joins the thread.
  ~MetricsServer();

  // "HOST:PORT" with the port actually bound.
  const std::string& address() const { return address_; }

 private:
  MetricsServer(int listen_fd, int wake_fd, std::string address, Render render,
                absl::Duration io_timeout);

  void Serve();
  void Answer(int connection_fd);

  const int listen_fd_;
  // An eventfd: written once to stop Serve().
  const int wake_fd_;
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
