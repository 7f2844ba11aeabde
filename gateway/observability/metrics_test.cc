#include "gateway/observability/metrics.h"

#include <limits>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

using ::testing::HasSubstr;

TEST(MetricsRegistry, RendersCounterWithHelpTypeAndLabels) {
  MetricsRegistry registry;
  CounterFamily& requests =
      registry.AddCounter("requests_total", "Requests.", {"route", "status"});
  requests.WithLabels({"/a", "200"}).Increment();
  requests.WithLabels({"/a", "200"}).Increment(2);
  EXPECT_EQ(registry.RenderText(),
            "# HELP requests_total Requests.\n"
            "# TYPE requests_total counter\n"
            "requests_total{route=\"/a\",status=\"200\"} 3\n");
}

TEST(MetricsRegistry, RendersSeriesInLabelOrder) {
  MetricsRegistry registry;
  CounterFamily& family = registry.AddCounter("c", "h", {"k"});
  family.WithLabels({"b"}).Increment();
  family.WithLabels({"a"}).Increment();
  EXPECT_THAT(registry.RenderText(), HasSubstr("c{k=\"a\"} 1\nc{k=\"b\"} 1\n"));
}

TEST(MetricsRegistry, SameLabelsGiveTheSameCell) {
  MetricsRegistry registry;
  CounterFamily& family = registry.AddCounter("c", "h", {"k"});
  EXPECT_EQ(&family.WithLabels({"x"}), &family.WithLabels({"x"}));
  EXPECT_NE(&family.WithLabels({"x"}), &family.WithLabels({"y"}));
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry.AddCounter("c", "line\\one\ntwo", {"k"})
      .WithLabels({"q\"b\\n\nl"})
      .Increment();
  EXPECT_EQ(registry.RenderText(),
            "# HELP c line\\\\one\\ntwo\n"
            "# TYPE c counter\n"
            "c{k=\"q\\\"b\\\\n\\nl\"} 1\n");
}

TEST(MetricsRegistry, RendersMetricWithoutLabelsBare) {
  MetricsRegistry registry;
  registry.AddGauge("g", "h").WithLabels({}).Set(2.5);
  EXPECT_THAT(registry.RenderText(), HasSubstr("\ng 2.5\n"));
}

TEST(MetricsRegistry, RendersHistogramCumulativeWithSumAndCount) {
  MetricsRegistry registry;
  Histogram& histogram =
      registry.AddHistogram("latency_seconds", "h", {"m"}, {0.1, 1})
          .WithLabels({"Get"});
  histogram.Observe(0.05);
  histogram.Observe(0.1);  // on the bound: in the 0.1 bucket
  histogram.Observe(0.5);
  histogram.Observe(7);
  EXPECT_EQ(registry.RenderText(),
            "# HELP latency_seconds h\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{m=\"Get\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{m=\"Get\",le=\"1\"} 3\n"
            "latency_seconds_bucket{m=\"Get\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{m=\"Get\"} 7.65\n"
            "latency_seconds_count{m=\"Get\"} 4\n");
}

TEST(MetricsRegistry, CallbackGaugeIsReadAtRenderTime) {
  MetricsRegistry registry;
  int value = 1;
  registry.AddCallbackGauge("in_flight", "h", [&value] { return value; });
  value = 42;
  EXPECT_THAT(registry.RenderText(), HasSubstr("\nin_flight 42\n"));
}

TEST(MetricsRegistry, CountsEveryIncrementFromManyThreads) {
  MetricsRegistry registry;
  CounterFamily& family = registry.AddCounter("c", "h", {"k"});
  Histogram& histogram =
      registry.AddHistogram("h", "h", {}, {1}).WithLabels({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        family.WithLabels({i % 2 == 0 ? "even" : "odd"}).Increment();
        histogram.Observe(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(family.WithLabels({"even"}).value(), 20000u);
  EXPECT_EQ(family.WithLabels({"odd"}).value(), 20000u);
  EXPECT_EQ(histogram.BucketCounts()[0], 40000u);
  EXPECT_EQ(histogram.sum(), 40000);
}

TEST(FormatSampleValue, UsesShortestRoundTripAndPrometheusSpecials) {
  EXPECT_EQ(FormatSampleValue(0.1), "0.1");
  EXPECT_EQ(FormatSampleValue(3), "3");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()),
            "-Inf");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

}  // namespace
}  // namespace gateway::observability
