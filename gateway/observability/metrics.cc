// The gateway's metrics registry and its text page: see metrics.h.

#include "gateway/observability/metrics.h"

#include <iterator>
#include <utility>

#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"

namespace gateway::observability {

void MetricsRegistry::AddCallbackGauge(std::string name, std::string help,
                                       std::function<double()> read) {
  callback_gauges_.Add(std::move(name), std::move(help), std::move(read));
}

std::string MetricsRegistry::RenderText() const {
  std::vector<prometheus::MetricFamily> families = families_.Collect();
  std::vector<prometheus::MetricFamily> read_now = callback_gauges_.Collect();
  families.insert(families.end(), std::make_move_iterator(read_now.begin()),
                  std::make_move_iterator(read_now.end()));
  return prometheus::TextSerializer().Serialize(families);
}

const std::vector<double>& LatencyBuckets() {
  static const auto* const kBuckets = new std::vector<double>{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *kBuckets;
}

}  // namespace gateway::observability
