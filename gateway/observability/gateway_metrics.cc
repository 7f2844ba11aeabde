// The gRPC service's metrics: see gateway_metrics.h.

#include "gateway/observability/gateway_metrics.h"

#include <utility>

#include "prometheus/family.h"
#include "prometheus/labels.h"

namespace gateway::observability {
namespace {

constexpr absl::string_view kGrpcType = "unary";

}  // namespace

absl::string_view GrpcGoCodeName(absl::StatusCode code) {
  // Indexed by the code's number, which gRPC fixes at 0..16.
  static constexpr absl::string_view kNames[RpcMetrics::kNumCodes] = {
      "OK",
      "Canceled",
      "Unknown",
      "InvalidArgument",
      "DeadlineExceeded",
      "NotFound",
      "AlreadyExists",
      "PermissionDenied",
      "ResourceExhausted",
      "FailedPrecondition",
      "Aborted",
      "OutOfRange",
      "Unimplemented",
      "Internal",
      "Unavailable",
      "DataLoss",
      "Unauthenticated"};
  const int index = static_cast<int>(code);
  return index >= 0 && index < RpcMetrics::kNumCodes ? kNames[index]
                                                     : "Unknown";
}

void RpcMetrics::OnHandled(absl::StatusCode code, absl::Duration latency) {
  int index = static_cast<int>(code);
  if (index < 0 || index >= kNumCodes) {
    index = static_cast<int>(absl::StatusCode::kUnknown);
  }
  handled_[index]->Increment();
  handling_seconds_->Observe(absl::ToDoubleSeconds(latency));
}

GatewayMetrics::GatewayMetrics(
    MetricsRegistry& registry, absl::string_view grpc_service,
    const std::vector<absl::string_view>& grpc_methods) {
  auto& started =
      registry.Counters("grpc_server_started_total",
                        "Total number of RPCs started on the server.");
  auto& handled = registry.Counters(
      "grpc_server_handled_total",
      "Total number of RPCs completed on the server, regardless of success "
      "or failure.");
  auto& handling_seconds = registry.Histograms(
      "grpc_server_handling_seconds",
      "Histogram of response latency (seconds) of gRPC that had been "
      "application-level handled by the server.");
  for (absl::string_view method : grpc_methods) {
    const prometheus::Labels labels = {
        {"grpc_type", std::string(kGrpcType)},
        {"grpc_service", std::string(grpc_service)},
        {"grpc_method", std::string(method)}};
    auto series = std::make_unique<RpcMetrics>();
    series->started_ = &started.Add(labels);
    for (int code = 0; code < RpcMetrics::kNumCodes; ++code) {
      prometheus::Labels with_code = labels;
      with_code.emplace(
          "grpc_code",
          std::string(GrpcGoCodeName(static_cast<absl::StatusCode>(code))));
      series->handled_[code] = &handled.Add(with_code);
    }
    series->handling_seconds_ = &handling_seconds.Add(labels, LatencyBuckets());
    methods_.emplace_back(std::string(method), std::move(series));
  }
}

RpcMetrics* GatewayMetrics::ForMethod(absl::string_view method) {
  for (auto& [name, series] : methods_) {
    if (name == method) return series.get();
  }
  return nullptr;
}

}  // namespace gateway::observability
