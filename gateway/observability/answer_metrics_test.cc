// AnswerMetrics: the series it makes, and the bound on caller labels.

#include "gateway/observability/answer_metrics.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(AnswerMetricsTest, CountsByCallerOperationAndSource) {
  MetricsRegistry registry;
  AnswerMetrics answers(registry);
  answers.Record("billing", "get", "hit");
  answers.Record("billing", "get", "hit");
  answers.Record("billing", "get", "miss");
  const std::string page = registry.RenderText();
  EXPECT_THAT(page, HasSubstr("gateway_answers_total{caller=\"billing\","
                              "operation=\"get\",source=\"hit\"} 2\n"));
  EXPECT_THAT(page, HasSubstr("gateway_answers_total{caller=\"billing\","
                              "operation=\"get\",source=\"miss\"} 1\n"));
}

TEST(AnswerMetricsTest, EmptyCallerIsAnonymous) {
  MetricsRegistry registry;
  AnswerMetrics answers(registry);
  answers.Record("", "list", "coalesced");
  answers.Record("", "list", "coalesced");
  EXPECT_THAT(registry.RenderText(),
              HasSubstr("gateway_answers_total{caller=\"anonymous\","
                        "operation=\"list\",source=\"coalesced\"} 2\n"));
}

TEST(AnswerMetricsTest, CallersBeyondTheCapShareTheCallerOther) {
  MetricsRegistry registry;
  AnswerMetrics answers(registry);
  for (int i = 0; i < AnswerMetrics::kMaxCallers; ++i) {
    answers.Record(absl::StrCat("caller", i), "get", "hit");
  }
  answers.Record("one-too-many", "get", "hit");
  answers.Record("two-too-many", "get", "hit");
  answers.Record("caller0", "get", "hit");  // known: keeps its own label
  const std::string page = registry.RenderText();
  EXPECT_THAT(page, HasSubstr("gateway_answers_total{caller=\"other\","
                              "operation=\"get\",source=\"hit\"} 2\n"));
  EXPECT_THAT(page, HasSubstr("gateway_answers_total{caller=\"caller0\","
                              "operation=\"get\",source=\"hit\"} 2\n"));
  EXPECT_THAT(page, Not(HasSubstr("too-many")));
}

}  // namespace
}  // namespace gateway::observability
