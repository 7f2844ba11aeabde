// The gateway's metrics on prometheus-cpp: see gateway_metrics.h.

#include "gateway/observability/gateway_metrics.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "prometheus/labels.h"

namespace gateway::observability {

// The status label's series of apivideo_upstream_requests_total are cached
// in a table: slot 0 for "none" (no answer), then one per status from
// kLowestStatus to kHighestStatus. Other statuses are looked up each time.
constexpr int kLowestStatus = 100;
constexpr int kHighestStatus = 599;
constexpr int kStatusSlots = kHighestStatus - kLowestStatus + 2;

// A route template's upstream series. Each is added to its family on first
// use, so that the page shows only what happened, and later read without a
// lock. A pointer, once set, never changes.
struct GatewayMetrics::RouteSeries {
  explicit RouteSeries(absl::string_view route);

  // {route="/upload-tokens/{token}", method="GET"}.
  prometheus::Labels Labels() const {
    return {{"route", path}, {"method", method}};
  }

  // "GET /upload-tokens/{token}" -> "GET", "/upload-tokens/{token}".
  std::string method;
  std::string path;
  std::atomic<prometheus::Histogram*> duration{nullptr};
  std::atomic<prometheus::Counter*> retries{nullptr};
  std::atomic<prometheus::Gauge*> ratelimit_remaining{nullptr};
  // apivideo_upstream_requests_total, by status slot (see kStatusSlots).
  std::array<std::atomic<prometheus::Counter*>, kStatusSlots> requests{};
};

namespace {

constexpr absl::string_view kGrpcType = "unary";

// The metric in `cell`: on first use, the one `family` has for `labels()`
// (with `args` to make it). Racing first uses ask for the same label set,
// for which the family returns the same metric.
template <typename Metric, typename MakeLabels, typename... Args>
Metric& FirstUse(std::atomic<Metric*>& cell, prometheus::Family<Metric>& family,
                 const MakeLabels& labels, const Args&... args) {
  Metric* metric = cell.load(std::memory_order_acquire);
  if (metric == nullptr) {
    metric = &family.Add(labels(), args...);
    cell.store(metric, std::memory_order_release);
  }
  return *metric;
}

// "GET /upload-tokens/{token}" -> {"GET", "/upload-tokens/{token}"}.
std::pair<absl::string_view, absl::string_view> SplitRoute(
    absl::string_view route) {
  const std::size_t space = route.find(' ');
  if (space == absl::string_view::npos) return {"", route};
  return {route.substr(0, space), route.substr(space + 1)};
}

}  // namespace

GatewayMetrics::RouteSeries::RouteSeries(absl::string_view route) {
  const auto [method_part, path_part] = SplitRoute(route);
  method = std::string(method_part);
  path = std::string(path_part);
}

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
    : upstream_requests_(
          prometheus::BuildCounter()
              .Name("apivideo_upstream_requests_total")
              .Help("HTTP requests made to api.video, by route template, "
                    "method and status (\"none\": no HTTP answer arrived).")
              .Register(registry.families())),
      upstream_duration_(prometheus::BuildHistogram()
                             .Name("apivideo_upstream_request_duration_seconds")
                             .Help("Time from sending a request to api.video "
                                   "to its answer or failure.")
                             .Register(registry.families())),
      upstream_retries_(prometheus::BuildCounter()
                            .Name("apivideo_upstream_retries_total")
                            .Help("Retries of api.video requests scheduled by "
                                  "the retry policy.")
                            .Register(registry.families())),
      auth_refreshes_(prometheus::BuildCounter()
                          .Name("apivideo_auth_refreshes_total")
                          .Help("Bearer access tokens obtained from api.video "
                                "(--auth=bearer).")
                          .Register(registry.families())
                          .Add({})),
      ratelimit_remaining_(prometheus::BuildGauge()
                               .Name("apivideo_ratelimit_remaining")
                               .Help("X-RateLimit-Remaining of the latest "
                                     "api.video answer that had it.")
                               .Register(registry.families())) {
  auto& started = prometheus::BuildCounter()
                      .Name("grpc_server_started_total")
                      .Help("Total number of RPCs started on the server.")
                      .Register(registry.families());
  auto& handled = prometheus::BuildCounter()
                      .Name("grpc_server_handled_total")
                      .Help(
                          "Total number of RPCs completed on the server, "
                          "regardless of success or failure.")
                      .Register(registry.families());
  auto& handling_seconds =
      prometheus::BuildHistogram()
          .Name("grpc_server_handling_seconds")
          .Help(
              "Histogram of response latency (seconds) of gRPC that had "
              "been application-level handled by the server.")
          .Register(registry.families());
  for (absl::string_view method : grpc_methods) {
    const prometheus::Labels labels = {
        {"grpc_type", std::string(kGrpcType)},
        {"grpc_service", std::string(grpc_service)},
        {"grpc_method", std::string(method)}};
    auto cells = std::make_unique<RpcMetrics>();
    cells->started_ = &started.Add(labels);
    for (int code = 0; code < RpcMetrics::kNumCodes; ++code) {
      prometheus::Labels with_code = labels;
      with_code.emplace(
          "grpc_code",
          std::string(GrpcGoCodeName(static_cast<absl::StatusCode>(code))));
      cells->handled_[code] = &handled.Add(with_code);
    }
    cells->handling_seconds_ = &handling_seconds.Add(labels, LatencyBuckets());
    methods_.emplace_back(std::string(method), std::move(cells));
  }
}

GatewayMetrics::~GatewayMetrics() = default;

RpcMetrics* GatewayMetrics::ForMethod(absl::string_view method) {
  for (auto& [name, cells] : methods_) {
    if (name == method) return cells.get();
  }
  return nullptr;
}

GatewayMetrics::RouteSeries& GatewayMetrics::SeriesOf(absl::string_view route) {
  {
    absl::ReaderMutexLock lock(&routes_mu_);
    if (auto it = routes_.find(route); it != routes_.end()) return *it->second;
  }
  absl::MutexLock lock(&routes_mu_);
  std::unique_ptr<RouteSeries>& series = routes_[route];
  if (series == nullptr) series = std::make_unique<RouteSeries>(route);
  return *series;
}

prometheus::Counter& GatewayMetrics::RequestsOf(RouteSeries& route,
                                                int http_status) {
  const auto labels = [&route, http_status] {
    prometheus::Labels labels = route.Labels();
    labels.emplace("status", http_status > 0 ? absl::StrCat(http_status)
                                             : std::string("none"));
    return labels;
  };
  if (http_status <= 0)
    return FirstUse(route.requests[0], upstream_requests_, labels);
  if (http_status < kLowestStatus || http_status > kHighestStatus) {
    return upstream_requests_.Add(labels());
  }
  return FirstUse(route.requests[http_status - kLowestStatus + 1],
                  upstream_requests_, labels);
}

void GatewayMetrics::OnAttempt(const apivideo::AttemptReport& report) {
  RouteSeries& route = SeriesOf(report.route);
  const auto labels = [&route] { return route.Labels(); };
  RequestsOf(route, report.http_status).Increment();
  FirstUse(route.duration, upstream_duration_, labels, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(report.elapsed));
  if (report.rate_limit.remaining.has_value()) {
    FirstUse(route.ratelimit_remaining, ratelimit_remaining_, labels)
        .Set(static_cast<double>(*report.rate_limit.remaining));
  }
}

void GatewayMetrics::OnRetry(absl::string_view route) {
  RouteSeries& series = SeriesOf(route);
  FirstUse(series.retries, upstream_retries_, [&series] {
    return series.Labels();
  }).Increment();
}

void GatewayMetrics::OnTokenObtained() { auth_refreshes_.Increment(); }

}  // namespace gateway::observability
