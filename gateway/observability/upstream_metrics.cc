// The metrics of the traffic to api.video: see upstream_metrics.h.

#include "gateway/observability/upstream_metrics.h"

#include <array>
#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "prometheus/labels.h"

namespace gateway::observability {
namespace {

// A route's apivideo_upstream_requests_total series are kept in a table:
// slot 0 for "none" (no answer), then one per status from kLowestStatus to
// kHighestStatus. Any other status is looked up in the family each time.
constexpr int kLowestStatus = 100;
constexpr int kHighestStatus = 599;
constexpr int kStatusSlots = kHighestStatus - kLowestStatus + 2;

}  // namespace

// The series of one route template. Each is added to its family on first
// use, so that the page shows only what happened, and read without a lock
// from then on: a pointer, once set, never changes.
struct UpstreamMetrics::RouteSeries {
  explicit RouteSeries(absl::string_view route);

  // {method="GET", route="/upload-tokens/{token}"}.
  prometheus::Labels Labels() const {
    return {{"method", method}, {"route", path}};
  }

  // "GET /upload-tokens/{token}" -> "GET" and "/upload-tokens/{token}".
  std::string method;
  std::string path;
  std::atomic<prometheus::Histogram*> duration{nullptr};
  std::atomic<prometheus::Counter*> retries{nullptr};
  std::atomic<prometheus::Gauge*> ratelimit_remaining{nullptr};
  // apivideo_upstream_requests_total, by status slot (see kStatusSlots).
  std::array<std::atomic<prometheus::Counter*>, kStatusSlots> requests{};
};

namespace {

// The metric in `cell`: on first use, the one `family` has for `labels()`
// (made with `args`). Racing first uses ask for the same label set, for
// which the family returns the same metric.
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

}  // namespace

UpstreamMetrics::RouteSeries::RouteSeries(absl::string_view route) {
  const std::size_t space = route.find(' ');
  if (space != absl::string_view::npos) {
    method = std::string(route.substr(0, space));
    route.remove_prefix(space + 1);
  }
  path = std::string(route);
}

UpstreamMetrics::UpstreamMetrics(MetricsRegistry& registry)
    : requests_(registry.Counters(
          "apivideo_upstream_requests_total",
          "HTTP requests made to api.video, by route template, method and "
          "status (\"none\": no HTTP answer arrived).")),
      request_duration_(registry.Histograms(
          "apivideo_upstream_request_duration_seconds",
          "Time from sending a request to api.video to its answer or "
          "failure.")),
      retries_(registry.Counters(
          "apivideo_upstream_retries_total",
          "Retries of api.video requests scheduled by the retry policy.")),
      auth_refreshes_(registry
                          .Counters("apivideo_auth_refreshes_total",
                                    "Bearer access tokens obtained from "
                                    "api.video (--auth=bearer).")
                          .Add({})),
      ratelimit_remaining_(registry.Gauges(
          "apivideo_ratelimit_remaining",
          "X-RateLimit-Remaining of the latest api.video answer that had "
          "it.")) {}

UpstreamMetrics::~UpstreamMetrics() = default;

void UpstreamMetrics::RecordAttempt(
    absl::string_view route, int http_status, absl::Duration elapsed,
    std::optional<std::int64_t> ratelimit_remaining) {
  RouteSeries& series = SeriesOf(route);
  const auto labels = [&series] { return series.Labels(); };
  RequestsOf(series, http_status).Increment();
  FirstUse(series.duration, request_duration_, labels, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(elapsed));
  if (ratelimit_remaining.has_value()) {
    FirstUse(series.ratelimit_remaining, ratelimit_remaining_, labels)
        .Set(static_cast<double>(*ratelimit_remaining));
  }
}

void UpstreamMetrics::RecordRetry(absl::string_view route) {
  RouteSeries& series = SeriesOf(route);
  FirstUse(series.retries, retries_, [&series] {
    return series.Labels();
  }).Increment();
}

UpstreamMetrics::RouteSeries& UpstreamMetrics::SeriesOf(
    absl::string_view route) {
  {
    absl::ReaderMutexLock lock(&routes_mu_);
    if (auto it = routes_.find(route); it != routes_.end()) return *it->second;
  }
  absl::MutexLock lock(&routes_mu_);
  std::unique_ptr<RouteSeries>& series = routes_[route];
  if (series == nullptr) series = std::make_unique<RouteSeries>(route);
  return *series;
}

prometheus::Counter& UpstreamMetrics::RequestsOf(RouteSeries& route,
                                                 int http_status) {
  const auto labels = [&route, http_status] {
    prometheus::Labels labels = route.Labels();
    labels.emplace("status", http_status > 0 ? absl::StrCat(http_status)
                                             : std::string("none"));
    return labels;
  };
  if (http_status <= 0) return FirstUse(route.requests[0], requests_, labels);
  if (http_status < kLowestStatus || http_status > kHighestStatus) {
    return requests_.Add(labels());
  }
  return FirstUse(route.requests[http_status - kLowestStatus + 1], requests_,
                  labels);
}

}  // namespace gateway::observability
