#include "gateway/observability/quota_metrics.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class QuotaMetricsTest : public ::testing::Test {
 protected:
  std::string Page() const { return registry_.RenderText(); }

  MetricsRegistry registry_;
  QuotaMetrics metrics_{registry_};
};

TEST_F(QuotaMetricsTest, GrantAtOnceIsCountedWithoutAWait) {
  metrics_.RecordGranted("billing", "reads", absl::ZeroDuration());
  const std::string page = Page();
  EXPECT_THAT(page, HasSubstr("gateway_quota_granted_total{caller=\"billing\","
                              "kind=\"reads\",waited=\"false\"} 1"));
  EXPECT_THAT(page, Not(HasSubstr("gateway_quota_wait_seconds_count")));
}

TEST_F(QuotaMetricsTest, GrantAfterAWaitRecordsTheWait) {
  metrics_.RecordGranted("billing", "writes", absl::Seconds(2));
  const std::string page = Page();
  EXPECT_THAT(page, HasSubstr("gateway_quota_granted_total{caller=\"billing\","
                              "kind=\"writes\",waited=\"true\"} 1"));
  EXPECT_THAT(page,
              HasSubstr("gateway_quota_wait_seconds_bucket{kind=\"writes\","
                        "le=\"2.5\"} 1"));
  EXPECT_THAT(page,
              HasSubstr("gateway_quota_wait_seconds_bucket{kind=\"writes\","
                        "le=\"1\"} 0"));
}

TEST_F(QuotaMetricsTest, RefusalsAreCountedPerCaller) {
  metrics_.RecordRefused("batch", "reads");
  metrics_.RecordRefused("batch", "reads");
  EXPECT_THAT(Page(), HasSubstr("gateway_quota_refused_total{caller=\"batch\","
                                "kind=\"reads\"} 2"));
}

}  // namespace
}  // namespace gateway::observability
