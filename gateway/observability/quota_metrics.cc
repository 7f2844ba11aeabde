#include "gateway/observability/quota_metrics.h"

#include <string>

namespace gateway::observability {
namespace {

// From a few milliseconds (a probe's answer) to a whole api.video window.
const prometheus::Histogram::BucketBoundaries& WaitBuckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  return *kBuckets;
}

}  // namespace

QuotaMetrics::QuotaMetrics(MetricsRegistry& registry)
    : granted_(registry.Counters(
          "gateway_quota_granted_total",
          "Units of api.video's rate-limit windows given to a caller's "
          "requests, by caller, kind (reads, writes) and whether the request "
          "waited for its turn.")),
      wait_(registry.Histograms(
          "gateway_quota_wait_seconds",
          "How long requests that waited for a unit of the account's quota "
          "waited, by kind.")),
      refused_(registry.Counters(
          "gateway_quota_refused_total",
          "Calls refused with RESOURCE_EXHAUSTED because their caller's turn "
          "in the account's quota would come after their deadline.")) {}

void QuotaMetrics::RecordGranted(absl::string_view caller,
                                 absl::string_view kind,
                                 absl::Duration waited) {
  const bool did_wait = waited > absl::ZeroDuration();
  granted_
      .Add({{"caller", std::string(caller)},
            {"kind", std::string(kind)},
            {"waited", did_wait ? "true" : "false"}})
      .Increment();
  if (did_wait) {
    wait_.Add({{"kind", std::string(kind)}}, WaitBuckets())
        .Observe(absl::ToDoubleSeconds(waited));
  }
}

void QuotaMetrics::RecordRefused(absl::string_view caller,
                                 absl::string_view kind) {
  refused_.Add({{"caller", std::string(caller)}, {"kind", std::string(kind)}})
      .Increment();
}

}  // namespace gateway::observability
