// Plain HTTP request and response values shared by the transport and its
// users. Nothing here knows about libcurl, gRPC or api.video.

#ifndef GATEWAY_HTTP_HTTP_TYPES_H_
#define GATEWAY_HTTP_HTTP_TYPES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gateway::http {

enum class Method { kGet, kPost, kDelete };

absl::string_view MethodName(Method method);

struct HttpRequest {
  Method method = Method::kGet;
  // Absolute URL, already escaped. Callers build it from checked parts only.
  std::string url;
  // Header lines as name/value pairs, sent in this order.
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent as the request body for POST; ignored otherwise.
  std::string body;
  // Bounds the whole transfer: queueing, connect, request and response.
  absl::Duration timeout = absl::Seconds(30);
  // When a kept-alive connection turns out dead before any answer, the
  // transport may quietly resend the request on a new one. Set false for a
  // request whose second arrival must not go unnoticed (a POST would be
  // duplicated; the effect of a DELETE would be hidden): it is then sent at
  // most once, and a connection that dies before the answer is an error
  // (kUnavailable, may have been sent) for the caller to judge.
  bool resend_on_stale_connection = true;
};

struct HttpResponse {
  // The final HTTP status code, e.g. 200 or 404.
  int status = 0;
  // Response headers with lower-cased names, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of the first header called `name` (lower case), or nullptr.
  const std::string* FindHeader(absl::string_view name) const;
};

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_HTTP_TYPES_H_
