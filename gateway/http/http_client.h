// The asynchronous HTTP client interface the api.video layer is written
// against. The production implementation is CurlLoop (curl_loop.h); unit tests
// of the layers above use a fake.

#ifndef GATEWAY_HTTP_HTTP_CLIENT_H_
#define GATEWAY_HTTP_HTTP_CLIENT_H_

#include <cstdint>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/http/http_types.h"

namespace gateway::http {

// Identifies one transfer started by HttpClient::Start, for Cancel.
using TransferId = std::uint64_t;

// Receives the outcome of a transfer. An HTTP answer of any status (404, 503,
// ...) is a response, not an error. Errors mean no complete answer arrived:
//   kUnavailable       no connection, connection lost, TLS failure
//   kDeadlineExceeded  HttpRequest::timeout elapsed
//   kCancelled         HttpClient::Cancel was called
//   kResourceExhausted the response body or headers exceeded their size cap
//   kInternal          anything else (the message says what)
// Whether the request bytes may have reached the server is recorded on the
// error; see RequestMayHaveBeenSent().
using ResponseCallback =
    absl::AnyInvocable<void(absl::StatusOr<HttpResponse>) &&>;

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Starts `request` and returns at once; never blocks on I/O. Thread-safe.
  // `done` runs exactly once, on the client's own thread (never inside
  // Start), and must not block.
  virtual TransferId Start(HttpRequest request, ResponseCallback done) = 0;

  // Aborts the transfer if it is still running: its callback then runs with
  // kCancelled and its connection is closed. A no-op for finished or unknown
  // ids. Thread-safe; never blocks on I/O.
  virtual void Cancel(TransferId id) = 0;
};

// True unless the transport knows for certain that no byte of the request
// reached the server (for example: the connection was refused). Used to
// decide whether a non-idempotent request may be resent.
bool RequestMayHaveBeenSent(const absl::Status& status);

// Marks `status` as an error that happened before any request byte was sent.
absl::Status MarkRequestNotSent(absl::Status status);

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_HTTP_CLIENT_H_
