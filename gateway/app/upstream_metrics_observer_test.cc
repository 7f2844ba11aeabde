// UpstreamMetricsObserver: what the api.video client reports reaches the
// upstream metrics.

#include "gateway/app/upstream_metrics_observer.h"

#include <string>

#include "absl/time/time.h"
#include "gateway/observability/metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::app {
namespace {

using ::testing::HasSubstr;

class UpstreamMetricsObserverTest : public ::testing::Test {
 protected:
  observability::MetricsRegistry registry_;
  observability::UpstreamMetrics metrics_{registry_};
  UpstreamMetricsObserver observer_{metrics_};
};

TEST_F(UpstreamMetricsObserverTest, PassesOnAttempts) {
  apivideo::AttemptReport report;
  report.route = "GET /upload-tokens/{token}";
  report.http_status = 404;
  report.elapsed = absl::Milliseconds(20);
  report.rate_limit.remaining = 17;
  observer_.OnAttempt(report);
  const std::string page = registry_.RenderText();
  EXPECT_THAT(
      page, HasSubstr("apivideo_upstream_requests_total{method=\"GET\","
                      "route=\"/upload-tokens/{token}\",status=\"404\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_upstream_request_duration_seconds_"
                              "sum{method=\"GET\",route=\"/upload-tokens/"
                              "{token}\"} 0.02\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_ratelimit_remaining{method=\"GET\","
                              "route=\"/upload-tokens/{token}\"} 17\n"));
}

TEST_F(UpstreamMetricsObserverTest, PassesOnRetriesAndTokens) {
  observer_.OnRetry("POST /upload-tokens");
  observer_.OnTokenObtained();
  const std::string page = registry_.RenderText();
  EXPECT_THAT(page, HasSubstr("apivideo_upstream_retries_total{method=\"POST\","
                              "route=\"/upload-tokens\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("\napivideo_auth_refreshes_total 1\n"));
}

}  // namespace
}  // namespace gateway::app
