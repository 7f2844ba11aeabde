// MetricsRegistry's page: prometheus-cpp's families and our callback gauges
// in the Prometheus text format, as the gateway relies on it.

#include "gateway/observability/metrics.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"

namespace gateway::observability {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsRegistry, RendersCounterWithHelpTypeAndLabels) {
  MetricsRegistry registry;
  prometheus::Counter& requests =
      prometheus::BuildCounter()
          .Name("requests_total")
          .Help("Requests.")
          .Register(registry.families())
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
  prometheus::BuildCounter()
      .Name("c")
      .Help("h")
      .Register(registry.families())
      .Add({{"route", "/a"}, {"method", "GET"}})
      .Increment();
  EXPECT_THAT(registry.RenderText(),
              HasSubstr("\nc{method=\"GET\",route=\"/a\"} 1\n"));
}

TEST(MetricsRegistry, SameLabelsGiveTheSameSeries) {
  MetricsRegistry registry;
  auto& family = prometheus::BuildCounter().Name("c").Help("h").Register(
      registry.families());
  EXPECT_EQ(&family.Add({{"k", "x"}}), &family.Add({{"k", "x"}}));
  EXPECT_NE(&family.Add({{"k", "x"}}), &family.Add({{"k", "y"}}));
}

TEST(MetricsRegistry, EscapesLabelValues) {
  MetricsRegistry registry;
  prometheus::BuildCounter()
      .Name("c")
      .Help("h")
      .Register(registry.families())
      .Add({{"k", "q\"b\\n\nl"}})
      .Increment();
  EXPECT_THAT(registry.RenderText(),
              HasSubstr("\nc{k=\"q\\\"b\\\\n\\nl\"} 1\n"));
}

TEST(MetricsRegistry, RendersMetricWithoutLabelsBare) {
  MetricsRegistry registry;
  prometheus::BuildGauge()
      .Name("g")
      .Help("h")
      .Register(registry.families())
      .Add({})
      .Set(2.5);
  EXPECT_THAT(registry.RenderText(), HasSubstr("\ng 2.5\n"));
}

TEST(MetricsRegistry, LeavesOutFamiliesWithoutSeries) {
  MetricsRegistry registry;
  prometheus::BuildGauge().Name("unused").Help("h").Register(
      registry.families());
  EXPECT_THAT(registry.RenderText(), Not(HasSubstr("unused")));
}

TEST(MetricsRegistry, RendersHistogramCumulativeWithSumAndCount) {
  MetricsRegistry registry;
  prometheus::Histogram& histogram =
      prometheus::BuildHistogram()
          .Name("latency_seconds")
          .Help("h")
          .Register(registry.families())
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
  prometheus::BuildCounter()
      .Name("counted")
      .Help("h")
      .Register(registry.families())
      .Add({});
  const std::string page = registry.RenderText();
  EXPECT_LT(page.find("counted"), page.find("read_at_scrape"));
}

TEST(MetricsRegistry, CountsEveryIncrementFromManyThreads) {
  MetricsRegistry registry;
  auto& family = prometheus::BuildCounter().Name("c").Help("h").Register(
      registry.families());
  prometheus::Counter& even = family.Add({{"k", "even"}});
  prometheus::Counter& odd = family.Add({{"k", "odd"}});
  prometheus::Histogram& histogram =
      prometheus::BuildHistogram()
          .Name("h")
          .Help("h")
          .Register(registry.families())
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
