#include "gateway/common/status_details.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::Property;

MATCHER_P2(FieldViolationIs, field, description, "") {
  return arg.field() == field && arg.description() == description;
}

::testing::Matcher<google::rpc::ErrorInfo> ErrorInfoIs(
    const std::string& reason, const std::string& domain) {
  return ::testing::AllOf(
      Property("reason", &google::rpc::ErrorInfo::reason, reason),
      Property("domain", &google::rpc::ErrorInfo::domain, domain));
}

google::rpc::ResourceInfo Resource(const std::string& name) {
  google::rpc::ResourceInfo info;
  info.set_resource_name(name);
  return info;
}

// The field violations of the status's BadRequest detail; none without one.
std::vector<google::rpc::BadRequest::FieldViolation> FieldViolationsOf(
    const absl::Status& status) {
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  if (!bad_request.has_value()) return {};
  return {bad_request->field_violations().begin(),
          bad_request->field_violations().end()};
}

std::vector<std::string> DetailTypeUrls(const google::rpc::Status& status) {
  std::vector<std::string> urls;
  for (const auto& any : status.details()) urls.push_back(any.type_url());
  return urls;
}

template <typename T>
std::vector<T> DetailsOfType(const google::rpc::Status& status) {
  std::vector<T> found;
  for (const auto& any : status.details()) {
    T detail;
    if (any.type_url() == "type.googleapis.com/" + T().GetTypeName() &&
        detail.ParseFromString(any.value())) {
      found.push_back(detail);
    }
  }
  return found;
}

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

TEST(TypeUrlOf, IsTypeGoogleapisPrefixPlusFullName) {
  EXPECT_EQ(TypeUrlOf(google::rpc::ErrorInfo()),
            "type.googleapis.com/google.rpc.ErrorInfo");
}

TEST(AddDetail, AttachesDetailThatGetDetailReturns) {
  absl::Status status = absl::NotFoundError("gone");
  AddDetail(status, Resource("to1"));
  EXPECT_THAT(
      GetDetail<google::rpc::ResourceInfo>(status),
      Optional(Property(&google::rpc::ResourceInfo::resource_name, "to1")));
}

TEST(AddDetail, IsNoOpOnOkStatus) {
  absl::Status status = absl::OkStatus();
  AddDetail(status, Resource("to1"));
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(GetDetail<google::rpc::ResourceInfo>(status), std::nullopt);
}

TEST(AddDetail, SecondDetailOfSameTypeReplacesFirst) {
  absl::Status status = absl::NotFoundError("gone");
  AddDetail(status, Resource("first"));
  AddDetail(status, Resource("second"));
  EXPECT_THAT(
      GetDetail<google::rpc::ResourceInfo>(status),
      Optional(Property(&google::rpc::ResourceInfo::resource_name, "second")));
}

TEST(GetDetail, ReturnsNulloptWhenTypeIsAbsent) {
  absl::Status status = absl::NotFoundError("gone");
  AddDetail(status, google::rpc::ResourceInfo());
  EXPECT_EQ(GetDetail<google::rpc::RetryInfo>(status), std::nullopt);
}

TEST(GetDetail, ReturnsNulloptWhenPayloadDoesNotParse) {
  absl::Status status = absl::NotFoundError("gone");
  status.SetPayload(TypeUrlOf(google::rpc::RetryInfo()),
                    absl::Cord("\xff\xff\xff"));
  EXPECT_EQ(GetDetail<google::rpc::RetryInfo>(status), std::nullopt);
}

TEST(MakeError, SetsCodeMessageAndErrorInfoWithGatewayDomain) {
  const absl::Status status =
      MakeError(absl::StatusCode::kUnavailable, "down", "UPSTREAM_DOWN");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "down");
  EXPECT_THAT(GetDetail<google::rpc::ErrorInfo>(status),
              Optional(ErrorInfoIs("UPSTREAM_DOWN", "upload-token-gateway")));
}

// The RetryInfo's delay in seconds, or -1 without one.
std::int64_t RetryDelaySeconds(absl::Duration delay) {
  absl::Status status = absl::UnavailableError("later");
  AddRetryInfo(status, delay);
  const auto retry = GetDetail<google::rpc::RetryInfo>(status);
  return retry.has_value() ? retry->retry_delay().seconds() : -1;
}

TEST(AddRetryInfo, RoundsTheDelayUpToWholeSeconds) {
  EXPECT_EQ(RetryDelaySeconds(absl::Seconds(7)), 7);
  EXPECT_EQ(RetryDelaySeconds(absl::Milliseconds(7001)), 8);
}

TEST(AddRetryInfo, NegativeDelayIsZero) {
  EXPECT_EQ(RetryDelaySeconds(-absl::Seconds(3)), 0);
  EXPECT_EQ(RetryDelaySeconds(-absl::InfiniteDuration()), 0);
}

