#include "gateway/service/validation.h"

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::service {
namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;

MATCHER_P(ViolatesOnly, field, "") {
  if (arg.code() != absl::StatusCode::kInvalidArgument) {
    *result_listener << "code is " << absl::StatusCodeToString(arg.code());
    return false;
  }
  const auto bad_request = GetDetail<google::rpc::BadRequest>(arg);
  if (!bad_request.has_value()) {
    *result_listener << "has no BadRequest";
    return false;
  }
  if (bad_request->field_violations_size() != 1 ||
      bad_request->field_violations(0).field() != field) {
    *result_listener << "BadRequest is " << bad_request->ShortDebugString();
    return false;
  }
  return true;
}

absl::Status ValidateTtl(std::int32_t ttl) {
  CreateUploadTokenRequest request;
  request.set_ttl(ttl);
  return ValidateCreateRequest(request);
}

TEST(ValidateCreateRequest, AcceptsZeroTtl) {
  EXPECT_TRUE(ValidateTtl(0).ok());
}

TEST(ValidateCreateRequest, AcceptsMaximumTtl) {
  EXPECT_TRUE(ValidateTtl(std::numeric_limits<std::int32_t>::max()).ok());
}

TEST(ValidateCreateRequest, RejectsMinusOne) {
  EXPECT_THAT(ValidateTtl(-1), ViolatesOnly("ttl"));
}

TEST(ValidateCreateRequest, RejectsMostNegativeTtl) {
  EXPECT_THAT(ValidateTtl(std::numeric_limits<std::int32_t>::min()),
              ViolatesOnly("ttl"));
}

TEST(ValidateCreateRequest, AcceptsAUuidRequestId) {
  CreateUploadTokenRequest request;
  request.set_request_id("4F9B6C1E-2d3a-4b5c-8e7f-0a1b2c3d4e5f");
  EXPECT_TRUE(ValidateCreateRequest(request).ok());
}

TEST(ValidateCreateRequest, RejectsARequestIdThatIsNoUuid) {
  for (const char* id : {"42", "4f9b6c1e2d3a4b5c8e7f0a1b2c3d4e5f",
                         "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5g",
                         "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f0",
                         "{4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5}"}) {
    CreateUploadTokenRequest request;
    request.set_request_id(id);
    EXPECT_THAT(ValidateCreateRequest(request), ViolatesOnly("request_id"))
        << id;
  }
}

TEST(ValidateCreateRequest, ReportsABadTtlAndRequestIdTogether) {
  CreateUploadTokenRequest request;
  request.set_ttl(-1);
  request.set_request_id("nope");
  const auto bad_request =
      GetDetail<google::rpc::BadRequest>(ValidateCreateRequest(request));
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations_size(), 2);
}

TEST(ValidateToken, AcceptsApiVideoToken) {
  EXPECT_TRUE(ValidateToken("to1tcmSFHeYY5KzyhOqVKMKb").ok());
}

TEST(ValidateToken, AcceptsEveryAllowedCharacterClass) {
  EXPECT_TRUE(ValidateToken("AZaz09_-").ok());
}

TEST(ValidateToken, RejectsEmptyToken) {
  EXPECT_THAT(ValidateToken(""), ViolatesOnly("token"));
}

TEST(ValidateToken, AcceptsSixtyFourCharacters) {
  EXPECT_TRUE(ValidateToken(std::string(64, 'a')).ok());
}

TEST(ValidateToken, RejectsSixtyFiveCharacters) {
  EXPECT_THAT(ValidateToken(std::string(65, 'a')), ViolatesOnly("token"));
}

TEST(ValidateToken, RejectsTenKilobytesWithoutEchoingThem) {
  const std::string token(10 * 1024, 'q');
  const absl::Status status = ValidateToken(token);
  EXPECT_THAT(status, ViolatesOnly("token"));
  EXPECT_LT(status.message().size(), 200u);
  EXPECT_EQ(status.message().find("qqqqqqqq"), absl::string_view::npos);
}

class ValidateTokenForbiddenCharacter
    : public ::testing::TestWithParam<std::string> {};

TEST_P(ValidateTokenForbiddenCharacter, RejectsTokenContainingIt) {
  const std::string token = "toAbc" + GetParam() + "Xyz";
  EXPECT_THAT(ValidateToken(token), ViolatesOnly("token"));
}

