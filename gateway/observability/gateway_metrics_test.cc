// GatewayMetrics: the RPC series it makes and how the page shows them.

#include "gateway/observability/gateway_metrics.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

using ::testing::HasSubstr;

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

TEST_F(GatewayMetricsTest, HandlingHistogramHasTheDefaultBuckets) {
  const std::string page = registry_.RenderText();
  for (const char* le : {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
                         "1", "2.5", "5", "10", "+Inf"}) {
    EXPECT_THAT(
        page, HasSubstr("grpc_server_handling_seconds_bucket{grpc_"
                        "method=\"GetUploadToken\",grpc_service=\"" +
                        std::string(kService) + "\",grpc_type=\"unary\",le=\"" +
                        le + "\"} 0\n"));
  }
}

TEST_F(GatewayMetricsTest, CodesOutsideGrpcsRangeCountAsUnknown) {
  RpcMetrics* create = metrics_.ForMethod("CreateUploadToken");
  ASSERT_NE(create, nullptr);
  create->OnHandled(static_cast<absl::StatusCode>(42), absl::Milliseconds(1));
  EXPECT_THAT(registry_.RenderText(),
              HasSubstr("grpc_server_handled_total{grpc_code=\"Unknown\","
                        "grpc_method=\"CreateUploadToken\",grpc_service=\"" +
                        std::string(kService) + "\",grpc_type=\"unary\"} 1\n"));
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
