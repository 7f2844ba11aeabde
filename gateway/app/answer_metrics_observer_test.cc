// AnswerMetricsObserver: where answers came from reaches gateway_answers_total.

#include "gateway/app/answer_metrics_observer.h"

#include "gateway/observability/metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::app {
namespace {

using ::testing::HasSubstr;

TEST(AnswerMetricsObserverTest, PassesOnEachSourceByItsName) {
  observability::MetricsRegistry registry;
  observability::AnswerMetrics metrics(registry);
  AnswerMetricsObserver observer(metrics);
  observer.OnAnswer("billing", "get", apivideo::AnswerSource::kHit);
  observer.OnAnswer("billing", "get", apivideo::AnswerSource::kCoalesced);
  observer.OnAnswer("", "create", apivideo::AnswerSource::kMiss);
  const std::string page = registry.RenderText();
  EXPECT_THAT(page, HasSubstr("gateway_answers_total{caller=\"billing\","
                              "operation=\"get\",source=\"hit\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("gateway_answers_total{caller=\"billing\","
                              "operation=\"get\",source=\"coalesced\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("gateway_answers_total{caller=\"anonymous\","
                              "operation=\"create\",source=\"miss\"} 1\n"));
}

}  // namespace
}  // namespace gateway::app