TEST_P(ValidateTokenForbiddenCharacter, MessageAndDetailsNeverEchoToken) {
  const std::string token = "toSecretMarker" + GetParam() + "Zq9";
  const absl::Status status = ValidateToken(token);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().find("SecretMarker"), absl::string_view::npos);
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->DebugString().find("SecretMarker"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(EachClass, ValidateTokenForbiddenCharacter,
                         ::testing::Values(" ", "\t", "\n",
                                           std::string(1, '\0'), ".", "..", "/",
                                           "\\", "%", "%2F", "?", "#", "&", "=",
                                           "+", ":", "@", "~", "*", "\"", "'",
                                           "<", ">", "\x7f", "\x01",
                                           "\xc3\xa9" /* UTF-8 e-acute */,
                                           "\xef\xbd\x81" /* fullwidth a */));

TEST(ValidateToken, MessageForTooLongTokenDoesNotEchoIt) {
  const std::string token = "toSecretMarker" + std::string(60, 'Z');
  const absl::Status status = ValidateToken(token);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().find("SecretMarker"), absl::string_view::npos);
}

TEST(ParseOrderBy, EmptyIsApiVideoDefault) {
  const auto order = ParseOrderBy("");
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(order->field, apivideo::SortField::kDefault);
  EXPECT_EQ(order->normalized, "");
}

TEST(ParseOrderBy, OnlySpacesIsApiVideoDefault) {
  const auto order = ParseOrderBy("   ");
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(order->field, apivideo::SortField::kDefault);
  EXPECT_EQ(order->normalized, "");
}

struct OrderByCase {
  const char* spelling;
  apivideo::SortField field;
  apivideo::SortOrder order;
  const char* normalized;
};

void PrintTo(const OrderByCase& c, std::ostream* os) {
  *os << '"' << c.spelling << '"';
}

class ParseOrderByValid : public ::testing::TestWithParam<OrderByCase> {};

TEST_P(ParseOrderByValid, ParsesFieldOrderAndNormalizedForm) {
  const OrderByCase& c = GetParam();
  const auto order = ParseOrderBy(c.spelling);
  ASSERT_TRUE(order.has_value()) << c.spelling;
  EXPECT_EQ(order->field, c.field);
  EXPECT_EQ(order->order, c.order);
  EXPECT_EQ(order->normalized, c.normalized);
}

using apivideo::SortField;
using apivideo::SortOrder;
INSTANTIATE_TEST_SUITE_P(
    AllSpellings, ParseOrderByValid,
    ::testing::Values(OrderByCase{"created_at", SortField::kCreatedAt,
                                  SortOrder::kAscending, "created_at asc"},
                      OrderByCase{"created_at asc", SortField::kCreatedAt,
                                  SortOrder::kAscending, "created_at asc"},
                      OrderByCase{"created_at desc", SortField::kCreatedAt,
                                  SortOrder::kDescending, "created_at desc"},
                      OrderByCase{"ttl", SortField::kTtl, SortOrder::kAscending,
                                  "ttl asc"},
                      OrderByCase{"ttl asc", SortField::kTtl,
                                  SortOrder::kAscending, "ttl asc"},
                      OrderByCase{"ttl desc", SortField::kTtl,
                                  SortOrder::kDescending, "ttl desc"},
                      // AIP-132: redundant spaces are insignificant.
                      OrderByCase{"  ttl   desc  ", SortField::kTtl,
                                  SortOrder::kDescending, "ttl desc"}));

TEST(ParseOrderBy, EquivalentSpellingsNormalizeAlike) {
  EXPECT_EQ(ParseOrderBy("ttl")->normalized,
            ParseOrderBy(" ttl  asc")->normalized);
  EXPECT_NE(ParseOrderBy("ttl")->normalized,
            ParseOrderBy("ttl desc")->normalized);
  EXPECT_NE(ParseOrderBy("")->normalized,
            ParseOrderBy("created_at")->normalized);
}

class ParseOrderByInvalid : public ::testing::TestWithParam<const char*> {};

TEST_P(ParseOrderByInvalid, Rejects) {
  EXPECT_EQ(ParseOrderBy(GetParam()), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Rejects, ParseOrderByInvalid,
                         ::testing::Values("createdAt", "CREATED_AT",
                                           "created_at DESC", "ttl ASC",
                                           "token", "expires_at", "asc", "desc",
                                           "ttl descending", "ttl desc extra",
                                           "ttl,created_at", "ttl, created_at",
                                           "created_at desc, ttl", "ttl\tdesc",
                                           "-ttl", "ttl+desc", "ttl asc asc"));

}  // namespace
}  // namespace gateway::service
