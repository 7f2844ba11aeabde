#include "upload_token_client/error_details.h"

#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace upload_token_client {
namespace {

using ::testing::Eq;
using ::testing::Optional;
using ::testing::Property;
using ::testing::SizeIs;

// A grpc::Status as the gateway sends it: the google.rpc.Status with
// `details` in error_details().
template <typename... Details>
grpc::Status StatusWith(grpc::StatusCode code, const std::string& message,
                        const Details&... details) {
  google::rpc::Status status;
  status.set_code(code);
  status.set_message(message);
  (status.add_details()->PackFrom(details), ...);
  return grpc::Status(code, message, status.SerializeAsString());
}

google::rpc::ErrorInfo NotFoundInfo() {
  google::rpc::ErrorInfo info;
  info.set_reason("RESOURCE_NOT_FOUND");
  info.set_domain("api.video");
  (*info.mutable_metadata())["token"] = "to1abc";
  return info;
}

TEST(DecodeErrorDetailsTest, ReadsEachKnownDetail) {
  google::rpc::ResourceInfo resource;
  resource.set_resource_name("to1abc");
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(2);
  retry.mutable_retry_delay()->set_nanos(500'000'000);
  google::rpc::BadRequest bad;
  bad.add_field_violations()->set_field("ttl");
  google::rpc::QuotaFailure quota;
  quota.add_violations()->set_subject("reads");

  ErrorDetails details = DecodeErrorDetails(
      StatusWith(grpc::StatusCode::NOT_FOUND, "no such token", NotFoundInfo(),
                 resource, retry, bad, quota));

  EXPECT_EQ(details.code, absl::StatusCode::kNotFound);
  EXPECT_EQ(details.message, "no such token");
  EXPECT_EQ(details.reason(), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(details.metadata("token"), "to1abc");
  EXPECT_EQ(details.metadata("absent"), "");
  EXPECT_THAT(
      details.resource_info,
      Optional(Property(&google::rpc::ResourceInfo::resource_name, "to1abc")));
  EXPECT_EQ(details.retry_delay(), absl::Milliseconds(2500));
  ASSERT_TRUE(details.bad_request.has_value());
  EXPECT_EQ(details.bad_request->field_violations(0).field(), "ttl");
  ASSERT_TRUE(details.quota_failure.has_value());
  EXPECT_EQ(details.quota_failure->violations(0).subject(), "reads");
  EXPECT_THAT(details.others, SizeIs(0));
}

TEST(DecodeErrorDetailsTest, KeepsDetailsOfOtherTypesPacked) {
  google::protobuf::Timestamp unexpected;
  unexpected.set_seconds(7);
  ErrorDetails details = DecodeErrorDetails(
      StatusWith(grpc::StatusCode::INTERNAL, "odd", unexpected));
  ASSERT_THAT(details.others, SizeIs(1));
  EXPECT_TRUE(details.others[0].Is<google::protobuf::Timestamp>());
  EXPECT_FALSE(details.error_info.has_value());
  EXPECT_EQ(details.reason(), "");
}

TEST(DecodeErrorDetailsTest, AStatusWithoutDetailsGivesCodeAndMessageOnly) {
  ErrorDetails details = DecodeErrorDetails(
      grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"));
  EXPECT_EQ(details.code, absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(details.message, "Deadline Exceeded");
  EXPECT_FALSE(details.error_info.has_value());
  EXPECT_EQ(details.retry_delay(), absl::ZeroDuration());
}

TEST(DecodeErrorDetailsTest, DetailsThatDoNotParseAreIgnored) {
  ErrorDetails details = DecodeErrorDetails(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "down", "\xff\xff\xff"));
  EXPECT_EQ(details.code, absl::StatusCode::kUnavailable);
  EXPECT_FALSE(details.error_info.has_value());
  EXPECT_THAT(details.others, SizeIs(0));
}

TEST(ToAbslStatusTest, KeepsCodeMessageAndDetails) {
  absl::Status status = ToAbslStatus(
      StatusWith(grpc::StatusCode::NOT_FOUND, "no such token", NotFoundInfo()));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "no such token");
  EXPECT_TRUE(status.GetPayload(kStatusDetailsPayloadUrl).has_value());
  EXPECT_EQ(DecodeErrorDetails(status).reason(), "RESOURCE_NOT_FOUND");
}

TEST(ToAbslStatusTest, MapsEveryCodeToTheSameNumber) {
  for (int code = 0; code <= 16; ++code) {
    absl::Status status =
        ToAbslStatus(grpc::Status(static_cast<grpc::StatusCode>(code), "x"));
    EXPECT_THAT(static_cast<int>(status.code()), Eq(code));
  }
}

TEST(ToAbslStatusTest, OkIsOk) {
  EXPECT_TRUE(ToAbslStatus(grpc::Status::OK).ok());
}

}  // namespace
}  // namespace upload_token_client
