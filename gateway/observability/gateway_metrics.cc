#include "gateway/observability/gateway_metrics.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace gateway::observability {
namespace {

constexpr absl::string_view kGrpcType = "unary";

// "GET /upload-tokens/{token}" -> {"GET", "/upload-tokens/{token}"}.
std::pair<absl::string_view, absl::string_view> SplitRoute(
    absl::string_view route) {
  const std::size_t space = route.find(' ');
  if (space == absl::string_view::npos) return {"", route};
  return {route.substr(0, space), route.substr(space + 1)};
}

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
    const std::vector<absl::string_view>& grpc_methods)
    : upstream_requests_(registry.AddCounter(
          "apivideo_upstream_requests_total",
          "HTTP requests made to api.video, by route template, method and "
          "status (\"none\": no HTTP answer arrived).",
          {"route", "method", "status"})),
      upstream_duration_(registry.AddHistogram(
          "apivideo_upstream_request_duration_seconds",
          "Time from sending a request to api.video to its answer or failure.",
          {"route", "method"}, DefaultLatencyBuckets())),
      upstream_retries_(registry.AddCounter(
          "apivideo_upstream_retries_total",
          "Retries of api.video requests scheduled by the retry policy.",
          {"route", "method"})),
      auth_refreshes_(registry
                          .AddCounter("apivideo_auth_refreshes_total",
                                      "Bearer access tokens obtained from "
                                      "api.video (--auth=bearer).")
                          .WithLabels({})),
      ratelimit_remaining_(registry.AddGauge(
          "apivideo_ratelimit_remaining",
          "X-RateLimit-Remaining of the latest api.video answer that had it.",
          {"route", "method"})) {
  CounterFamily& started =
      registry.AddCounter("grpc_server_started_total",
                          "Total number of RPCs started on the server.",
                          {"grpc_type", "grpc_service", "grpc_method"});
  CounterFamily& handled = registry.AddCounter(
      "grpc_server_handled_total",
      "Total number of RPCs completed on the server, regardless of success "
      "or failure.",
      {"grpc_type", "grpc_service", "grpc_method", "grpc_code"});
  HistogramFamily& handling_seconds = registry.AddHistogram(
      "grpc_server_handling_seconds",
      "Histogram of response latency (seconds) of gRPC that had been "
      "application-level handled by the server.",
      {"grpc_type", "grpc_service", "grpc_method"}, DefaultLatencyBuckets());
  for (absl::string_view method : grpc_methods) {
    auto cells = std::make_unique<RpcMetrics>();
    cells->started_ = &started.WithLabels({kGrpcType, grpc_service, method});
    for (int code = 0; code < RpcMetrics::kNumCodes; ++code) {
      cells->handled_[code] = &handled.WithLabels(
          {kGrpcType, grpc_service, method,
           GrpcGoCodeName(static_cast<absl::StatusCode>(code))});
    }
    cells->handling_seconds_ =
        &handling_seconds.WithLabels({kGrpcType, grpc_service, method});
    methods_.emplace_back(std::string(method), std::move(cells));
  }
}

RpcMetrics* GatewayMetrics::ForMethod(absl::string_view method) {
  for (auto& [name, cells] : methods_) {
    if (name == method) return cells.get();
  }
  return nullptr;
}

void GatewayMetrics::OnAttempt(const apivideo::AttemptReport& report) {
  const auto [method, route] = SplitRoute(report.route);
  const std::string status = report.http_status > 0
                                 ? absl::StrCat(report.http_status)
                                 : std::string("none");
  upstream_requests_.WithLabels({route, method, status}).Increment();
  upstream_duration_.WithLabels({route, method})
      .Observe(absl::ToDoubleSeconds(report.elapsed));
  if (report.rate_limit.remaining.has_value()) {
    ratelimit_remaining_.WithLabels({route, method})
        .Set(static_cast<double>(*report.rate_limit.remaining));
  }
}

void GatewayMetrics::OnRetry(absl::string_view route) {
  const auto [method, path] = SplitRoute(route);
  upstream_retries_.WithLabels({path, method}).Increment();
}

void GatewayMetrics::OnTokenObtained() { auth_refreshes_.Increment(); }

}  // namespace gateway::observability
