// CallbackGauges: one gauge family per callback, read at each Collect().

#include "gateway/observability/callback_gauges.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/metric_type.h"

namespace gateway::observability {
namespace {

TEST(CallbackGauges, CollectsNothingWhenEmpty) {
  EXPECT_TRUE(CallbackGauges().Collect().empty());
}

TEST(CallbackGauges, CollectsOneGaugeFamilyPerCallbackInOrder) {
  CallbackGauges gauges;
  gauges.Add("first", "The first.", [] { return 1.0; });
  gauges.Add("second", "The second.", [] { return 2.0; });
  const std::vector<prometheus::MetricFamily> families = gauges.Collect();
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].name, "first");
  EXPECT_EQ(families[0].help, "The first.");
  EXPECT_EQ(families[0].type, prometheus::MetricType::Gauge);
  ASSERT_EQ(families[0].metric.size(), 1u);
  EXPECT_TRUE(families[0].metric[0].label.empty());
  EXPECT_EQ(families[0].metric[0].gauge.value, 1.0);
  EXPECT_EQ(families[1].name, "second");
  EXPECT_EQ(families[1].metric[0].gauge.value, 2.0);
}

TEST(CallbackGauges, ReadsTheValueAtEachCollect) {
  CallbackGauges gauges;
  double value = 3;
  gauges.Add("g", "h", [&value] { return value; });
  EXPECT_EQ(gauges.Collect()[0].metric[0].gauge.value, 3);
  value = 5;
  EXPECT_EQ(gauges.Collect()[0].metric[0].gauge.value, 5);
}

}  // namespace
}  // namespace gateway::observability
