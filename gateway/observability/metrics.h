// Every metric the gateway exposes, and the Prometheus text page of them.
//
// Counters, gauges and histograms are prometheus-cpp families, built on
// families() with prometheus::BuildCounter() and the like. A family's
// Add(labels) allocates and takes the family's lock: call it once per label
// set and keep the reference, which stays valid for the registry's lifetime
// (nothing is ever removed). Updating a counter, gauge or histogram takes no
// registry lock. Label values must never carry caller data such as token
// ids: every label set lives as long as the process. Help texts must hold
// no backslash or newline: prometheus-cpp writes them unescaped.
//
// Values the program already keeps elsewhere are callback gauges, read when
// the page is rendered.
//
// Example:
//   MetricsRegistry registry;
//   prometheus::Counter& ok = prometheus::BuildCounter()
//                                 .Name("http_requests_total")
//                                 .Help("HTTP requests by status.")
//                                 .Register(registry.families())
//                                 .Add({{"status", "200"}});
//   ok.Increment();
//   std::string page = registry.RenderText();

#ifndef GATEWAY_OBSERVABILITY_METRICS_H_
#define GATEWAY_OBSERVABILITY_METRICS_H_

#include <functional>
#include <string>
#include <vector>

#include "gateway/observability/callback_gauges.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace gateway::observability {

class MetricsRegistry {
 public:
  // Where to build the families of counters, gauges and histograms.
  prometheus::Registry& families() { return families_; }

  // A new family of counters, gauges or histograms called `name`, with the
  // HELP text `help`.
  prometheus::Family<prometheus::Counter>& Counters(const std::string& name,
                                                    const std::string& help);
  prometheus::Family<prometheus::Gauge>& Gauges(const std::string& name,
                                                const std::string& help);
  prometheus::Family<prometheus::Histogram>& Histograms(
      const std::string& name, const std::string& help);

  // Adds a gauge without labels whose value is `read()` whenever the page is
  // rendered; see CallbackGauges::Add.
  void AddCallbackGauge(std::string name, std::string help,
                        std::function<double()> read);

  // Every family with at least one series, then every callback gauge, in the
  // Prometheus text format (kPrometheusTextContentType).
  std::string RenderText() const;

 private:
  prometheus::Registry families_;
  CallbackGauges callback_gauges_;
};

// The content type of RenderText's output.
inline constexpr char kPrometheusTextContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

// The histogram buckets of every latency, in seconds: Prometheus' defaults,
// as go-grpc-prometheus uses them.
const std::vector<double>& LatencyBuckets();

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_METRICS_H_
