#include "gateway/observability/gateway_metrics.h"

#include <string>

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
  EXPECT_THAT(page, HasSubstr("grpc_server_started_total{grpc_type=\"unary\","
                              "grpc_service=\"" +
                              std::string(kService) +
                              "\",grpc_method=\"GetUploadToken\"} 0\n"));
  EXPECT_THAT(page, HasSubstr("grpc_method=\"CreateUploadToken\","
                              "grpc_code=\"Unauthenticated\"} 0\n"));
}

TEST_F(GatewayMetricsTest, CountsHandledCallsWithGrpcGoCodeNames) {
  RpcMetrics* get = metrics_.ForMethod("GetUploadToken");
  ASSERT_NE(get, nullptr);
  get->OnStarted();
  get->OnHandled(absl::StatusCode::kNotFound, absl::Milliseconds(3));
  const std::string page = registry_.RenderText();
  EXPECT_THAT(page, HasSubstr("grpc_method=\"GetUploadToken\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("grpc_method=\"GetUploadToken\","
                              "grpc_code=\"NotFound\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("grpc_server_handling_seconds_bucket{grpc_type="
                              "\"unary\",grpc_service=\"" +
                              std::string(kService) +
                              "\",grpc_method=\"GetUploadToken\",le=\"0.005\"} "
                              "1\n"));
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
  EXPECT_THAT(page,
              HasSubstr("apivideo_upstream_requests_total{route=\"/upload-"
                        "tokens/{token}\",method=\"GET\",status=\"404\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_upstream_request_duration_seconds_"
                              "count{route=\"/upload-tokens/{token}\","
                              "method=\"GET\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("apivideo_ratelimit_remaining{route=\"/upload-"
                              "tokens/{token}\",method=\"GET\"} 17\n"));
}

TEST_F(GatewayMetricsTest, AttemptWithoutAnswerHasStatusNone) {
  apivideo::AttemptReport report;
  report.route = "POST /upload-tokens";
  metrics_.OnAttempt(report);
  EXPECT_THAT(registry_.RenderText(),
              HasSubstr("{route=\"/upload-tokens\",method=\"POST\","
                        "status=\"none\"} 1\n"));
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
              HasSubstr("apivideo_upstream_retries_total{route=\"/"
                        "upload-tokens/{token}\",method=\"DELETE\"} 2\n"));
  EXPECT_THAT(page, HasSubstr("\napivideo_auth_refreshes_total 1\n"));
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
