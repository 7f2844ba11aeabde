#include "gateway/app/quota_metrics_observer.h"

namespace gateway::app {

absl::string_view WindowName(policy::RouteKind kind) {
  return kind == policy::RouteKind::kRead ? "reads" : "writes";
}

void QuotaMetricsObserver::OnGranted(absl::string_view caller,
                                     policy::RouteKind kind,
                                     absl::Duration waited) {
  metrics_.RecordGranted(caller, WindowName(kind), waited);
}

void QuotaMetricsObserver::OnRefused(absl::string_view caller,
                                     policy::RouteKind kind) {
  metrics_.RecordRefused(caller, WindowName(kind));
}

}  // namespace gateway::app
