// Settings of a CurlLoop (curl_loop.h), fixed for its lifetime. Every field
// has a production-ready default; most deployments only set `ca_file` (when
// the upstream uses a private CA) and perhaps `http2_prior_knowledge`.

#ifndef GATEWAY_HTTP_CURL_LOOP_OPTIONS_H_
#define GATEWAY_HTTP_CURL_LOOP_OPTIONS_H_

#include <cstddef>
#include <string>

#include "absl/time/time.h"

namespace gateway::http {

struct CurlLoopOptions {
  // A PEM file of CA certificates trusted in addition to the system store
  // (never instead of it). Empty: the system store only. Certificate and
  // host name verification are always on; there is no way to turn them off.
  std::string ca_file;

  // Bounds connection setup (TCP and TLS). A request's own, shorter timeout
  // wins.
  absl::Duration connect_timeout = absl::Seconds(10);

  // A response body larger than this fails the transfer with
  // kResourceExhausted and closes its connection.
  std::size_t max_response_bytes = 1 << 20;

  // Response header bytes of one transfer, counted as libcurl hands them
  // over: status lines, header lines, the blank lines ending each block and
  // trailers, of every block of the transfer (an interim 1xx response's
  // too). Past it the transfer fails with kResourceExhausted and its
  // connection is closed. api.video's headers take well under 1 KiB; libcurl
  // itself allows 100 KiB per header line.
  std::size_t max_response_header_bytes = 64 << 10;

  // Speak HTTP/2 to cleartext http:// upstreams without an Upgrade round
  // trip. Only for upstreams known to speak HTTP/2; https:// upstreams
  // negotiate HTTP/2 through ALPN whatever this says. Needs libcurl >= 8.0.0:
  // CurlLoop::Create() refuses it on older versions, whose reuse of such
  // connections is broken.
  bool http2_prior_knowledge = false;

  // Cap on simultaneous connections to one host (requests beyond it wait in
  // libcurl's queue, and that wait counts against their timeout). 0 leaves
  // libcurl's default: no cap, the right choice for HTTP/1.1 upstreams, where
  // each connection carries one request at a time. Set it (e.g. 4) for HTTP/2
  // upstreams: without a cap, libcurl 7.88 opens a new connection for nearly
  // every request beyond the server's stream limit (measured: 3 waves of
  // 2,000 requests, 1,535 connections uncapped, 4 with a cap of 4). Note that
  // libcurl 7.88 removes a finished transfer in time linear in the number of
  // queued ones, so keep the queue to a few thousand.
  long max_host_connections = 0;  // NOLINT(google-runtime-int): libcurl's type

  // Cap on transfers handed to libcurl at once. Beyond it, transfers wait in
  // the loop's own first-in, first-out queue, at no cost per waiting
  // transfer, and the wait counts against their timeout. It bounds what
  // libcurl holds (about 26 KB per transfer, measured over HTTP/1.1: buffers
  // and a connection each) and keeps libcurl 7.88's linear walks over its
  // connections and pending transfers short. With upstream latency L, the
  // cap allows at most cap / L requests per second: 1,024 (Envoy's default
  // for a cluster's concurrent requests, too) allows 10,000/s at 100 ms,
  // more than one gateway's CPU serves. It is also how many idle connections
  // stay pooled for reuse. 0: no cap (and libcurl's own pool sizing).
  std::size_t max_concurrent_transfers = 1024;

  // The User-Agent header of every request.
  std::string user_agent = "upload-token-gateway";
};

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_CURL_LOOP_OPTIONS_H_
