// The metrics of the account's quota as the gateway shares it among callers
// (apivideo/quota_steward.h): per caller and kind of request, the units
// granted (at once or after a wait), how long the waits were, and the calls
// refused for want of quota.
//
// Callers come from the caller policy, so the label sets stay few.
//
// Example:
//   QuotaMetrics quota(registry);
//   quota.RecordGranted("billing", "reads", absl::Milliseconds(300));
//   quota.RecordRefused("batch", "writes");

#ifndef GATEWAY_OBSERVABILITY_QUOTA_METRICS_H_
#define GATEWAY_OBSERVABILITY_QUOTA_METRICS_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/observability/metrics.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"

namespace gateway::observability {

class QuotaMetrics {
 public:
  // Registers the families in `registry`, which must outlive this object.
  explicit QuotaMetrics(MetricsRegistry& registry);

  QuotaMetrics(const QuotaMetrics&) = delete;
  QuotaMetrics& operator=(const QuotaMetrics&) = delete;

  // A unit of `kind` ("reads", "writes") went to `caller` after `waited`
  // (zero: at once). Thread-safe.
  void RecordGranted(absl::string_view caller, absl::string_view kind,
                     absl::Duration waited);
  // `caller` was refused for want of quota. Thread-safe.
  void RecordRefused(absl::string_view caller, absl::string_view kind);

 private:
  prometheus::Family<prometheus::Counter>& granted_;
  prometheus::Family<prometheus::Histogram>& wait_;
  prometheus::Family<prometheus::Counter>& refused_;
};

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_QUOTA_METRICS_H_