// google.protobuf.Duration holds at most 315,576,000,000 s (10,000 years).
TEST(AddRetryInfo, EndlessDelayIsProtobufsLongestDuration) {
  EXPECT_EQ(RetryDelaySeconds(absl::Hours(24 * 365) * 20'000), 315'576'000'000);
  EXPECT_EQ(RetryDelaySeconds(absl::InfiniteDuration()), 315'576'000'000);
}

TEST(AddRetryInfo, IsNoOpOnOkStatus) {
  absl::Status status;
  AddRetryInfo(status, absl::Seconds(1));
  EXPECT_EQ(GetDetail<google::rpc::RetryInfo>(status), std::nullopt);
}

TEST(AddFieldViolation, KeepsEarlierViolations) {
  absl::Status status = absl::InvalidArgumentError("bad");
  AddFieldViolation(status, "ttl", "too small");
  AddFieldViolation(status, "token", "too long");
  EXPECT_THAT(FieldViolationsOf(status),
              ElementsAre(FieldViolationIs("ttl", "too small"),
                          FieldViolationIs("token", "too long")));
}

TEST(InvalidFieldError, IsInvalidArgumentWithBadRequestAndErrorInfo) {
  const absl::Status status = InvalidFieldError("ttl", "must not be negative");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "invalid request: ttl: must not be negative");
  EXPECT_THAT(FieldViolationsOf(status),
              ElementsAre(FieldViolationIs("ttl", "must not be negative")));
  EXPECT_THAT(
      GetDetail<google::rpc::ErrorInfo>(status),
      Optional(ErrorInfoIs("INVALID_ARGUMENT", "upload-token-gateway")));
}

TEST(FieldViolations, EmptyIsOk) {
  FieldViolations violations;
  EXPECT_TRUE(violations.empty());
  EXPECT_TRUE(violations.ToStatus().ok());
}

TEST(FieldViolations, ReportsEveryFieldInOneStatus) {
  FieldViolations violations;
  violations.Add("page_size", "must not be negative");
  violations.Add("order_by", "unknown field");
  EXPECT_FALSE(violations.empty());
  const absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "invalid request: page_size: must not be negative; order_by: "
            "unknown field");
  EXPECT_THAT(FieldViolationsOf(status),
              ElementsAre(FieldViolationIs("page_size", "must not be negative"),
                          FieldViolationIs("order_by", "unknown field")));
}

TEST(ToRpcStatus, OkHasCodeZeroAndNoDetails) {
  const google::rpc::Status rpc = ToRpcStatus(absl::OkStatus());
  EXPECT_EQ(rpc.code(), 0);
  EXPECT_THAT(rpc.message(), IsEmpty());
  EXPECT_THAT(rpc.details(), IsEmpty());
}

TEST(ToRpcStatus, CopiesCodeAndMessage) {
  const google::rpc::Status rpc =
      ToRpcStatus(absl::FailedPreconditionError("no key"));
  EXPECT_EQ(rpc.code(), 9);  // google.rpc.Code.FAILED_PRECONDITION
  EXPECT_EQ(rpc.message(), "no key");
}

TEST(ToRpcStatus, AddsErrorInfoNamedAfterCodeWhenMissing) {
  const google::rpc::Status rpc = ToRpcStatus(absl::NotFoundError("gone"));
  EXPECT_THAT(DetailsOfType<google::rpc::ErrorInfo>(rpc),
              ElementsAre(ErrorInfoIs("NOT_FOUND", "upload-token-gateway")));
}

TEST(ToRpcStatus, KeepsGivenErrorInfoWithoutAddingAnother) {
  const google::rpc::Status rpc = ToRpcStatus(
      MakeError(absl::StatusCode::kNotFound, "gone", "RESOURCE_NOT_FOUND"));
  EXPECT_THAT(
      DetailsOfType<google::rpc::ErrorInfo>(rpc),
      ElementsAre(ErrorInfoIs("RESOURCE_NOT_FOUND", "upload-token-gateway")));
}

TEST(ToRpcStatus, SortsDetailsByTypeUrl) {
  absl::Status status = absl::ResourceExhaustedError("slow down");
  AddDetail(status, google::rpc::RetryInfo());
  AddDetail(status, google::rpc::QuotaFailure());
  AddDetail(status, google::rpc::BadRequest());
  EXPECT_THAT(DetailTypeUrls(ToRpcStatus(status)),
              ElementsAre("type.googleapis.com/google.rpc.BadRequest",
                          "type.googleapis.com/google.rpc.ErrorInfo",
                          "type.googleapis.com/google.rpc.QuotaFailure",
                          "type.googleapis.com/google.rpc.RetryInfo"));
}

TEST(ToRpcStatus, EncodingDoesNotDependOnOrderDetailsWereAdded) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(7);
  const google::rpc::ResourceInfo resource = Resource("to1");

  absl::Status one = absl::NotFoundError("gone");
  AddDetail(one, retry);
  AddDetail(one, resource);
  absl::Status two = absl::NotFoundError("gone");
  AddDetail(two, resource);
  AddDetail(two, retry);

  EXPECT_EQ(ToRpcStatus(one).SerializeAsString(),
            ToRpcStatus(two).SerializeAsString());
}

TEST(ToRpcStatus, EncodesMapFieldsOfDetailsDeterministically) {
  google::rpc::ErrorInfo info;
  info.set_reason("R");
  info.set_domain("upload-token-gateway");
  for (int i = 0; i < 32; ++i) {
    (*info.mutable_metadata())[absl::StrCat("key", i)] = absl::StrCat(i);
  }
  absl::Status status = absl::InternalError("x");
  AddDetail(status, info);
  const google::rpc::Status rpc = ToRpcStatus(status);
  ASSERT_EQ(rpc.details_size(), 1);
  EXPECT_EQ(rpc.details(0).value(), DeterministicBytes(info));
}

TEST(ToRpcStatus, LeavesOutPayloadsOutsideTypeGoogleapisCom) {
  absl::Status status = absl::UnavailableError("down");
  status.SetPayload("type.upload-token-gateway/internal.Mark", absl::Cord("1"));
  const google::rpc::Status rpc = ToRpcStatus(status);
  EXPECT_THAT(DetailTypeUrls(rpc),
              ElementsAre("type.googleapis.com/google.rpc.ErrorInfo"));
}

}  // namespace
}  // namespace gateway
