#include "gateway/service/request_fields.h"

#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::service {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> FieldsOf(const absl::Status& status) {
  std::vector<std::string> fields;
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  if (!bad_request.has_value()) return fields;
  for (const auto& violation : bad_request->field_violations()) {
    fields.push_back(violation.field());
  }
  return fields;
}

TEST(RequestFieldFromApiName, MapsApiNamesToRequestFields) {
  EXPECT_EQ(RequestFieldFromApiName("uploadToken"), "token");
  EXPECT_EQ(RequestFieldFromApiName("pageSize"), "page_size");
  EXPECT_EQ(RequestFieldFromApiName("currentPage"), "page_token");
  EXPECT_EQ(RequestFieldFromApiName("sortBy"), "order_by");
  EXPECT_EQ(RequestFieldFromApiName("sortOrder"), "order_by");
}

TEST(RequestFieldFromApiName, ReturnsUnknownNamesUnchanged) {
  EXPECT_EQ(RequestFieldFromApiName("ttl"), "ttl");
  EXPECT_EQ(RequestFieldFromApiName("scheduledAt"), "scheduledAt");
  EXPECT_EQ(RequestFieldFromApiName(""), "");
}

TEST(WithRequestFieldNames, RenamesEveryViolationKeepingOrderAndText) {
  absl::Status status = absl::InvalidArgumentError("api.video rejected it");
  AddFieldViolation(status, "currentPage", "out of range");
  AddFieldViolation(status, "pageSize", "out of range");
  AddFieldViolation(status, "sortBy", "invalid");
  const absl::Status renamed = WithRequestFieldNames(status);
  EXPECT_THAT(FieldsOf(renamed),
              ElementsAre("page_token", "page_size", "order_by"));
  EXPECT_EQ(renamed.message(), "api.video rejected it");
  EXPECT_EQ(GetDetail<google::rpc::BadRequest>(renamed)
                ->field_violations(2)
                .description(),
            "invalid");
}

TEST(WithRequestFieldNames, LeavesOtherErrorsAlone) {
  const absl::Status not_found = absl::NotFoundError("gone");
  EXPECT_EQ(WithRequestFieldNames(not_found), not_found);
  const absl::Status plain = absl::InvalidArgumentError("no details");
  EXPECT_EQ(WithRequestFieldNames(plain), plain);
}

}  // namespace
}  // namespace gateway::service
