// Reading google.rpc.Status details off a grpc::Status, for tests of the
// gRPC edge and of the whole gateway.

#ifndef GATEWAY_SERVICE_TESTING_ERROR_DETAILS_H_
#define GATEWAY_SERVICE_TESTING_ERROR_DETAILS_H_

#include <optional>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace gateway::service::testing {

// The detail of type T in `status`'s grpc-status-details-bin, if any.
template <typename T>
std::optional<T> FindDetail(const grpc::Status& status) {
  google::rpc::Status rpc_status;
  if (!rpc_status.ParseFromString(status.error_details())) return std::nullopt;
  for (const google::protobuf::Any& any : rpc_status.details()) {
    T detail;
    if (any.UnpackTo(&detail)) return detail;
  }
  return std::nullopt;
}

}  // namespace gateway::service::testing

#endif  // GATEWAY_SERVICE_TESTING_ERROR_DETAILS_H_
