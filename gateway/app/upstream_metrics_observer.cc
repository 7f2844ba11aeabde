// The api.video client's reports into UpstreamMetrics: see
// upstream_metrics_observer.h.

#include "gateway/app/upstream_metrics_observer.h"

namespace gateway::app {

void UpstreamMetricsObserver::OnAttempt(const apivideo::AttemptReport& report) {
  metrics_.RecordAttempt(report.route, report.http_status, report.elapsed,
                         report.rate_limit.remaining);
}

void UpstreamMetricsObserver::OnRetry(absl::string_view route) {
  metrics_.RecordRetry(route);
}

void UpstreamMetricsObserver::OnTokenObtained() {
  metrics_.RecordTokenObtained();
}

}  // namespace gateway::app
