#include "gateway/service/grpc_status.h"

#include <string>

#include "gateway/common/status_details.h"

namespace gateway::service {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode mirrors google.rpc.Code and so grpc::StatusCode.
  return {static_cast<grpc::StatusCode>(status.code()),
          std::string(status.message()),
          ToRpcStatus(status).SerializeAsString()};
}

}  // namespace gateway::service
