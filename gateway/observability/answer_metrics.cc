// How each caller's answers were served: see answer_metrics.h.

#include "gateway/observability/answer_metrics.h"

#include "absl/strings/str_cat.h"

namespace gateway::observability {

AnswerMetrics::AnswerMetrics(MetricsRegistry& registry)
    : answers_(registry.Counters(
          "gateway_answers_total",
          "UploadTokenService answers by caller, operation and source: miss "
          "(the call sent its own request to api.video), hit (the gateway's "
          "cache answered) or coalesced (an identical read in flight "
          "answered it too).")) {}

namespace {

// The key of a series: its three label values, which hold no '\0'.
std::string SeriesKey(absl::string_view caller, absl::string_view operation,
                      absl::string_view source) {
  const absl::string_view separator("\0", 1);
  return absl::StrCat(caller, separator, operation, separator, source);
}

}  // namespace

void AnswerMetrics::Record(absl::string_view caller,
                           absl::string_view operation,
                           absl::string_view source) {
  if (caller.empty()) caller = "anonymous";
  {
    absl::ReaderMutexLock lock(&mu_);
    if (auto it = series_.find(SeriesKey(caller, operation, source));
        it != series_.end()) {
      it->second->Increment();
      return;
    }
  }
  prometheus::Counter* counter = nullptr;
  {
    absl::MutexLock lock(&mu_);
    // Keyed by the label value, so that callers beyond the cap share one
    // series and one key.
    const std::string label = CallerLabelLocked(caller);
    prometheus::Counter*& series = series_[SeriesKey(label, operation, source)];
    if (series == nullptr) {
      series = &answers_.Add({{"caller", label},
                              {"operation", std::string(operation)},
                              {"source", std::string(source)}});
    }
    counter = series;
  }
  counter->Increment();
}

std::string AnswerMetrics::CallerLabelLocked(absl::string_view caller) {
  if (callers_.contains(caller)) return std::string(caller);
  if (callers_.size() >= static_cast<std::size_t>(kMaxCallers)) return "other";
  callers_.emplace(caller);
  return std::string(caller);
}

}  // namespace gateway::observability
