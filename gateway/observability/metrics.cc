#include "gateway/observability/metrics.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace gateway::observability {
namespace {

// Label values escape backslash, double quote and newline; help text
// backslash and newline only.
void AppendEscaped(std::string& out, absl::string_view text,
                   bool escape_quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void AtomicAdd(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta,
                                       std::memory_order_relaxed)) {
  }
}

std::string LabelPair(absl::string_view name, absl::string_view value) {
  std::string pair = absl::StrCat(name, "=\"");
  AppendEscaped(pair, value, /*escape_quotes=*/true);
  pair += '"';
  return pair;
}

}  // namespace

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string text(buffer, result.ptr);
  return text;
}

void Gauge::Add(double delta) { AtomicAdd(value_, delta); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<std::uint64_t>[upper_bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double value) {
  // Buckets are few (about ten): a linear scan beats a binary search.
  std::size_t bucket = 0;
  while (bucket < upper_bounds_.size() && value > upper_bounds_[bucket]) {
    ++bucket;
  }
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

std::vector<std::uint64_t> Histogram::BucketCounts() const {
  std::vector<std::uint64_t> counts(upper_bounds_.size() + 1);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
  }
  return counts;
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

MetricFamily::MetricFamily(std::string name, std::string help, std::string type,
                           std::vector<std::string> label_names)
    : label_names_(std::move(label_names)),
      name_(std::move(name)),
      help_(std::move(help)),
      type_(std::move(type)) {}

void MetricFamily::Render(std::string& out) const {
  absl::StrAppend(&out, "# HELP ", name_, " ");
  AppendEscaped(out, help_, /*escape_quotes=*/false);
  absl::StrAppend(&out, "\n# TYPE ", name_, " ", type_, "\n");
  RenderSamples(out);
}

void MetricFamily::AppendSeries(std::string& out, const std::string& suffix,
                                const std::vector<std::string>& label_values,
                                const std::string& extra) const {
  absl::StrAppend(&out, name_, suffix);
  if (label_names_.empty() && extra.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < label_names_.size(); ++i) {
    if (i > 0) out += ',';
    out += LabelPair(label_names_[i], label_values[i]);
  }
  if (!extra.empty()) {
    if (!label_names_.empty()) out += ',';
    out += extra;
  }
  out += '}';
}

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), "counter",
             std::move(label_names)) {}

std::unique_ptr<Counter> CounterFamily::NewCell() const {
  return std::make_unique<Counter>();
}

void CounterFamily::RenderSamples(std::string& out) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [labels, counter] : cells_) {
    AppendSeries(out, "", labels, "");
    absl::StrAppend(&out, " ", counter->value(), "\n");
  }
}

GaugeFamily::GaugeFamily(std::string name, std::string help,
                         std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), "gauge",
             std::move(label_names)) {}

std::unique_ptr<Gauge> GaugeFamily::NewCell() const {
  return std::make_unique<Gauge>();
}

void GaugeFamily::RenderSamples(std::string& out) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [labels, gauge] : cells_) {
    AppendSeries(out, "", labels, "");
    absl::StrAppend(&out, " ", FormatSampleValue(gauge->value()), "\n");
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names,
                                 std::vector<double> upper_bounds)
    : Family(std::move(name), std::move(help), "histogram",
             std::move(label_names)),
      upper_bounds_(std::move(upper_bounds)) {}

std::unique_ptr<Histogram> HistogramFamily::NewCell() const {
  return std::make_unique<Histogram>(upper_bounds_);
}

void HistogramFamily::RenderSamples(std::string& out) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [labels, histogram] : cells_) {
    // _count is the sum of the buckets read here, so that the +Inf bucket
    // and _count always agree within one page.
    const std::vector<std::uint64_t> counts = histogram->BucketCounts();
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      cumulative += counts[i];
      const double bound = i < upper_bounds_.size()
                               ? upper_bounds_[i]
                               : std::numeric_limits<double>::infinity();
      AppendSeries(out, "_bucket", labels,
                   LabelPair("le", FormatSampleValue(bound)));
      absl::StrAppend(&out, " ", cumulative, "\n");
    }
    AppendSeries(out, "_sum", labels, "");
    absl::StrAppend(&out, " ", FormatSampleValue(histogram->sum()), "\n");
    AppendSeries(out, "_count", labels, "");
    absl::StrAppend(&out, " ", cumulative, "\n");
  }
}

CallbackGauge::CallbackGauge(std::string name, std::string help,
                             std::function<double()> read)
    : MetricFamily(std::move(name), std::move(help), "gauge", {}),
      read_(std::move(read)) {}

void CallbackGauge::RenderSamples(std::string& out) const {
  absl::StrAppend(&out, name(), " ", FormatSampleValue(read_()), "\n");
}

template <typename T>
T& MetricsRegistry::Add(std::unique_ptr<T> family) {
  T& added = *family;
  absl::MutexLock lock(&mu_);
  families_.push_back(std::move(family));
  return added;
}

CounterFamily& MetricsRegistry::AddCounter(
    std::string name, std::string help, std::vector<std::string> label_names) {
  return Add(std::make_unique<CounterFamily>(std::move(name), std::move(help),
                                             std::move(label_names)));
}

GaugeFamily& MetricsRegistry::AddGauge(std::string name, std::string help,
                                       std::vector<std::string> label_names) {
  return Add(std::make_unique<GaugeFamily>(std::move(name), std::move(help),
                                           std::move(label_names)));
}

HistogramFamily& MetricsRegistry::AddHistogram(
    std::string name, std::string help, std::vector<std::string> label_names,
    std::vector<double> upper_bounds) {
  return Add(std::make_unique<HistogramFamily>(std::move(name), std::move(help),
                                               std::move(label_names),
                                               std::move(upper_bounds)));
}

void MetricsRegistry::AddCallbackGauge(std::string name, std::string help,
                                       std::function<double()> read) {
  Add(std::make_unique<CallbackGauge>(std::move(name), std::move(help),
                                      std::move(read)));
}

std::string MetricsRegistry::RenderText() const {
  std::string out;
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& family : families_) family->Render(out);
  return out;
}

}  // namespace gateway::observability
