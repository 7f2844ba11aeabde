#include "gateway/service/grpc_status.h"

#include <string>

#include "absl/status/status.h"
#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/error_details.h"
#include "gtest/gtest.h"

namespace gateway::service {
namespace {

using ::testing::IsEmpty;

TEST(ToGrpcStatus, OkIsGrpcOkWithoutDetails) {
  const grpc::Status status = ToGrpcStatus(absl::OkStatus());
  EXPECT_TRUE(status.ok());
  EXPECT_THAT(status.error_details(), IsEmpty());
}

TEST(ToGrpcStatus, KeepsCodeAndMessage) {
  const grpc::Status status =
      ToGrpcStatus(absl::NotFoundError("no such token"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no such token");
}

TEST(ToGrpcStatus, MapsEveryCodeToSameGrpcCode) {
  const struct {
    absl::StatusCode absl_code;
    grpc::StatusCode grpc_code;
  } kCases[] = {
      {absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED},
      {absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN},
      {absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {absl::StatusCode::kDeadlineExceeded,
       grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
      {absl::StatusCode::kPermissionDenied,
       grpc::StatusCode::PERMISSION_DENIED},
      {absl::StatusCode::kResourceExhausted,
       grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::StatusCode::kFailedPrecondition,
       grpc::StatusCode::FAILED_PRECONDITION},
      {absl::StatusCode::kAborted, grpc::StatusCode::ABORTED},
      {absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE},
      {absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
      {absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL},
      {absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS},
      {absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ToGrpcStatus(absl::Status(c.absl_code, "x")).error_code(),
              c.grpc_code)
        << absl::StatusCodeToString(c.absl_code);
  }
}

TEST(ToGrpcStatus, DetailsRoundTripThroughExtractErrorDetails) {
  absl::Status status = absl::NotFoundError("no such token");
  google::rpc::ResourceInfo resource;
  resource.set_resource_type("apivideo.uploadtokens.v1.UploadToken");
  resource.set_resource_name("to1tcmSFHeYY5KzyhOqVKMKb");
  AddDetail(status, resource);

  const grpc::Status grpc_status = ToGrpcStatus(status);
  google::rpc::Status rpc_status;
  ASSERT_TRUE(grpc::ExtractErrorDetails(grpc_status, &rpc_status).ok());
  EXPECT_EQ(rpc_status.code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(rpc_status.message(), "no such token");

  bool found_resource = false;
  bool found_error_info = false;
  for (const auto& any : rpc_status.details()) {
    if (any.Is<google::rpc::ResourceInfo>()) {
      google::rpc::ResourceInfo unpacked;
      ASSERT_TRUE(any.UnpackTo(&unpacked));
      EXPECT_EQ(unpacked.resource_name(), "to1tcmSFHeYY5KzyhOqVKMKb");
      EXPECT_EQ(unpacked.resource_type(),
                "apivideo.uploadtokens.v1.UploadToken");
      found_resource = true;
    } else if (any.Is<google::rpc::ErrorInfo>()) {
      google::rpc::ErrorInfo unpacked;
      ASSERT_TRUE(any.UnpackTo(&unpacked));
      EXPECT_EQ(unpacked.domain(), "upload-token-gateway");
      EXPECT_EQ(unpacked.reason(), "NOT_FOUND");
      found_error_info = true;
    }
  }
  EXPECT_TRUE(found_resource);
  EXPECT_TRUE(found_error_info);
}

// Decoded as a client does, not compared with another encoding by the code
// under test.
TEST(ToGrpcStatus, TheTrailerDecodesToTheCodeTheMessageAndEveryDetail) {
  absl::Status status = MakeError(absl::StatusCode::kResourceExhausted,
                                  "slow down", "TOO_MANY_REQUESTS");
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(30);
  AddDetail(status, retry);
  const grpc::Status converted = ToGrpcStatus(status);
  google::rpc::Status decoded;
  ASSERT_TRUE(decoded.ParseFromString(converted.error_details()));
  EXPECT_EQ(decoded.code(), 8);  // RESOURCE_EXHAUSTED in google/rpc/code.proto
  EXPECT_EQ(decoded.message(), "slow down");
  bool found_retry = false;
  bool found_info = false;
  for (const google::protobuf::Any& detail : decoded.details()) {
    google::rpc::RetryInfo retry_info;
    google::rpc::ErrorInfo error_info;
    if (detail.UnpackTo(&retry_info)) {
      EXPECT_EQ(retry_info.retry_delay().seconds(), 30);
      found_retry = true;
    } else if (detail.UnpackTo(&error_info)) {
      EXPECT_EQ(error_info.reason(), "TOO_MANY_REQUESTS");
      found_info = true;
    }
  }
  EXPECT_TRUE(found_retry);
  EXPECT_TRUE(found_info);
}

}  // namespace
}  // namespace gateway::service
