#include "upload_token_client/error_details.h"

#include <utility>

#include "absl/strings/cord.h"
#include "google/rpc/status.pb.h"

namespace upload_token_client {
namespace {

// Unpacks `any` into `slot` when it holds a T; true when it did.
template <typename T>
bool UnpackInto(const google::protobuf::Any& any, std::optional<T>& slot) {
  if (!any.Is<T>()) return false;
  T message;
  if (!any.UnpackTo(&message)) return false;
  slot = std::move(message);
  return true;
}

ErrorDetails Decode(absl::StatusCode code, std::string message,
                    const std::string& serialized_status) {
  ErrorDetails details;
  details.code = code;
  details.message = std::move(message);
  google::rpc::Status status;
  if (serialized_status.empty() ||
      !status.ParseFromArray(serialized_status.data(),
                             static_cast<int>(serialized_status.size()))) {
    return details;
  }
  for (const google::protobuf::Any& any : status.details()) {
    if (UnpackInto(any, details.error_info) ||
        UnpackInto(any, details.resource_info) ||
        UnpackInto(any, details.retry_info) ||
        UnpackInto(any, details.bad_request) ||
        UnpackInto(any, details.quota_failure)) {
      continue;
    }
    details.others.push_back(any);
  }
  return details;
}

}  // namespace

std::string ErrorDetails::reason() const {
  return error_info ? error_info->reason() : std::string();
}

std::string ErrorDetails::metadata(const std::string& key) const {
  if (!error_info) return "";
  auto it = error_info->metadata().find(key);
  return it == error_info->metadata().end() ? std::string() : it->second;
}

absl::Duration ErrorDetails::retry_delay() const {
  if (!retry_info) return absl::ZeroDuration();
  return absl::Seconds(retry_info->retry_delay().seconds()) +
         absl::Nanoseconds(retry_info->retry_delay().nanos());
}

ErrorDetails DecodeErrorDetails(const grpc::Status& status) {
  return Decode(static_cast<absl::StatusCode>(status.error_code()),
                status.error_message(), status.error_details());
}

ErrorDetails DecodeErrorDetails(const absl::Status& status) {
  const auto payload =  // absl::optional: not std::optional in every abseil
      status.GetPayload(kStatusDetailsPayloadUrl);
  return Decode(status.code(), std::string(status.message()),
                payload ? std::string(*payload) : std::string());
}

absl::Status ToAbslStatus(const grpc::Status& status) {
  // grpc::StatusCode and absl::StatusCode share their numbers.
  absl::Status converted(static_cast<absl::StatusCode>(status.error_code()),
                         status.error_message());
  if (!status.ok() && !status.error_details().empty()) {
    converted.SetPayload(kStatusDetailsPayloadUrl,
                         absl::Cord(status.error_details()));
  }
  return converted;
}

}  // namespace upload_token_client
