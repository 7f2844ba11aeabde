#include "gateway/service/request_fields.h"

#include <optional>

#include "gateway/common/status_details.h"
#include "google/rpc/error_details.pb.h"

namespace gateway::service {

std::string RequestFieldFromApiName(absl::string_view api_name) {
  if (api_name == "uploadToken") return "token";
  if (api_name == "pageSize") return "page_size";
  if (api_name == "currentPage") return "page_token";
  if (api_name == "sortBy" || api_name == "sortOrder") return "order_by";
  return std::string(api_name);
}

absl::Status WithRequestFieldNames(absl::Status status) {
  // Only the gateway's INVALID_ARGUMENT answers carry a BadRequest.
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  std::optional<google::rpc::BadRequest> bad_request =
      GetDetail<google::rpc::BadRequest>(status);
  if (!bad_request.has_value()) return status;
  for (auto& violation : *bad_request->mutable_field_violations()) {
    violation.set_field(RequestFieldFromApiName(violation.field()));
  }
  AddDetail(status, *bad_request);
  return status;
}

}  // namespace gateway::service
