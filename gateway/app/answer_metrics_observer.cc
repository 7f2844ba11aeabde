// The caching stub's answers into AnswerMetrics: see answer_metrics_observer.h.

#include "gateway/app/answer_metrics_observer.h"

namespace gateway::app {

void AnswerMetricsObserver::OnAnswer(absl::string_view caller,
                                     absl::string_view operation,
                                     apivideo::AnswerSource source) {
  metrics_.Record(caller, operation, apivideo::AnswerSourceName(source));
}

}  // namespace gateway::app
