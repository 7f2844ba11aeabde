// absl::Status -> grpc::Status, at the gRPC edge only.

#ifndef GATEWAY_GRPC_STATUS_H_
#define GATEWAY_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace gateway {

// Same code and message; the details (status_details.h) travel as a
// serialized google.rpc.Status in the grpc-status-details-bin trailer.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace gateway

#endif  // GATEWAY_GRPC_STATUS_H_
