// MetricsRegistry's page: prometheus-cpp's families and our callback gauges
// in the Prometheus text format, as the gateway relies on it.

#include "gateway/observability/metrics.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"

namespace gateway::observability {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Families registered on `registry`, as the gateway's sources build them.
prometheus::Family<prometheus::Counter>& Counters(
    MetricsRegistry& registry, const std::string& name,
    const std::string& help = "h") {
  return prometheus::BuildCounter().Name(name).Help(help).Register(
      registry.families());
}
prometheus::Family<prometheus::Gauge>& Gauges(MetricsRegistry& registry,
                                              const std::string& name) {
  return prometheus::BuildGauge().Name(name).Help("h").Register(
      registry.families());
}
prometheus::Family<prometheus::Histogram>& Histograms(MetricsRegistry& registry,
                                                      const std::string& name) {
  return prometheus::BuildHistogram().Name(name).Help("h").Register(
      registry.families());
}

TEST(MetricsRegistry, RendersCounterWithHelpTypeAndLabels) {
  MetricsRegistry registry;
  prometheus::Counter& requests =
      Counters(registry, "requests_total", "Requests.")
          .Add({{"route", "/a"}, {"status", "200"}});
  requests.Increment();
  requests.Increment(2);
  EXPECT_EQ(registry.RenderText(),
            "# HELP requests_total Requests.\n"
            "# TYPE requests_total counter\n"
            "requests_total{route=\"/a\",status=\"200\"} 3\n");
}

TEST(MetricsRegistry, WritesLabelsInNameOrder) {
  MetricsRegistry registry;
  Counters(registry, "c").Add({{"route", "/a"}, {"method", "GET"}}).Increment();
  EXPECT_THAT(registry.RenderText(),
              HasSubstr("\nc{method=\"GET\",route=\"/a\"} 1\n"));
}

TEST(MetricsRegistry, SameLabelsGiveTheSameSeries) {
  MetricsRegistry registry;
  auto& family = Counters(registry, "c");
  EXPECT_EQ(&family.Add({{"k", "x"}}), &family.Add({{"k", "x"}}));
  EXPECT_NE(&family.Add({{"k", "x"}}), &family.Add({{"k", "y"}}));
}

TEST(MetricsRegistry, EscapesLabelValues) {
  MetricsRegistry registry;
  Counters(registry, "c").Add({{"k", "q\"b\\n\nl"}}).Increment();
  EXPECT_THAT(registry.RenderText(),
              HasSubstr("\nc{k=\"q\\\"b\\\\n\\nl\"} 1\n"));
}

TEST(MetricsRegistry, RendersMetricWithoutLabelsBare) {
  MetricsRegistry registry;
  Gauges(registry, "g").Add({}).Set(2.5);
  EXPECT_THAT(registry.RenderText(), HasSubstr("\ng 2.5\n"));
}

TEST(MetricsRegistry, LeavesOutFamiliesWithoutSeries) {
  MetricsRegistry registry;
  Gauges(registry, "unused");
  EXPECT_THAT(registry.RenderText(), Not(HasSubstr("unused")));
}

TEST(MetricsRegistry, RendersHistogramCumulativeWithSumAndCount) {
  MetricsRegistry registry;
  prometheus::Histogram& histogram =
      Histograms(registry, "latency_seconds")
          .Add({{"m", "Get"}}, prometheus::Histogram::BucketBoundaries{0.1, 1});
  histogram.Observe(0.05);
  histogram.Observe(0.1);  // on the bound: in the 0.1 bucket
  histogram.Observe(0.5);
  histogram.Observe(7);
  EXPECT_EQ(registry.RenderText(),
            "# HELP latency_seconds h\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_count{m=\"Get\"} 4\n"
            "latency_seconds_sum{m=\"Get\"} 7.65\n"
            "latency_seconds_bucket{m=\"Get\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{m=\"Get\",le=\"1\"} 3\n"
            "latency_seconds_bucket{m=\"Get\",le=\"+Inf\"} 4\n");
}

TEST(MetricsRegistry, CallbackGaugeIsReadAtRenderTime) {
  MetricsRegistry registry;
  int value = 1;
  registry.AddCallbackGauge("in_flight", "Calls.", [&value] { return value; });
  value = 42;
  EXPECT_EQ(registry.RenderText(),
            "# HELP in_flight Calls.\n"
            "# TYPE in_flight gauge\n"
            "in_flight 42\n");
}

TEST(MetricsRegistry, RendersFamiliesThenCallbackGauges) {
  MetricsRegistry registry;
  registry.AddCallbackGauge("read_at_scrape", "h", [] { return 0; });
  Counters(registry, "counted").Add({});
  const std::string page = registry.RenderText();
  EXPECT_LT(page.find("counted"), page.find("read_at_scrape"));
}

TEST(MetricsRegistry, CountsEveryIncrementFromManyThreads) {
  MetricsRegistry registry;
  auto& family = Counters(registry, "c");
  prometheus::Counter& even = family.Add({{"k", "even"}});
  prometheus::Counter& odd = family.Add({{"k", "odd"}});
  prometheus::Histogram& histogram =
      Histograms(registry, "h")
          .Add({}, prometheus::Histogram::BucketBoundaries{1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        (i % 2 == 0 ? even : odd).Increment();
        histogram.Observe(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(even.Value(), 20000);
  EXPECT_EQ(odd.Value(), 20000);
  const std::string page = registry.RenderText();
  EXPECT_THAT(page, HasSubstr("\nh_bucket{le=\"1\"} 40000\n"));
  EXPECT_THAT(page, HasSubstr("\nh_sum 40000\n"));
}

TEST(LatencyBuckets, ArePrometheusDefaults) {
  EXPECT_THAT(LatencyBuckets(), ElementsAre(0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                            0.5, 1, 2.5, 5, 10));
}

}  // namespace
}  // namespace gateway::observability
