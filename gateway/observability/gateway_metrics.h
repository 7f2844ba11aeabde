// The gateway's metrics, with the names operators' dashboards already use.
//
// RPCs are counted as go-grpc-prometheus counts them
// (grpc_server_started_total, grpc_server_handled_total,
// grpc_server_handling_seconds, with the labels grpc_type, grpc_service,
// grpc_method and grpc_code spelled as grpc-go spells codes, e.g. "NotFound").
// Upstream traffic is watched as an UpstreamObserver:
// apivideo_upstream_requests_total{route,method,status},
// apivideo_upstream_request_duration_seconds{route,method},
// apivideo_upstream_retries_total{route,method}, apivideo_auth_refreshes_total
// and apivideo_ratelimit_remaining{route,method}. `route` is a path template
// such as "/upload-tokens/{token}": no label ever holds a token or a secret.

#ifndef GATEWAY_OBSERVABILITY_GATEWAY_METRICS_H_
#define GATEWAY_OBSERVABILITY_GATEWAY_METRICS_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upstream_observer.h"
#include "gateway/observability/metrics.h"

namespace gateway::observability {

// The cells of one RPC method, looked up once so that recording a call
// takes no lock.
class RpcMetrics {
 public:
  void OnStarted() { started_->Increment(); }
  void OnHandled(absl::StatusCode code, absl::Duration latency);

  // gRPC's status codes are 0 (OK) .. 16 (UNAUTHENTICATED).
  static constexpr int kNumCodes = 17;

 private:
  friend class GatewayMetrics;

  Counter* started_ = nullptr;
  std::array<Counter*, kNumCodes> handled_{};
  Histogram* handling_seconds_ = nullptr;
};

class GatewayMetrics final : public apivideo::UpstreamObserver {
 public:
  // Adds the families to `registry`, which must outlive this object, with
  // every (method, code) series of `grpc_service` at zero, so that rates
  // work from the first scrape.
  GatewayMetrics(MetricsRegistry& registry, absl::string_view grpc_service,
                 const std::vector<absl::string_view>& grpc_methods);

  // The cells of `method`, one of the methods given at construction; null
  // for any other.
  RpcMetrics* ForMethod(absl::string_view method);

  void OnAttempt(const apivideo::AttemptReport& report) override;
  void OnRetry(absl::string_view route) override;
  void OnTokenObtained() override;

 private:
  std::vector<std::pair<std::string, std::unique_ptr<RpcMetrics>>> methods_;
  CounterFamily& upstream_requests_;
  HistogramFamily& upstream_duration_;
  CounterFamily& upstream_retries_;
  Counter& auth_refreshes_;
  GaugeFamily& ratelimit_remaining_;
};

// grpc-go's name for `code`, e.g. "NotFound", "DeadlineExceeded".
absl::string_view GrpcGoCodeName(absl::StatusCode code);

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_GATEWAY_METRICS_H_
