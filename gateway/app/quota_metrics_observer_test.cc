#include "gateway/app/quota_metrics_observer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::app {
namespace {

using ::testing::HasSubstr;

TEST(QuotaMetricsObserverTest, GrantsAndRefusalsReachTheMetricsByWindow) {
  observability::MetricsRegistry registry;
  observability::QuotaMetrics metrics(registry);
  QuotaMetricsObserver observer(metrics);
  observer.OnGranted("web", policy::RouteKind::kRead, absl::ZeroDuration());
  observer.OnRefused("web", policy::RouteKind::kWrite);
  const std::string page = registry.RenderText();
  EXPECT_THAT(page, HasSubstr("gateway_quota_granted_total{caller=\"web\","
                              "kind=\"reads\",waited=\"false\"} 1"));
  EXPECT_THAT(page, HasSubstr("gateway_quota_refused_total{caller=\"web\","
                              "kind=\"writes\"} 1"));
}

}  // namespace
}  // namespace gateway::app
