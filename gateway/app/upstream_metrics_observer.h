// Upstream traffic, as the api.video client reports it, into the upstream
// metrics: the adapter that keeps the observability layer unaware of the
// apivideo layer above it.

#ifndef GATEWAY_APP_UPSTREAM_METRICS_OBSERVER_H_
#define GATEWAY_APP_UPSTREAM_METRICS_OBSERVER_H_

#include "absl/strings/string_view.h"
#include "gateway/apivideo/upstream_observer.h"
#include "gateway/observability/upstream_metrics.h"

namespace gateway::app {

// Passes every attempt, retry and token obtained to UpstreamMetrics.
class UpstreamMetricsObserver final : public apivideo::UpstreamObserver {
 public:
  // `metrics` must outlive this object.
  explicit UpstreamMetricsObserver(observability::UpstreamMetrics& metrics)
      : metrics_(metrics) {}

  void OnAttempt(const apivideo::AttemptReport& report) override;
  void OnRetry(absl::string_view route) override;
  void OnTokenObtained() override;

 private:
  observability::UpstreamMetrics& metrics_;
};

}  // namespace gateway::app

#endif  // GATEWAY_APP_UPSTREAM_METRICS_OBSERVER_H_
