// GatewayMetrics: the series it makes and how the page shows them.

#include "gateway/observability/gateway_metrics.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kService[] = "apivideo.uploadtokens.v1.UploadTokenService";

class GatewayMetricsTest : public ::testing::Test {
 protected:
  MetricsRegistry registry_;
  GatewayMetrics metrics_{
      registry_, kService, {"GetUploadToken", "CreateUploadToken"}};
};

TEST_F(GatewayMetricsTest, EveryMethodAndCodeStartsAtZero) {
  const std::string page = registry_.RenderText();
  EXPECT_THAT(page,
              HasSubstr("grpc_server_started_total{grpc_method=\""
                        "GetUploadToken\",grpc_service=\"" +
                        std::string(kService) + "\",grpc_type=\"unary\"} 0\n"));
  EXPECT_THAT(page,
              HasSubstr("grpc_server_handled_total{grpc_code=\""
                        "Unauthenticated\",grpc_method=\""
                        "CreateUploadToken\",grpc_service=\"" +
                        std::string(kService) + "\",grpc_type=\"unary\"} 0\n"));
}

TEST_F(GatewayMetricsTest, CountsHandledCallsWithGrpcGoCodeNames) {
  RpcMetrics* get = metrics_.ForMethod("GetUploadToken");
  ASSERT_NE(get, nullptr);
  get->OnStarted();
  get->OnHandled(absl::StatusCode::kNotFound, absl::Milliseconds(3));
  const std::string page = registry_.RenderText();
  const std::string labels = "grpc_method=\"GetUploadToken\",grpc_service=\"" +
                             std::string(kService) + "\",grpc_type=\"unary\"";
  EXPECT_THAT(page, HasSubstr("grpc_server_started_total{" + labels + "} 1\n"));
  EXPECT_THAT(page,
              HasSubstr("grpc_server_handled_total{grpc_code=\"NotFound\"," +
                        labels + "} 1\n"));
  EXPECT_THAT(page, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\"," +
                              labels + "} 0\n"));
  EXPECT_THAT(page, HasSubstr("grpc_server_handling_seconds_bucket{" + labels +
                              ",le=\"0.005\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("grpc_server_handling_seconds_count{" + labels +
                              "} 1\n"));
}

TEST_F(GatewayMetricsTest, UnknownMethodHasNoCells) {
  EXPECT_EQ(metrics_.ForMethod("Watch"), nullptr);
}

TEST_F(GatewayMetricsTest, UpstreamAttemptSplitsRouteAndMethod) {
  apivideo::AttemptReport report;
  report.route = "GET /upload-tokens/{token}";
  report.http_status = 404;
  report.elapsed = absl::Milliseconds(20);
  report.rate_limit.remaining = 17;
  metrics_.OnAttempt(report);
  const std::string page = registry_.RenderText();
  EXPECT_THAT(
      page, HasSubstr("apivideo_upstream_requests_total{method=\"GET\","
                      "route=\"/upload-tokens/{token}\",status=\"404\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_upstream_request_duration_seconds_"
                              "count{method=\"GET\",route=\"/upload-tokens/"
                              "{token}\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_ratelimit_remaining{method=\"GET\","
                              "route=\"/upload-tokens/{token}\"} 17\n"));
}

TEST_F(GatewayMetricsTest, AttemptWithoutAnswerHasStatusNone) {
  apivideo::AttemptReport report;
  report.route = "POST /upload-tokens";
  metrics_.OnAttempt(report);
  EXPECT_THAT(registry_.RenderText(),
              HasSubstr("apivideo_upstream_requests_total{method=\"POST\","
                        "route=\"/upload-tokens\",status=\"none\"} 1\n"));
}

TEST_F(GatewayMetricsTest, AttemptWithoutRateLimitHeadersLeavesGaugeUnset) {
  apivideo::AttemptReport report;
  report.route = "GET /upload-tokens";
  report.http_status = 200;
  metrics_.OnAttempt(report);
  EXPECT_THAT(registry_.RenderText(),
              Not(HasSubstr("apivideo_ratelimit_remaining{")));
}

