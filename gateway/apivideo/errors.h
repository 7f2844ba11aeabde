// What api.video's failures mean to a gRPC caller.
//
// Codes follow google/rpc/code.proto, not gRPC's "HTTP to gRPC" table (which
// would turn an unknown token into UNIMPLEMENTED):
//
//   upstream answer               code                details
//   400                           INVALID_ARGUMENT    BadRequest (1)
//   401, 403 (the gateway's key)  INTERNAL
//   404 on a token                NOT_FOUND           ResourceInfo
//   429                           RESOURCE_EXHAUSTED  RetryInfo, QuotaFailure
//   5xx                           UNAVAILABLE
//   any other status              INTERNAL
//   no connection, reset          UNAVAILABLE
//   too slow for the deadline     DEADLINE_EXCEEDED
//
// Every error that relays an HTTP answer carries an ErrorInfo (domain
// "api.video", metadata httpStatus) whose reason is the problem's `type` slug
// in UPPER_SNAKE_CASE (".../resource-not-found" -> "RESOURCE_NOT_FOUND"), or
// a gateway reason such as "UPSTREAM_UNAVAILABLE" when api.video sent no
// problem document. A transport failure (no answer at all) is the gateway's
// own observation and carries the gateway's domain, with a reason such as
// "UPSTREAM_UNREACHABLE". An upstream 401/403 is INTERNAL,
// never UNAUTHENTICATED: the caller did nothing wrong, the gateway's own
// credentials are bad.
//
// (1) Each field violation names the parameter or attribute as api.video
// does ("pageSize"); the gRPC edge renames them to the caller's request
// fields (service/request_fields.h). At most the first 5 named problems
// become violations.
//
// api.video's own text (a problem's title, detail, type and names) is
// quoted in messages and details cut to 256 bytes on a UTF-8 boundary and
// marked "...(truncated)" (upstream_text.h): an error body of up to 1 MiB
// still makes a status that fits a client's 8 KiB metadata limit.

#ifndef GATEWAY_APIVIDEO_ERRORS_H_
#define GATEWAY_APIVIDEO_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/http/http_types.h"

namespace gateway::apivideo {

// The ErrorInfo domain of errors that relay one of api.video's answers.
inline constexpr absl::string_view kApiVideoErrorDomain = "api.video";

// The resource type named in ResourceInfo for upload tokens.
inline constexpr absl::string_view kUploadTokenResourceType =
    "apivideo.uploadtokens.v1.UploadToken";

// What was being asked of api.video, for messages and details.
struct UpstreamOperation {
  // E.g. "GET /upload-tokens/{token}". Never contains caller data.
  absl::string_view route;
  // The token the operation is about, or empty for collection routes.
  absl::string_view token;
};

// The status for a non-2xx `response` to `operation`.
absl::Status StatusFromErrorResponse(const http::HttpResponse& response,
                                     const UpstreamOperation& operation);

// The status for a non-2xx `response` to the gateway's own POST /auth/...
// request (`route`): a refusal (4xx) is the gateway's bad key, INTERNAL; 5xx
// is UNAVAILABLE.
absl::Status StatusFromAuthErrorResponse(const http::HttpResponse& response,
                                         absl::string_view route);

// The status for a transfer that ended without a response; `transport_error`
// follows the http::ResponseCallback contract.
absl::Status StatusFromTransportError(const absl::Status& transport_error,
                                      const UpstreamOperation& operation);

// The `type` of `response`'s problem document; empty when its body is not
// one.
std::string ProblemType(const http::HttpResponse& response);

// Whether `response` is api.video's 404 for a resource that does not exist
// (problem type https://docs.api.video/reference/resource-not-found), as
// opposed to its 404 for a URL it does not serve (unrecognized-request-url)
// or a 404 without a problem document.
bool IsResourceNotFound(const http::HttpResponse& response);

// "RESOURCE_NOT_FOUND" for
// "https://docs.api.video/reference/resource-not-found"; empty when `type` has
// no usable last path segment.
std::string ReasonFromProblemType(absl::string_view type);

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_ERRORS_H_
