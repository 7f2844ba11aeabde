// Gauges without labels whose values are read when the metrics page is
// rendered: for numbers the program already keeps elsewhere (calls in
// flight, requests waiting, upstream health), so that nothing has to copy
// them into a gauge as they change.
//
// A prometheus::Collectable, collected next to prometheus-cpp's registry.
//
// Example:
//   CallbackGauges gauges;
//   gauges.Add("inflight_calls", "Calls being served now.",
//              [&service] { return service.calls_in_flight(); });
//   std::vector<prometheus::MetricFamily> families = gauges.Collect();

#ifndef GATEWAY_OBSERVABILITY_CALLBACK_GAUGES_H_
#define GATEWAY_OBSERVABILITY_CALLBACK_GAUGES_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace gateway::observability {

class CallbackGauges final : public prometheus::Collectable {
 public:
  // Adds a gauge named `name` whose value is `read()` at each Collect().
  // `name` must be a valid Prometheus metric name, used by no other metric.
  // `read` runs on the scraping thread, so it must be thread-safe.
  void Add(std::string name, std::string help, std::function<double()> read);

  // One family per gauge, in the order added, each with one sample.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };

  mutable absl::Mutex mu_;
  // Only ever appended to.
  std::vector<Gauge> gauges_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_CALLBACK_GAUGES_H_
