// Typed access to the error details of a failed call.
//
// Every error of the gateway carries a serialized google.rpc.Status in the
// `grpc-status-details-bin` trailer, which gRPC C++ hands over as
// grpc::Status::error_details(); its `details` are Any messages (ErrorInfo,
// ResourceInfo, RetryInfo, BadRequest, QuotaFailure). The client's results are
// absl::Status, which keep that serialized Status as a payload, so the details
// decode the same from either.
#ifndef UPLOAD_TOKEN_CLIENT_ERROR_DETAILS_H_
#define UPLOAD_TOKEN_CLIENT_ERROR_DETAILS_H_

#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/any.pb.h"
#include "google/rpc/error_details.pb.h"

namespace upload_token_client {

// The absl::Status payload under which ToAbslStatus keeps the serialized
// google.rpc.Status of the call.
inline constexpr char kStatusDetailsPayloadUrl[] =
    "type.googleapis.com/google.rpc.Status";

// The decoded details of one failed call; those it did not carry are empty.
struct ErrorDetails {
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message;
  std::optional<google::rpc::ErrorInfo> error_info;
  std::optional<google::rpc::ResourceInfo> resource_info;
  std::optional<google::rpc::RetryInfo> retry_info;
  std::optional<google::rpc::BadRequest> bad_request;
  std::optional<google::rpc::QuotaFailure> quota_failure;
  // Details of any other type, still packed.
  std::vector<google::protobuf::Any> others;

  // ErrorInfo.reason (e.g. "RESOURCE_NOT_FOUND"), or "" without ErrorInfo.
  std::string reason() const;
  // ErrorInfo.metadata[key], or "" when absent.
  std::string metadata(const std::string& key) const;
  // RetryInfo.retry_delay, or zero without RetryInfo.
  absl::Duration retry_delay() const;
};

// Decodes the details of a failed call. A status without details (e.g. a
// deadline the client enforced itself) gives only code and message; so do
// details that do not parse.
ErrorDetails DecodeErrorDetails(const grpc::Status& status);
ErrorDetails DecodeErrorDetails(const absl::Status& status);

// The same error as an absl::Status: same code and message, the serialized
// google.rpc.Status (when the call had one) as the kStatusDetailsPayloadUrl
// payload.
absl::Status ToAbslStatus(const grpc::Status& status);

}  // namespace upload_token_client

#endif  // UPLOAD_TOKEN_CLIENT_ERROR_DETAILS_H_
