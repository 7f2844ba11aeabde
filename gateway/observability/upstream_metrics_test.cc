// UpstreamMetrics: the series each upstream event makes, and how the page
// shows them.

#include "gateway/observability/upstream_metrics.h"

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

using ::testing::HasSubstr;

class UpstreamMetricsTest : public ::testing::Test {
 protected:
  // The /metrics page as it is now.
  std::string Page() const { return registry_.RenderText(); }

  MetricsRegistry registry_;
  UpstreamMetrics metrics_{registry_};
};

TEST_F(UpstreamMetricsTest, AttemptSplitsRouteAndMethod) {
  metrics_.RecordAttempt("GET /upload-tokens/{token}", 404,
                         absl::Milliseconds(20), 17);
  const std::string page = Page();
  EXPECT_THAT(
      page, HasSubstr("apivideo_upstream_requests_total{method=\"GET\","
                      "route=\"/upload-tokens/{token}\",status=\"404\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_upstream_request_duration_seconds_"
                              "count{method=\"GET\",route=\"/upload-tokens/"
                              "{token}\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_upstream_request_duration_seconds_"
                              "sum{method=\"GET\",route=\"/upload-tokens/"
                              "{token}\"} 0.02\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_ratelimit_remaining{method=\"GET\","
                              "route=\"/upload-tokens/{token}\"} 17\n"));
}

TEST_F(UpstreamMetricsTest, AttemptWithoutAnswerHasStatusNone) {
  metrics_.RecordAttempt("POST /upload-tokens", 0, absl::Seconds(1),
                         std::nullopt);
  EXPECT_THAT(registry_.RenderText(),
              HasSubstr("apivideo_upstream_requests_total{method=\"POST\","
                        "route=\"/upload-tokens\",status=\"none\"} 1\n"));
}

TEST_F(UpstreamMetricsTest, AttemptWithoutRateLimitHeadersLeavesGaugeUnset) {
  metrics_.RecordAttempt("GET /upload-tokens", 200, absl::Milliseconds(5),
                         std::nullopt);
  EXPECT_THAT(registry_.RenderText(),
              ::testing::Not(HasSubstr("apivideo_ratelimit_remaining{")));
}

TEST_F(UpstreamMetricsTest, RateLimitGaugeKeepsTheLatestValue) {
  metrics_.RecordAttempt("GET /upload-tokens", 200, absl::Milliseconds(5), 9);
  metrics_.RecordAttempt("GET /upload-tokens", 200, absl::Milliseconds(5),
                         std::nullopt);
  metrics_.RecordAttempt("GET /upload-tokens", 200, absl::Milliseconds(5), 8);
  EXPECT_THAT(registry_.RenderText(),
              HasSubstr("apivideo_ratelimit_remaining{method=\"GET\","
                        "route=\"/upload-tokens\"} 8\n"));
}

TEST_F(UpstreamMetricsTest, CountsRetriesAndTokenRefreshes) {
  metrics_.RecordRetry("DELETE /upload-tokens/{token}");
  metrics_.RecordRetry("DELETE /upload-tokens/{token}");
  metrics_.RecordTokenObtained();
  const std::string page = Page();
  EXPECT_THAT(page,
              HasSubstr("apivideo_upstream_retries_total{method=\"DELETE\","
                        "route=\"/upload-tokens/{token}\"} 2\n"));
  EXPECT_THAT(page, HasSubstr("\napivideo_auth_refreshes_total 1\n"));
}

TEST_F(UpstreamMetricsTest, TokenRefreshesShowFromTheStart) {
  const std::string page = Page();
  EXPECT_THAT(page, HasSubstr("\napivideo_auth_refreshes_total 0\n"));
  // The other families have no series yet.
  EXPECT_THAT(page,
              ::testing::Not(HasSubstr("apivideo_upstream_requests_total")));
}

TEST_F(UpstreamMetricsTest, DurationHistogramHasTheDefaultBuckets) {
  metrics_.RecordAttempt("GET /upload-tokens", 200, absl::Milliseconds(30),
                         std::nullopt);
  const std::string page = Page();
  for (const auto& [le, count] :
       std::vector<std::pair<std::string, int>>{{"0.005", 0},
                                                {"0.01", 0},
                                                {"0.025", 0},
                                                {"0.05", 1},
                                                {"0.1", 1},
                                                {"0.25", 1},
                                                {"0.5", 1},
                                                {"1", 1},
                                                {"2.5", 1},
                                                {"5", 1},
                                                {"10", 1},
                                                {"+Inf", 1}}) {
    EXPECT_THAT(page, HasSubstr("apivideo_upstream_request_duration_seconds_"
                                "bucket{method=\"GET\",route=\"/upload-"
                                "tokens\",le=\"" +
                                le + "\"} " + std::to_string(count) + "\n"));
  }
}

TEST_F(UpstreamMetricsTest, CountsEachStatusOfARouteInItsOwnSeries) {
  for (int status : {200, 200, 503, 999, 999, -1}) {
    metrics_.RecordAttempt("GET /upload-tokens/{token}", status,
                           absl::Milliseconds(1), std::nullopt);
  }
  const std::string page = Page();
  const std::string series =
      "apivideo_upstream_requests_total{method=\"GET\",route=\"/upload-tokens/"
      "{token}\",status=";
  EXPECT_THAT(page, HasSubstr(series + "\"200\"} 2\n"));
  EXPECT_THAT(page, HasSubstr(series + "\"503\"} 1\n"));
  EXPECT_THAT(page, HasSubstr(series + "\"999\"} 2\n"));
  EXPECT_THAT(page, HasSubstr(series + "\"none\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_upstream_request_duration_seconds_"
                              "count{method=\"GET\",route=\"/upload-tokens/"
                              "{token}\"} 6\n"));
}

TEST_F(UpstreamMetricsTest, RouteWithoutMethodKeepsAnEmptyMethod) {
  metrics_.RecordRetry("/upload-tokens");
  EXPECT_THAT(registry_.RenderText(),
              HasSubstr("apivideo_upstream_retries_total{method=\"\","
                        "route=\"/upload-tokens\"} 1\n"));
}

TEST_F(UpstreamMetricsTest, CountsEveryAttemptFromManyThreads) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < 1000; ++i) {
        const char* route =
            i % 2 == 0 ? "GET /upload-tokens" : "POST /upload-tokens";
        metrics_.RecordAttempt(route, 200, absl::Milliseconds(1), i);
        metrics_.RecordRetry(route);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::string page = Page();
  EXPECT_THAT(page,
              HasSubstr("apivideo_upstream_requests_total{method=\"GET\","
                        "route=\"/upload-tokens\",status=\"200\"} 2000\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_upstream_retries_total{method=\"POST\","
                              "route=\"/upload-tokens\"} 2000\n"));
}

}  // namespace
}  // namespace gateway::observability
