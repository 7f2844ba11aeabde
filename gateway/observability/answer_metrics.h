// gateway_answers_total{caller,operation,source}: how each caller's answers
// were served, so that an operator sees who spends the account's quota and
// how much the cache and coalescing save (apivideo/
// caching_upload_token_stub.h).
//
// `source` is "miss" (a request of the call's own went upstream), "hit"
// (the gateway's cache answered) or "coalesced" (an identical read in
// flight answered it too); `operation` is "create", "list", "get" or
// "delete". `caller` is the caller policy's name for the caller, which the
// operator configured (--caller_tokens_file, --allowed_clients), or
// "anonymous". Label values live as long as the process, so callers beyond
// the first kMaxCallers share the caller "other": a reloaded tokens file
// that keeps renaming callers cannot grow the page without bound.
//
// Thread-safe; a series is looked up under a reader lock and made once.
//
// Example:
//   AnswerMetrics answers(registry);
//   answers.Record("billing", "get", "hit");

#ifndef GATEWAY_OBSERVABILITY_ANSWER_METRICS_H_
#define GATEWAY_OBSERVABILITY_ANSWER_METRICS_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "gateway/observability/metrics.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"

namespace gateway::observability {

class AnswerMetrics {
 public:
  // Distinct caller label values before the rest count as "other".
  static constexpr int kMaxCallers = 100;

  // Adds the family to `registry`, which must outlive this object.
  explicit AnswerMetrics(MetricsRegistry& registry);

  AnswerMetrics(const AnswerMetrics&) = delete;
  AnswerMetrics& operator=(const AnswerMetrics&) = delete;

  // One answer to `caller` (empty: anonymous) for `operation`, served from
  // `source`. `operation` and `source` must be fixed names, never request
  // data.
  void Record(absl::string_view caller, absl::string_view operation,
              absl::string_view source);

 private:
  // The label value `caller` (not empty) is counted under.
  std::string CallerLabelLocked(absl::string_view caller)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  prometheus::Family<prometheus::Counter>& answers_;
  absl::Mutex mu_;
  // By caller label, operation and source, joined with '\0'.
  absl::flat_hash_map<std::string, prometheus::Counter*> series_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> callers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_ANSWER_METRICS_H_
