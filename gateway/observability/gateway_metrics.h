// The metrics of the gateway's own gRPC service, counted as
// go-grpc-prometheus counts RPCs, so that existing gRPC dashboards work:
// grpc_server_started_total, grpc_server_handled_total and
// grpc_server_handling_seconds, with the labels grpc_type, grpc_service,
// grpc_method and grpc_code, codes spelled as grpc-go spells them (e.g.
// "NotFound"). Traffic to api.video has metrics of its own
// (upstream_metrics.h).

#ifndef GATEWAY_OBSERVABILITY_GATEWAY_METRICS_H_
#define GATEWAY_OBSERVABILITY_GATEWAY_METRICS_H_

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/observability/metrics.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"

namespace gateway::observability {

// The series of one RPC method, looked up once, so that recording a call
// takes no registry lock.
class RpcMetrics {
 public:
  void OnStarted() { started_->Increment(); }
  void OnHandled(absl::StatusCode code, absl::Duration latency);

  // gRPC's status codes are 0 (OK) .. 16 (UNAUTHENTICATED).
  static constexpr int kNumCodes = 17;

 private:
  friend class GatewayMetrics;

  prometheus::Counter* started_ = nullptr;
  // Indexed by the status code's number.
  std::array<prometheus::Counter*, kNumCodes> handled_{};
  prometheus::Histogram* handling_seconds_ = nullptr;
};

class GatewayMetrics {
 public:
  // Adds the families to `registry`, which must outlive this object, with
  // every (method, code) series of `grpc_service` at zero, so that rates
  // work from the first scrape.
  GatewayMetrics(MetricsRegistry& registry, absl::string_view grpc_service,
                 const std::vector<absl::string_view>& grpc_methods);

  // The series of `method`, one of the methods given at construction; null
  // for any other.
  RpcMetrics* ForMethod(absl::string_view method);

 private:
  std::vector<std::pair<std::string, std::unique_ptr<RpcMetrics>>> methods_;
};

// grpc-go's name for `code`, e.g. "NotFound", "DeadlineExceeded".
absl::string_view GrpcGoCodeName(absl::StatusCode code);

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_GATEWAY_METRICS_H_
