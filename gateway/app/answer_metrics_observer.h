// Where each answer came from, as the caching stub reports it, into
// gateway_answers_total: the adapter that keeps the observability layer
// unaware of the apivideo layer above it.

#ifndef GATEWAY_APP_ANSWER_METRICS_OBSERVER_H_
#define GATEWAY_APP_ANSWER_METRICS_OBSERVER_H_

#include "absl/strings/string_view.h"
#include "gateway/apivideo/caching_upload_token_stub.h"
#include "gateway/observability/answer_metrics.h"

namespace gateway::app {

// Passes every answer's caller, operation and source to AnswerMetrics.
// Thread-safe, as AnswerMetrics is.
class AnswerMetricsObserver final : public apivideo::AnswerObserver {
 public:
  // `metrics` must outlive this object.
  explicit AnswerMetricsObserver(observability::AnswerMetrics& metrics)
      : metrics_(metrics) {}

  void OnAnswer(absl::string_view caller, absl::string_view operation,
                apivideo::AnswerSource source) override;

 private:
  observability::AnswerMetrics& metrics_;
};

}  // namespace gateway::app

#endif  // GATEWAY_APP_ANSWER_METRICS_OBSERVER_H_
