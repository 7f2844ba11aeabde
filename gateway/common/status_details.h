// Error details carried inside absl::Status.
//
// Inside the gateway every error is an absl::Status. Structured details for
// the caller (google.rpc.ErrorInfo, BadRequest, ResourceInfo, RetryInfo, ...)
// ride along as payloads keyed by their type URL, exactly as they will appear
// in google.rpc.Status.details. Only the gRPC edge turns the whole thing into
// a google.rpc.Status (ToRpcStatus) and then a grpc::Status.
//
// Example:
//   absl::Status status = absl::NotFoundError("upload token not found");
//   google::rpc::ResourceInfo info;
//   info.set_resource_name(token);
//   AddDetail(status, info);

#ifndef GATEWAY_COMMON_STATUS_DETAILS_H_
#define GATEWAY_COMMON_STATUS_DETAILS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gateway {

// The ErrorInfo domain of the errors the gateway makes itself: validation,
// the caller's policy, overload, a failed connection. Errors that relay one
// of api.video's answers carry api.video's domain instead
// (apivideo/errors.h), so a caller can tell who refused.
inline constexpr absl::string_view kGatewayErrorDomain = "upload-token-gateway";

// "type.googleapis.com/<full message name>", the Any type URL of `message`.
std::string TypeUrlOf(const google::protobuf::Message& message);

// Attaches `detail` to `status` (a no-op on OK). A second detail of the same
// type replaces the first.
void AddDetail(absl::Status& status, const google::protobuf::Message& detail);

// The detail of type T attached to `status`, if any.
template <typename T>
std::optional<T> GetDetail(const absl::Status& status) {
  T detail;
  const auto payload = status.GetPayload(TypeUrlOf(detail));  // absl::optional
  if (!payload.has_value() || !detail.ParseFromString(std::string(*payload))) {
    return std::nullopt;
  }
  return detail;
}

// Makes an error with an ErrorInfo (domain kGatewayErrorDomain) attached.
absl::Status MakeError(absl::StatusCode code, absl::string_view message,
                       absl::string_view reason);

// Adds a BadRequest field violation to `status`, keeping earlier ones.
void AddFieldViolation(absl::Status& status, absl::string_view field,
                       absl::string_view description);

// Attaches a RetryInfo whose retry_delay is `delay` rounded up to whole
// seconds, clamped to what a google.protobuf.Duration may hold: negative
// delays become zero, and longer ones (an infinite delay included) the
// longest valid Duration, 315,576,000,000 s. A no-op on OK.
void AddRetryInfo(absl::Status& status, absl::Duration delay);

// An INVALID_ARGUMENT error for one bad request field, with ErrorInfo
// (reason "INVALID_ARGUMENT") and a BadRequest naming the field. The message
// reads "invalid request: <field>: <description>".
absl::Status InvalidFieldError(absl::string_view field,
                               absl::string_view description);

// Collects the problems of one request, to report them all at once as one
// INVALID_ARGUMENT with a BadRequest listing every field.
class FieldViolations {
 public:
  void Add(absl::string_view field, absl::string_view description);
  bool empty() const { return violations_.empty(); }
  // OK when nothing was added.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
};

// The google.rpc.Status form of `status`: code, message and every attached
// detail, sorted by type URL so the encoding is deterministic. Only payloads
// under "type.googleapis.com/" are details; others are internal bookkeeping
// and stay inside. Errors without an ErrorInfo get one with the code's name
// as reason, so callers can rely on it being there.
google::rpc::Status ToRpcStatus(const absl::Status& status);

}  // namespace gateway

#endif  // GATEWAY_COMMON_STATUS_DETAILS_H_
