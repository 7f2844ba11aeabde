// What a test most often asks of an absl::Status's google.rpc details.

#ifndef GATEWAY_COMMON_TESTING_STATUS_DETAILS_H_
#define GATEWAY_COMMON_TESTING_STATUS_DETAILS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gateway/common/status_details.h"
#include "google/rpc/error_details.pb.h"

namespace gateway::testing {

// The ErrorInfo reason of `status`, or "<no ErrorInfo>".
inline std::string ErrorReason(const absl::Status& status) {
  const auto info = GetDetail<google::rpc::ErrorInfo>(status);
  return info.has_value() ? info->reason() : "<no ErrorInfo>";
}

// The fields named in the BadRequest of `status`, in order; none without
// one.
inline std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  if (!bad_request.has_value()) return fields;
  for (const auto& violation : bad_request->field_violations()) {
    fields.push_back(violation.field());
  }
  return fields;
}

}  // namespace gateway::testing

#endif  // GATEWAY_COMMON_TESTING_STATUS_DETAILS_H_
