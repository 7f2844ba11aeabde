// Turns libcurl's verdict on a failed transfer into the absl::Status the
// HttpClient contract (http_client.h) promises: the right code, the
// "request not sent" mark when that is certain, and a message that names the
// upstream host but never a path, query string or header.
//
// Classification:
//   CURLE_OPERATION_TIMEDOUT                        -> kDeadlineExceeded
//   resolve / connect / TLS / send / receive errors,
//   partial body, empty reply, HTTP/2 framing       -> kUnavailable
//   body over the cap (ours or CURLOPT_MAXFILESIZE),
//   headers over our cap                            -> kResourceExhausted
//   anything else                                   -> kInternal
//
// "Not sent" rule, whatever the code: the status is marked not-sent
// (MarkRequestNotSent) exactly when CURLINFO_REQUEST_SIZE is 0. libcurl adds
// to that counter only the bytes a successful send() (or TLS write) took, and
// never resets it within a transfer, so 0 means no complete request byte ever
// left on any connection: the resolve and connect failures, TLS handshake
// failures, and timeouts before the request was written. Anything else,
// including a stale keep-alive connection that libcurl retried internally,
// counts as "may have been sent".

#ifndef GATEWAY_HTTP_CURL_STATUS_H_
#define GATEWAY_HTTP_CURL_STATUS_H_

#include <curl/curl.h>

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gateway::http {

// What is known about a transfer that did not produce a complete response.
struct CurlFailure {
  CURLcode code = CURLE_OK;
  // CURLINFO_REQUEST_SIZE: request bytes libcurl has written so far.
  long request_bytes = 0;  // NOLINT(google-runtime-int): libcurl's type
  // True when our write callback stopped the transfer for size.
  bool body_too_large = false;
  // True when our header callback stopped the transfer for size.
  bool headers_too_large = false;
  absl::string_view method;  // "GET", ...
  absl::string_view url;     // The request URL; only its host is reported.
  // The CURLOPT_ERRORBUFFER text, possibly empty. Dropped from the message if
  // it echoes the URL's path or query.
  absl::string_view detail;
  std::size_t max_response_bytes = 0;
  std::size_t max_header_bytes = 0;
  absl::Duration timeout;
};

// Never returns OK; `failure.code` must not be CURLE_OK unless
// `body_too_large` or `headers_too_large` is set.
absl::Status CurlFailureToStatus(const CurlFailure& failure);

// Marks `status` not-sent when `request_bytes` is 0 (see the rule above).
absl::Status WithSendState(absl::Status status,
                           long request_bytes);  // NOLINT(google-runtime-int)

// "GET https://host:port": what messages say about a request. Leaves out
// user info, path and query; "GET <invalid URL>" if `url` does not parse.
std::string DescribeRequest(absl::string_view method, absl::string_view url);

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_CURL_STATUS_H_
