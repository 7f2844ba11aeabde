// Gauges read at scrape time: see callback_gauges.h.

#include "gateway/observability/callback_gauges.h"

#include <cassert>
#include <utility>

#include "prometheus/check_names.h"
#include "prometheus/client_metric.h"
#include "prometheus/metric_type.h"

namespace gateway::observability {

void CallbackGauges::Add(std::string name, std::string help,
                         std::function<double()> read) {
  assert(prometheus::CheckMetricName(name));
  absl::MutexLock lock(&mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::vector<prometheus::MetricFamily> CallbackGauges::Collect() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<prometheus::MetricFamily> families;
  families.reserve(gauges_.size());
  for (const Gauge& gauge : gauges_) {
    prometheus::ClientMetric sample;
    sample.gauge.value = gauge.read();
    families.push_back({gauge.name,
                        gauge.help,
                        prometheus::MetricType::Gauge,
                        {std::move(sample)}});
  }
  return families;
}

}  // namespace gateway::observability
