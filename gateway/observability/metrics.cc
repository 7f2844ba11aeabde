// The gateway's metrics registry and its text page: see metrics.h.

#include "gateway/observability/metrics.h"

#include <iterator>
#include <utility>

#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"

namespace gateway::observability {

namespace {

// Registers a family made by `builder` (prometheus::BuildCounter() and the
// like) in `registry`.
template <typename Builder>
auto& Register(Builder builder, prometheus::Registry& registry,
               const std::string& name, const std::string& help) {
  return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

prometheus::Family<prometheus::Counter>& MetricsRegistry::Counters(
    const std::string& name, const std::string& help) {
  return Register(prometheus::BuildCounter(), families_, name, help);
}

prometheus::Family<prometheus::Gauge>& MetricsRegistry::Gauges(
    const std::string& name, const std::string& help) {
  return Register(prometheus::BuildGauge(), families_, name, help);
}

prometheus::Family<prometheus::Histogram>& MetricsRegistry::Histograms(
    const std::string& name, const std::string& help) {
  return Register(prometheus::BuildHistogram(), families_, name, help);
}

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
