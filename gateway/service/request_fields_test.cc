#include "gateway/service/request_fields.h"

#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::service {
namespace {

using ::google::rpc::BadRequest;
using ::testing::ElementsAre;
using ::testing::Property;

TEST(RequestFieldFromApiName, MapsApiNamesToRequestFields) {
  const struct {
    absl::string_view api_name;
    absl::string_view field;
  } kNames[] = {{"uploadToken", "token"},
                {"pageSize", "page_size"},
                {"currentPage", "page_token"},
                {"sortBy", "order_by"},
                {"sortOrder", "order_by"}};
  for (const auto& [api_name, field] : kNames) {
    EXPECT_EQ(RequestFieldFromApiName(api_name), field) << api_name;
  }
}

TEST(RequestFieldFromApiName, ReturnsUnknownNamesUnchanged) {
  for (absl::string_view name : {"ttl", "scheduledAt", ""}) {
    EXPECT_EQ(RequestFieldFromApiName(name), name);
  }
}

TEST(WithRequestFieldNames, RenamesEveryViolationKeepingOrderAndText) {
  absl::Status status = absl::InvalidArgumentError("api.video rejected it");
  AddFieldViolation(status, "currentPage", "out of range");
  AddFieldViolation(status, "pageSize", "out of range");
  AddFieldViolation(status, "sortBy", "invalid");
  const absl::Status renamed = WithRequestFieldNames(status);
  EXPECT_EQ(renamed.message(), "api.video rejected it");
  const auto bad_request = GetDetail<BadRequest>(renamed);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_THAT(
      bad_request->field_violations(),
      ElementsAre(
          Property(&BadRequest::FieldViolation::field, "page_token"),
          Property(&BadRequest::FieldViolation::field, "page_size"),
          Property(&BadRequest::FieldViolation::description, "invalid")));
}

TEST(WithRequestFieldNames, LeavesOtherErrorsAlone) {
  const absl::Status not_found = absl::NotFoundError("gone");
  EXPECT_EQ(WithRequestFieldNames(not_found), not_found);
  const absl::Status plain = absl::InvalidArgumentError("no details");
  EXPECT_EQ(WithRequestFieldNames(plain), plain);
}

}  // namespace
}  // namespace gateway::service
