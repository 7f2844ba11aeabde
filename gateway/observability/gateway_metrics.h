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
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upstream_observer.h"
#include "gateway/observability/metrics.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"

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

  prometheus::Counter* started_ = nullptr;
  // Indexed by the status code's number.
  std::array<prometheus::Counter*, kNumCodes> handled_{};
  prometheus::Histogram* handling_seconds_ = nullptr;
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

  GatewayMetrics(const GatewayMetrics&) = delete;
  GatewayMetrics& operator=(const GatewayMetrics&) = delete;
  ~GatewayMetrics() override;

  void OnAttempt(const apivideo::AttemptReport& report) override;
  void OnRetry(absl::string_view route) override;
  void OnTokenObtained() override;

 private:
  // The upstream series of one route template (gateway_metrics.cc).
  struct RouteSeries;

  // The series of `route`, made on its first sight.
  RouteSeries& SeriesOf(absl::string_view route);
  // The apivideo_upstream_requests_total series of `route` and `http_status`.
  prometheus::Counter& RequestsOf(RouteSeries& route, int http_status);

  std::vector<std::pair<std::string, std::unique_ptr<RpcMetrics>>> methods_;
  prometheus::Family<prometheus::Counter>& upstream_requests_;
  prometheus::Family<prometheus::Histogram>& upstream_duration_;
  prometheus::Family<prometheus::Counter>& upstream_retries_;
  prometheus::Counter& auth_refreshes_;
  prometheus::Family<prometheus::Gauge>& ratelimit_remaining_;

  absl::Mutex routes_mu_;
  // By route template ("GET /upload-tokens/{token}"); never shrinks, so a
  // RouteSeries stays where it is.
  absl::flat_hash_map<std::string, std::unique_ptr<RouteSeries>> routes_
      ABSL_GUARDED_BY(routes_mu_);
};

// grpc-go's name for `code`, e.g. "NotFound", "DeadlineExceeded".
absl::string_view GrpcGoCodeName(absl::StatusCode code);

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_GATEWAY_METRICS_H_
