// What the QuotaSteward does for each caller, into the quota metrics: the
// adapter that keeps the observability layer unaware of the apivideo layer.

#ifndef GATEWAY_APP_QUOTA_METRICS_OBSERVER_H_
#define GATEWAY_APP_QUOTA_METRICS_OBSERVER_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/quota_steward.h"
#include "gateway/observability/quota_metrics.h"
#include "gateway/policy/operation.h"

namespace gateway::app {

class QuotaMetricsObserver final : public apivideo::QuotaObserver {
 public:
  // `metrics` must outlive this object.
  explicit QuotaMetricsObserver(observability::QuotaMetrics& metrics)
      : metrics_(metrics) {}

  void OnGranted(absl::string_view caller, policy::RouteKind kind,
                 absl::Duration waited) override;
  void OnRefused(absl::string_view caller, policy::RouteKind kind) override;

 private:
  observability::QuotaMetrics& metrics_;
};

// "reads" or "writes", as the metrics and the docs name a window.
absl::string_view WindowName(policy::RouteKind kind);

}  // namespace gateway::app

#endif  // GATEWAY_APP_QUOTA_METRICS_OBSERVER_H_
