// A small, thread-safe metrics registry rendered in the Prometheus text
// exposition format (version 0.0.4).
//
// Counters, gauges and histograms come in families: one name, one help text,
// a fixed list of label names, and one cell per distinct list of label
// values, created on first use and never removed, so a reference to a cell
// stays valid for the registry's lifetime and may be cached. Updating a cell
// is lock-free; finding one takes a shared lock, and a write lock only the
// first time a label set is seen. Label values must never carry caller data
// such as token ids: every label set lives as long as the process.
//
// Example:
//   MetricsRegistry registry;
//   CounterFamily& requests = registry.AddCounter(
//       "http_requests_total", "HTTP requests by status.", {"status"});
//   requests.WithLabels({"200"}).Increment();
//   std::string page = registry.RenderText();

#ifndef GATEWAY_OBSERVABILITY_METRICS_H_
#define GATEWAY_OBSERVABILITY_METRICS_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace gateway::observability {

class Counter {
 public:
  void Increment(std::uint64_t by = 1) {
    value_.fetch_add(by, std::memory_order_relaxed);
  }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `upper_bounds` must be sorted ascending; +Inf is implied.
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double value);

  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Observations per bucket (not cumulative); the last one is +Inf's.
  std::vector<std::uint64_t> BucketCounts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> upper_bounds_;
  const std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

// Prometheus' default buckets, in seconds: what go-grpc-prometheus uses.
std::vector<double> DefaultLatencyBuckets();

// What every family shares: the name, help and label names, and rendering.
class MetricFamily {
 public:
  virtual ~MetricFamily() = default;

  const std::string& name() const { return name_; }
  // Appends "# HELP", "# TYPE" and one line per sample to `out`.
  void Render(std::string& out) const;

 protected:
  MetricFamily(std::string name, std::string help, std::string type,
               std::vector<std::string> label_names);

  // Appends the samples only.
  virtual void RenderSamples(std::string& out) const = 0;
  // `name{label="value",...,extra}` into `out`; `extra` is an already
  // formatted label pair or empty.
  void AppendSeries(std::string& out, const std::string& suffix,
                    const std::vector<std::string>& label_values,
                    const std::string& extra) const;

  const std::vector<std::string> label_names_;

 private:
  const std::string name_;
  const std::string help_;
  const std::string type_;
};

// Orders label lists, and lets a list of string_views find a stored list of
// strings without copying it.
struct LabelValuesLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }
};

template <typename Cell>
class Family : public MetricFamily {
 public:
  // The cell for these label values, in the order of the label names.
  Cell& WithLabels(absl::Span<const absl::string_view> values);
  Cell& WithLabels(std::initializer_list<absl::string_view> values) {
    return WithLabels(absl::MakeConstSpan(values.begin(), values.size()));
  }

 protected:
  using MetricFamily::MetricFamily;
  virtual std::unique_ptr<Cell> NewCell() const = 0;

  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Cell>, LabelValuesLess>
      cells_ ABSL_GUARDED_BY(mu_);
};

class CounterFamily final : public Family<Counter> {
 public:
  CounterFamily(std::string name, std::string help,
                std::vector<std::string> label_names);

 private:
  std::unique_ptr<Counter> NewCell() const override;
  void RenderSamples(std::string& out) const override;
};

class GaugeFamily final : public Family<Gauge> {
 public:
  GaugeFamily(std::string name, std::string help,
              std::vector<std::string> label_names);

 private:
  std::unique_ptr<Gauge> NewCell() const override;
  void RenderSamples(std::string& out) const override;
};

class HistogramFamily final : public Family<Histogram> {
 public:
  HistogramFamily(std::string name, std::string help,
                  std::vector<std::string> label_names,
                  std::vector<double> upper_bounds);

 private:
  std::unique_ptr<Histogram> NewCell() const override;
  void RenderSamples(std::string& out) const override;

  const std::vector<double> upper_bounds_;
};

// A gauge without labels whose value is read when the page is rendered, for
// values the program already keeps (calls in flight, health).
class CallbackGauge final : public MetricFamily {
 public:
  CallbackGauge(std::string name, std::string help,
                std::function<double()> read);

 private:
  void RenderSamples(std::string& out) const override;

  const std::function<double()> read_;
};

class MetricsRegistry {
 public:
  // Each Add returns the family, owned by the registry. Names must be
  // unique and valid Prometheus names; add families before serving.
  CounterFamily& AddCounter(std::string name, std::string help,
                            std::vector<std::string> label_names = {});
  GaugeFamily& AddGauge(std::string name, std::string help,
                        std::vector<std::string> label_names = {});
  HistogramFamily& AddHistogram(std::string name, std::string help,
                                std::vector<std::string> label_names,
                                std::vector<double> upper_bounds);
  void AddCallbackGauge(std::string name, std::string help,
                        std::function<double()> read);

  // Every family, in the order added, in the Prometheus text format.
  std::string RenderText() const;

 private:
  template <typename T>
  T& Add(std::unique_ptr<T> family);

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<MetricFamily>> families_ ABSL_GUARDED_BY(mu_);
};

// The content type of RenderText's output.
inline constexpr char kPrometheusTextContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

// A sample value as Prometheus writes it: shortest round-trip form, "+Inf",
// "-Inf", "NaN".
std::string FormatSampleValue(double value);

// Implementation of Family::WithLabels; in the header, as a template.
template <typename Cell>
Cell& Family<Cell>::WithLabels(absl::Span<const absl::string_view> values) {
  {
    absl::ReaderMutexLock lock(&mu_);
    if (auto it = cells_.find(values); it != cells_.end()) return *it->second;
  }
  absl::MutexLock lock(&mu_);
  if (auto it = cells_.find(values); it != cells_.end()) return *it->second;
  std::vector<std::string> key(values.begin(), values.end());
  key.resize(label_names_.size());  // a missing value renders as ""
  return *cells_.emplace(std::move(key), NewCell()).first->second;
}

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_METRICS_H_