TEST_F(GatewayMetricsTest, CountsRetriesAndTokenRefreshes) {
  metrics_.OnRetry("DELETE /upload-tokens/{token}");
  metrics_.OnRetry("DELETE /upload-tokens/{token}");
  metrics_.OnTokenObtained();
  const std::string page = registry_.RenderText();
  EXPECT_THAT(page,
              HasSubstr("apivideo_upstream_retries_total{method=\"DELETE\","
                        "route=\"/upload-tokens/{token}\"} 2\n"));
  EXPECT_THAT(page, HasSubstr("\napivideo_auth_refreshes_total 1\n"));
}

TEST_F(GatewayMetricsTest, LatencyHistogramsHaveTheDefaultBuckets) {
  apivideo::AttemptReport report;
  report.route = "GET /upload-tokens";
  metrics_.OnAttempt(report);
  const std::string page = registry_.RenderText();
  for (const char* le : {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
                         "1", "2.5", "5", "10", "+Inf"}) {
    EXPECT_THAT(page, HasSubstr(",grpc_type=\"unary\",le=\"" + std::string(le) +
                                "\"} 0\n"));
    EXPECT_THAT(page, HasSubstr("apivideo_upstream_request_duration_seconds_"
                                "bucket{method=\"GET\",route=\"/upload-"
                                "tokens\",le=\"" +
                                std::string(le) + "\"} 1\n"));
  }
}

TEST_F(GatewayMetricsTest, CountsEachStatusOfARouteInItsOwnSeries) {
  apivideo::AttemptReport report;
  report.route = "GET /upload-tokens/{token}";
  for (int status : {200, 200, 503, 999, 999}) {
    report.http_status = status;
    metrics_.OnAttempt(report);
  }
  const std::string page = registry_.RenderText();
  const std::string series =
      "apivideo_upstream_requests_total{method=\"GET\",route=\"/upload-tokens/"
      "{token}\",status=";
  EXPECT_THAT(page, HasSubstr(series + "\"200\"} 2\n"));
  EXPECT_THAT(page, HasSubstr(series + "\"503\"} 1\n"));
  EXPECT_THAT(page, HasSubstr(series + "\"999\"} 2\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_upstream_request_duration_seconds_"
                              "count{method=\"GET\",route=\"/upload-tokens/"
                              "{token}\"} 5\n"));
}

TEST_F(GatewayMetricsTest, CountsEveryAttemptFromManyThreads) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      apivideo::AttemptReport report;
      report.http_status = 200;
      for (int i = 0; i < 1000; ++i) {
        report.route =
            i % 2 == 0 ? "GET /upload-tokens" : "POST /upload-tokens";
        metrics_.OnAttempt(report);
        metrics_.OnRetry(report.route);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::string page = registry_.RenderText();
  EXPECT_THAT(page,
              HasSubstr("apivideo_upstream_requests_total{method=\"GET\","
                        "route=\"/upload-tokens\",status=\"200\"} 2000\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_upstream_retries_total{method=\"POST\","
                              "route=\"/upload-tokens\"} 2000\n"));
}

TEST(GrpcGoCodeName, SpellsCodesAsGrpcGo) {
  EXPECT_EQ(GrpcGoCodeName(absl::StatusCode::kOk), "OK");
  EXPECT_EQ(GrpcGoCodeName(absl::StatusCode::kCancelled), "Canceled");
  EXPECT_EQ(GrpcGoCodeName(absl::StatusCode::kDeadlineExceeded),
            "DeadlineExceeded");
  EXPECT_EQ(GrpcGoCodeName(absl::StatusCode::kResourceExhausted),
            "ResourceExhausted");
}

}  // namespace
}  // namespace gateway::observability
