// absl::Status -> grpc::Status, at the gRPC edge only.

#ifndef GATEWAY_SERVICE_GRPC_STATUS_H_
#define GATEWAY_SERVICE_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace gateway::service {

// Same code and message; the details (status_details.h) travel as a
// serialized google.rpc.Status in the grpc-status-details-bin trailer.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_GRPC_STATUS_H_
