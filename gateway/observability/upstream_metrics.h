// The metrics of the gateway's traffic to api.video, with the names
// operators' dashboards already use:
// apivideo_upstream_requests_total{route,method,status},
// apivideo_upstream_request_duration_seconds{route,method},
// apivideo_upstream_retries_total{route,method},
// apivideo_auth_refreshes_total and apivideo_ratelimit_remaining{route,method}.
//
// Callers name a request by its route template, "METHOD /path" such as
// "GET /upload-tokens/{token}", which becomes the labels method="GET" and
// route="/upload-tokens/{token}": a fixed template, never caller data, so no
// label ever holds a token or a secret. A series appears on the page once it
// has something to show.
//
// Recording is cheap enough for every attempt: a route's series are looked
// up under a reader lock, and each series is added to its family (which
// allocates and locks) only the first time it is used.
//
// Example:
//   UpstreamMetrics upstream(registry);
//   upstream.RecordAttempt("GET /upload-tokens/{token}", 404,
//                          absl::Milliseconds(20), /*ratelimit_remaining=*/17);

#ifndef GATEWAY_OBSERVABILITY_UPSTREAM_METRICS_H_
#define GATEWAY_OBSERVABILITY_UPSTREAM_METRICS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/observability/metrics.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"

namespace gateway::observability {

class UpstreamMetrics {
 public:
  // Adds the families to `registry`, which must outlive this object.
  explicit UpstreamMetrics(MetricsRegistry& registry);

  UpstreamMetrics(const UpstreamMetrics&) = delete;
  UpstreamMetrics& operator=(const UpstreamMetrics&) = delete;
  ~UpstreamMetrics();

  // One ended HTTP attempt of `route`: its status (0 or less: no answer
  // arrived), how long it took, and the X-RateLimit-Remaining of the
  // answer, if it had one. Thread-safe, like every method here.
  void RecordAttempt(absl::string_view route, int http_status,
                     absl::Duration elapsed,
                     std::optional<std::int64_t> ratelimit_remaining);
  // A retry of `route` was scheduled.
  void RecordRetry(absl::string_view route);
  // A bearer access token was obtained.
  void RecordTokenObtained() { auth_refreshes_.Increment(); }

 private:
  // The series of one route template (upstream_metrics.cc).
  struct RouteSeries;

  // The series of `route`, made on its first sight.
  RouteSeries& SeriesOf(absl::string_view route);
  // The apivideo_upstream_requests_total series of `route` and `http_status`.
  prometheus::Counter& RequestsOf(RouteSeries& route, int http_status);

  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& request_duration_;
  prometheus::Family<prometheus::Counter>& retries_;
  prometheus::Counter& auth_refreshes_;
  prometheus::Family<prometheus::Gauge>& ratelimit_remaining_;

  absl::Mutex routes_mu_;
  // By route template; only ever grows, so a RouteSeries never moves.
  absl::flat_hash_map<std::string, std::unique_ptr<RouteSeries>> routes_
      ABSL_GUARDED_BY(routes_mu_);
};

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_UPSTREAM_METRICS_H_
