#include "gateway/apivideo/json_mapping.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gateway/apivideo/testing/problem_bodies.h"
#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// 2020-12-02T10:13:19Z and one hour later, as Unix seconds.
constexpr std::int64_t kCreated = 1606903999;
constexpr std::int64_t kExpires = kCreated + 3600;

MATCHER(IsMalformedUpstreamResponse, "") {
  if (arg.ok()) {
    *result_listener << "parsed successfully";
    return false;
  }
  const absl::Status& status = arg.status();
  if (status.code() != absl::StatusCode::kInternal) {
    *result_listener << "code is " << absl::StatusCodeToString(status.code());
    return false;
  }
  const auto info = GetDetail<google::rpc::ErrorInfo>(status);
  if (!info.has_value() || info->reason() != "UPSTREAM_MALFORMED_RESPONSE" ||
      info->domain() != "upload-token-gateway") {
    *result_listener << "ErrorInfo is "
                     << (info.has_value() ? info->ShortDebugString()
                                          : "absent");
    return false;
  }
  return true;
}

TEST(CreateTokenRequestBody, IsJsonObjectWithTtl) {
  google::protobuf::Struct body;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  CreateTokenRequestBody(3600), &body)
                  .ok());
  ASSERT_EQ(body.fields().size(), 1u);
  EXPECT_EQ(body.fields().at("ttl").number_value(), 3600);
}

TEST(CreateTokenRequestBody, SpellsTtlExactly) {
  EXPECT_EQ(CreateTokenRequestBody(0), R"({"ttl":0})");
  EXPECT_EQ(CreateTokenRequestBody(2147483647), R"({"ttl":2147483647})");
}

// A document ParseUploadToken reads, and the token it makes of it.
struct TokenCase {
  const char* name;
  const char* json;
  const char* token;
  std::int32_t ttl;
  std::int64_t created_at;                 // Unix seconds
  std::optional<std::int64_t> expires_at;  // empty: unset

  friend void PrintTo(const TokenCase& c, std::ostream* os) { *os << c.name; }
};

class ParseUploadTokenTest : public ::testing::TestWithParam<TokenCase> {};

TEST_P(ParseUploadTokenTest, MakesTheToken) {
  const TokenCase& c = GetParam();
  const auto token = ParseUploadToken(c.json);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->token(), c.token);
  EXPECT_EQ(token->ttl(), c.ttl);
  EXPECT_EQ(token->created_at().seconds(), c.created_at);
  EXPECT_EQ(token->created_at().nanos(), 0);
  EXPECT_EQ(token->has_expires_at(), c.expires_at.has_value());
  if (c.expires_at.has_value()) {
    EXPECT_EQ(token->expires_at().seconds(), *c.expires_at);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Documents, ParseUploadTokenTest,
    ::testing::Values(
        TokenCase{"SpecExampleWithPlusZeroOffsets",
                  R"({"token":"to1tcmSFHeYY5KzyhOqVKMKb","ttl":3600,)"
                  R"("createdAt":"2020-12-02T10:13:19+00:00",)"
                  R"("expiresAt":"2020-12-02T11:13:19+00:00"})",
                  "to1tcmSFHeYY5KzyhOqVKMKb", 3600, kCreated, kExpires},
        TokenCase{"RenderedDocsFormWithMillisecondsAndZ",
                  R"({"token":"to1tcmSFHeYY5KzyhOqVKMKb","ttl":3600,)"
                  R"("createdAt":"2020-12-02T10:13:19.000Z",)"
                  R"("expiresAt":"2020-12-02T11:13:19.000Z"})",
                  "to1tcmSFHeYY5KzyhOqVKMKb", 3600, kCreated, kExpires},
        TokenCase{"NonZeroOffsetConvertedToUtc",
                  R"({"token":"to1","ttl":0,)"
                  R"("createdAt":"2020-12-02T12:13:19+02:00"})",
                  "to1", 0, kCreated, std::nullopt},
        TokenCase{"SpecExampleWithoutExpiresAt",
                  R"({"token":"to1tcmSFHeYY5KzyhOqVKMKb","ttl":0,)"
                  R"("createdAt":"2020-12-02T10:13:19+00:00"})",
                  "to1tcmSFHeYY5KzyhOqVKMKb", 0, kCreated, std::nullopt},
        TokenCase{"NullExpiresAtIsUnset",
                  R"({"token":"to1","ttl":0,)"
                  R"("createdAt":"2020-12-02T10:13:19+00:00",)"
                  R"("expiresAt":null})",
                  "to1", 0, kCreated, std::nullopt},
        // A token that never expires: api.video repeats createdAt.
        TokenCase{"ExpiresAtClearedWhenTtlIsZero",
                  R"({"token":"to1","ttl":0,)"
                  R"("createdAt":"2020-12-02T10:13:19+00:00",)"
                  R"("expiresAt":"2020-12-02T10:13:19+00:00"})",
                  "to1", 0, kCreated, std::nullopt},
        TokenCase{"UnknownKeysIgnored",
                  R"({"token":"to1","ttl":60,)"
                  R"("createdAt":"2020-12-02T10:13:19+00:00",)"
                  R"("expiresAt":"2020-12-02T10:14:19+00:00","videoId":"vi1",)"
                  R"("nested":{"a":[1,2,{"b":null}]},"flag":true})",
                  "to1", 60, kCreated, kCreated + 60},
        TokenCase{"MaximumTtl",
                  R"({"token":"to1","ttl":2147483647,)"
                  R"("createdAt":"2020-12-02T10:13:19+00:00"})",
                  "to1", 2147483647, kCreated, std::nullopt}),
    ::testing::PrintToStringParamName());

TEST(ParseUploadToken, MalformedMessageSaysWhatWasWrong) {
  const auto token =
      ParseUploadToken(R"({"ttl":0,"createdAt":"2020-12-02T10:13:19+00:00"})");
  ASSERT_FALSE(token.ok());
  EXPECT_THAT(token.status().message(), HasSubstr("\"token\" is missing"));
}

TEST(ParseUploadToken, MalformedValueIsQuotedCutInTheMessage) {
  const std::string value(1 << 20, 'v');
  const absl::StatusOr<UploadToken> token = ParseUploadToken(
      absl::StrCat(R"({"token":"to1","ttl":0,"createdAt":")", value, R"("})"));
  ASSERT_FALSE(token.ok());
  EXPECT_LE(token.status().message().size(), 1024);
  EXPECT_THAT(token.status().message(),
              HasSubstr(absl::StrCat(value.substr(0, 100), "...(truncated)")))
      << token.status();
}

class ParseUploadTokenMalformed : public ::testing::TestWithParam<std::string> {
};

TEST_P(ParseUploadTokenMalformed, IsInternalUpstreamMalformedResponse) {
  EXPECT_THAT(ParseUploadToken(GetParam()), IsMalformedUpstreamResponse());
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, ParseUploadTokenMalformed,
    ::testing::Values(
        "",          // empty body
        " \r\n\t",   // blank body
        "not json",  // not JSON
        "<html><body>502 Bad Gateway</body></html>",
        R"({"token":"to1")",  // truncated
        "[]",                 // array
        R"([{"token":"to1","ttl":0,"createdAt":"2020-12-02T10:13:19+00:00"}])",
        "null", "42", R"("to1")",
        "{}",  // everything missing
        R"({"ttl":0,"createdAt":"2020-12-02T10:13:19+00:00"})",  // no token
        R"({"token":"","ttl":0,"createdAt":"2020-12-02T10:13:19+00:00"})",
        R"({"token":null,"ttl":0,"createdAt":"2020-12-02T10:13:19+00:00"})",
        R"({"token":"to1","ttl":0})",  // no createdAt
        R"({"token":"to1","ttl":0,"createdAt":null})",
        R"({"token":"to1","ttl":0,"createdAt":"yesterday"})",
        R"({"token":"to1","ttl":0,"createdAt":1606903999})",
        R"({"token":"to1","ttl":2147483648,)"  // over int32
        R"("createdAt":"2020-12-02T10:13:19+00:00"})",
        R"({"token":"to1","ttl":99999999999999999999,)"
        R"("createdAt":"2020-12-02T10:13:19+00:00"})",
        R"({"token":"to1","ttl":-1,"createdAt":"2020-12-02T10:13:19+00:00"})",
        R"({"token":"to1","ttl":1.5,"createdAt":"2020-12-02T10:13:19+00:00"})",
        R"({"token":"to1","ttl":"abc","createdAt":"2020-12-02T10:13:19+00:00"})",
        R"({"token":42,"ttl":0,"createdAt":"2020-12-02T10:13:19+00:00"})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19+00:00",)"
        R"("expiresAt":"soon"})"));

constexpr char kSpecList[] =
    R"({"data":[{"token":"to37YfoPDRR2pcDKa6LsUE0M","ttl":3600,)"
    R"("createdAt":"2020-12-02T10:26:46+00:00",)"
    R"("expiresAt":"2020-12-02T11:26:46+00:00"},)"
    R"({"token":"to1W3ZS9PdUBZWzzTEZr1B79","ttl":0,)"
    R"("createdAt":"2020-12-02T10:26:28+00:00"}],)"
    R"("pagination":{"currentPage":1,"currentPageItems":2,"pageSize":25,)"
    R"("pagesTotal":1,"itemsTotal":2,"links":[)"
    R"({"rel":"self","uri":"/upload-tokens?currentPage=1&pageSize=25"},)"
    R"({"rel":"first","uri":"/upload-tokens?currentPage=1&pageSize=25"},)"
    R"({"rel":"last","uri":"/upload-tokens?currentPage=1&pageSize=25"}]}})";

TEST(ParseTokenList, ParsesSpecExampleTokens) {
  const auto list = ParseTokenList(kSpecList);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->data_size(), 2);
  EXPECT_EQ(list->data(0).token(), "to37YfoPDRR2pcDKa6LsUE0M");
  EXPECT_EQ(list->data(0).ttl(), 3600);
  EXPECT_EQ(list->data(0).expires_at().seconds(),
            list->data(0).created_at().seconds() + 3600);
  EXPECT_EQ(list->data(1).token(), "to1W3ZS9PdUBZWzzTEZr1B79");
  EXPECT_FALSE(list->data(1).has_expires_at());
}

TEST(ParseTokenList, ParsesSpecExamplePagination) {
  const auto list = ParseTokenList(kSpecList);
  ASSERT_TRUE(list.ok()) << list.status();
  const json::Pagination& pagination = list->pagination();
  EXPECT_EQ(pagination.current_page(), 1);
  EXPECT_EQ(pagination.current_page_items(), 2);
  EXPECT_EQ(pagination.page_size(), 25);
  EXPECT_EQ(pagination.pages_total(), 1);
  EXPECT_EQ(pagination.items_total(), 2);
}

TEST(ParseTokenList, AcceptsLinksAsObjectLikeSpecPaginationExample) {
  const auto list = ParseTokenList(
      R"({"data":[],"pagination":{"currentPage":1,"pagesTotal":1,)"
      R"("itemsTotal":0,"pageSize":25,"currentPageItems":0,)"
      R"("links":{"self":{"uri":"/upload-tokens"}}}})");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(list->data(), IsEmpty());
}

TEST(ParseTokenList, ParsesEmptyList) {
  const auto list = ParseTokenList(
      R"({"data":[],"pagination":{"currentPage":1,"currentPageItems":0,)"
      R"("pageSize":25,"pagesTotal":0,"itemsTotal":0,"links":[]}})");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(list->data(), IsEmpty());
  EXPECT_EQ(list->pagination().items_total(), 0);
}

TEST(ParseTokenList, ClearsExpiresAtOfTtlZeroTokens) {
  const auto list = ParseTokenList(
      R"({"data":[{"token":"to1","ttl":0,)"
      R"("createdAt":"2020-12-02T10:26:28+00:00",)"
      R"("expiresAt":"2020-12-02T10:26:28+00:00"}],)"
      R"("pagination":{"currentPage":1,"pagesTotal":1,"itemsTotal":1}})");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->data_size(), 1);
  EXPECT_FALSE(list->data(0).has_expires_at());
}

class ParseTokenListMalformed : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseTokenListMalformed, IsInternalUpstreamMalformedResponse) {
  EXPECT_THAT(ParseTokenList(GetParam()), IsMalformedUpstreamResponse());
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, ParseTokenListMalformed,
    ::testing::Values(
        "", "\n", "not json", "[]", "null", R"([{"data":[],"pagination":{}}])",
        R"({"data":[]})",  // no pagination
        R"({"data":[],"pagination":null})",
        R"({"data":{},"pagination":{}})",  // data not an array
        R"({"data":[],"pagination":[]})",
        R"({"data":[{"ttl":0,"createdAt":"2020-12-02T10:26:28+00:00"}],)"
        R"("pagination":{}})",  // token missing in an item
        R"({"data":[{"token":"to1","ttl":0}],"pagination":{}})",  // createdAt
        R"({"data":[{"token":"to1","ttl":2147483648,)"
        R"("createdAt":"2020-12-02T10:26:28+00:00"}],"pagination":{}})",
        R"({"data":[],"pagination":{"itemsTotal":2147483648}})",
        R"({"data":[],"pagination":{"currentPage":"one"}})"));

// ParseUploadToken and ParseTokenList read plain documents with their own
// scanner and hand anything else to protobuf's parser: either way the result
// must be what protobuf's parser alone makes of the document.
class ParsersAgreeWithProtobuf : public ::testing::TestWithParam<std::string> {
};

TEST_P(ParsersAgreeWithProtobuf, OnUploadTokens) {
  UploadToken expected;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const bool valid = google::protobuf::util::JsonStringToMessage(
                         GetParam(), &expected, options)
                         .ok();
  const auto token = ParseUploadToken(GetParam());
  if (!valid) {
    EXPECT_FALSE(token.ok());
    return;
  }
  if (expected.ttl() == 0) expected.clear_expires_at();
  if (!token.ok()) {
    // Only the checks beyond protobuf's may fail a document it reads.
    EXPECT_TRUE(expected.token().empty() || !expected.has_created_at() ||
                expected.ttl() < 0)
        << token.status();
    return;
  }
  EXPECT_EQ(token->SerializeAsString(), expected.SerializeAsString());
}

TEST_P(ParsersAgreeWithProtobuf, OnTokenLists) {
  const std::string document = absl::StrCat(
      R"({"data":[)", GetParam(), ",", GetParam(),
      R"(],"pagination":{"currentPage":2,"pageSize":2,"pagesTotal":3,)"
      R"("itemsTotal":5,"currentPageItems":2,"links":[{"rel":"self"}]}})");
  json::TokenListResponse expected;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const bool valid =
      google::protobuf::util::JsonStringToMessage(document, &expected, options)
          .ok();
  const auto list = ParseTokenList(document);
  if (!valid) {
    EXPECT_FALSE(list.ok());
    return;
  }
  // The list may refuse a token that protobuf takes (the mapping is
  // stricter), but then for that token's own sake: the same token alone is
  // refused too.
  if (!list.ok()) {
    EXPECT_FALSE(ParseUploadToken(GetParam()).ok())
        << "the list was refused for another reason: " << list.status();
    return;
  }
  for (UploadToken& token : *expected.mutable_data()) {
    if (token.ttl() == 0) token.clear_expires_at();
  }
  EXPECT_EQ(list->SerializeAsString(), expected.SerializeAsString());
}

INSTANTIATE_TEST_SUITE_P(
    Documents, ParsersAgreeWithProtobuf,
    ::testing::Values(
        R"({"token":"to1","ttl":3600,"createdAt":"2020-12-02T10:13:19+00:00","expiresAt":"2020-12-02T11:13:19+00:00"})",
        R"( { "token" : "to1" , "ttl" : 60 , "createdAt" : "2020-12-02T10:13:19.123Z" } )",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19.123456-05:30"})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19.123456789+14:00"})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19.5Z"})",
        R"({"token":"to1","ttl":60,"createdAt":"1970-01-01T00:00:00Z"})",
        R"({"token":"to1","ttl":60,"createdAt":"0001-01-01T00:00:00Z"})",
        R"({"token":"to1","ttl":60,"createdAt":"9999-12-31T23:59:59Z"})",
        R"({"token":"to1","ttl":60,"createdAt":"2024-02-29T12:00:00Z"})",
        R"({"token":"to1","ttl":60,"createdAt":"2023-02-29T12:00:00Z"})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-13-02T10:13:19Z"})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02 10:13:19Z"})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19"})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19z"})",
        R"({"token":"to1","ttl":60,"createdAt":null,"expiresAt":null})",
        R"({"token":"to1","ttl":0,"createdAt":"2020-12-02T10:13:19Z","expiresAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","ttl":-0,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","ttl":-5,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","ttl":2147483647,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","ttl":2147483648,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","ttl":"60","createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","ttl":60.0,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","ttl":6e1,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","ttl":060,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"t\u006f1","ttl":60,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"tö1","ttl":60,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","token":"to2","ttl":60,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","ttl":60,"created_at":"2020-12-02T10:13:19Z","expires_at":"2020-12-02T10:14:19Z"})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19Z","x":[1,-2.5e+3,true,false,null,{"y":"z"}]})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19Z"} x)",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19Z",})",
        R"({"token":"to1" "ttl":60})",
        R"({"token":null,"ttl":60,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"ttl":60,"createdAt":"2020-12-02T10:13:19Z"})", R"([])", R"({})",
        R"(null)", R"("to1")",
        // Found by fuzz_json_mapping: a number with a leading zero in an
        // unknown field, and empty keys (refused by protobuf in a message).
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19Z","x":[{"y":00}]})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19Z","":1})",
        R"({"":"a","token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19Z"})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19Z","x":{"":1}})",
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19Z"," ":1})"),
    [](const ::testing::TestParamInfo<std::string>& info) {
      return absl::StrCat("Document", info.index);
    });

// Numbers in an unknown field, which the scanner skips: protobuf's parser
// still reads them, and refuses some that JSON allows (leading zeros,
// beyond a double's range).
std::vector<std::string> TokensWithAnUnknownNumber() {
  std::vector<std::string> documents;
  for (const char* number : {"00",
                             "01",
                             "-00",
                             "-01",
                             "0",
                             "-0",
                             "0.5",
                             "00.5",
                             "0e0",
                             "1e999",
                             "-1e999",
                             "1e-999",
                             "123456789012345678901234567890",
                             "-123456789012345678901234567890",
                             "1.7976931348623157e308",
                             "1.8e308",
                             "18446744073709551615",
                             "18446744073709551616",
                             "-9223372036854775808",
                             "-9223372036854775809"}) {
    documents.push_back(absl::StrCat(
        R"({"token":"to1","ttl":60,"createdAt":"2020-12-02T10:13:19Z","x":)",
        number, "}"));
  }
  return documents;
}

INSTANTIATE_TEST_SUITE_P(UnknownNumbers, ParsersAgreeWithProtobuf,
                         ::testing::ValuesIn(TokensWithAnUnknownNumber()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return absl::StrCat("Number", info.index);
                         });

// Inputs fuzz_json_mapping found on which the scanner and protobuf's parser
// disagreed; both must now fail, as with protobuf's parser alone.
bool ProtobufReadsTokenList(const std::string& body) {
  json::TokenListResponse list;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  return google::protobuf::util::JsonStringToMessage(body, &list, options).ok();
}

// An integer with a leading zero inside an unknown field, which the scanner
// used to skip as a number.
TEST(ParseTokenList, LeadingZeroInAnUnknownFieldFailsAsWithProtobuf) {
  const std::string body =
      R"({"dat=":[{"token":"to2","ttl":00,"creaPage":2,)"
      R"("cutedAt":"2026-01-01T00:00:00Z01T00:01:00Z"}],)"
      R"("pagination":{"currentPage":2,"currentPageItems":1,)"
      R"("pageSize":       25,"pagesTotal":1,"itepsTotal":1,)"
      R"("links":[{"rel":"self","uri":"/upload-tokens?currentPage=1"}]}})";
  ASSERT_FALSE(ProtobufReadsTokenList(body));

  EXPECT_FALSE(ParseTokenList(body).ok());
}

// An empty key, which the scanner used to skip as an unknown field.
TEST(ParseTokenList, EmptyKeyFailsAsWithProtobuf) {
  const std::string body =
      R"({"":[{"token":"to1","ttl":60,"createdAt":"2026-01-01T00:00:00Z",)"
      R"("expiresAt":"2026-01-01T00:01:00Z"}],)"
      R"("pagination":{"currentPage":1,"currentPageItems":1,"pagsTotal":1,)"
      R"("links":[{"rel":"self","uri":"/upload-tokens?currentPage=1ge=1"}]}})";
  ASSERT_FALSE(ProtobufReadsTokenList(body));

  EXPECT_FALSE(ParseTokenList(body).ok());
}

TEST(ParseUploadToken, IgnoresDeeplyNestedUnknownValueWithoutCrashing) {
  const std::string body = R"({"token":"to1","ttl":0,)"
                           R"("createdAt":"2020-12-02T10:13:19+00:00","x":)" +
                           std::string(100000, '[') + std::string(100000, ']') +
                           "}";
  const auto token = ParseUploadToken(body);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->token(), "to1");
}

TEST(ParseProblem, DeeplyNestedProblemsFailWithoutCrashing) {
  std::string body;
  for (int i = 0; i < 20000; ++i) body += R"({"title":"t","problems":[)";
  for (int i = 0; i < 20000; ++i) body += "]}";
  EXPECT_FALSE(ParseProblem(body).ok());
}

TEST(ParseProblem, ParsesProblemWithNestedProblems) {
  const auto problem =
      ParseProblem(::gateway::apivideo::testing::kAttributeRequiredProblem);
  ASSERT_TRUE(problem.ok()) << problem.status();
  EXPECT_EQ(problem->type(),
            "https://docs.api.video/reference/attribute-required");
  EXPECT_EQ(problem->title(), "This attribute is required.");
  EXPECT_EQ(problem->name(), "title");
  EXPECT_EQ(problem->status(), 400);
  EXPECT_THAT(problem->problems(),
              ::testing::ElementsAre(
                  ::testing::Property(&json::Problem::name, "title"),
                  ::testing::Property(&json::Problem::name, "scheduledAt")));
}

TEST(ParseProblem, IgnoresUnknownKeysSuchAsRange) {
  const auto problem = ParseProblem(
      R"({"title":"This parameter is out of the allowed range of values.",)"
      R"("name":"page","status":400,"range":{"min":1}})");
  ASSERT_TRUE(problem.ok()) << problem.status();
  EXPECT_EQ(problem->name(), "page");
  EXPECT_THAT(problem->type(), IsEmpty());
}

TEST(ParseProblem, RejectsNonObjects) {
  for (const char* body : {"", "<html>502</html>", "[]", "\"oops\"", "42"}) {
    EXPECT_FALSE(ParseProblem(body).ok()) << body;
  }
}

// --- /auth request bodies ----------------------------------------------------

// Parses `body` with protobuf's JSON parser, which rejects invalid JSON.
google::protobuf::Struct ParseObject(const std::string& body) {
  google::protobuf::Struct object;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(body, &object);
  EXPECT_TRUE(parsed.ok()) << parsed << " for " << body;
  return object;
}

// Every byte a JSON string must escape, and some it need not.
const std::string kAwkward = std::string("q\"uote b\\ack /slash \n\r\t") +
                             std::string(1, '\0') + "\x01\x1f\x7f end";

TEST(ApiKeyRequestBody, SpellsPlainKeyExactly) {
  EXPECT_EQ(ApiKeyRequestBody("xMJ4Zs2mHi3pe"),
            R"({"apiKey":"xMJ4Zs2mHi3pe"})");
}

TEST(ApiKeyRequestBody, IsJsonObjectWithOnlyTheKey) {
  const google::protobuf::Struct body =
      ParseObject(ApiKeyRequestBody("xMJ4Zs2mHi3pe"));
  ASSERT_EQ(body.fields().size(), 1u);
  EXPECT_EQ(body.fields().at("apiKey").string_value(), "xMJ4Zs2mHi3pe");
}

TEST(ApiKeyRequestBody, EscapesQuotesBackslashesAndControlCharacters) {
  const std::string body = ApiKeyRequestBody(kAwkward);
  const google::protobuf::Struct object = ParseObject(body);
  ASSERT_EQ(object.fields().size(), 1u);
  EXPECT_EQ(object.fields().at("apiKey").string_value(), kAwkward);
}

TEST(ApiKeyRequestBody, WritesControlCharactersEscaped) {
  EXPECT_EQ(ApiKeyRequestBody(std::string("a\nb\x1f", 4)),
            R"({"apiKey":"a\nb\u001f"})");
  const std::string body = ApiKeyRequestBody(kAwkward);
  for (const char c : body) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control byte";
  }
}

TEST(ApiKeyRequestBody, EscapesQuoteAndBackslash) {
  EXPECT_EQ(ApiKeyRequestBody(R"(a"b\c)"), R"({"apiKey":"a\"b\\c"})");
}

TEST(ApiKeyRequestBody, KeepsUtf8Unchanged) {
  const std::string key = "cl\xc3\xa9-\xe2\x82\xac";  // "clé-€"
  EXPECT_EQ(
      ParseObject(ApiKeyRequestBody(key)).fields().at("apiKey").string_value(),
      key);
}

TEST(ApiKeyRequestBody, EmptyKeyIsEmptyString) {
  EXPECT_EQ(ApiKeyRequestBody(""), R"({"apiKey":""})");
}

TEST(RefreshRequestBody, SpellsPlainTokenExactly) {
  EXPECT_EQ(RefreshRequestBody("def50200abc"),
            R"({"refreshToken":"def50200abc"})");
}

TEST(RefreshRequestBody, EscapesQuotesBackslashesAndControlCharacters) {
  const google::protobuf::Struct object =
      ParseObject(RefreshRequestBody(kAwkward));
  ASSERT_EQ(object.fields().size(), 1u);
  EXPECT_EQ(object.fields().at("refreshToken").string_value(), kAwkward);
}

// --- ParseAccessToken --------------------------------------------------------

// The SPEC's example answer of POST /auth/api-key.
constexpr char kAccessTokenBody[] =
    R"({"token_type":"Bearer","expires_in":3600,)"
    R"("access_token":"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.sig",)"
    R"("refresh_token":"def50200acbd1b6f1e64ad7fd8ad63f9c7b5d1e2"})";

TEST(ParseAccessToken, ParsesSpecExample) {
  const auto token = ParseAccessToken(kAccessTokenBody);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->token_type(), "Bearer");
  EXPECT_EQ(token->expires_in(), 3600);
  EXPECT_EQ(token->access_token(),
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.sig");
  EXPECT_EQ(token->refresh_token(), "def50200acbd1b6f1e64ad7fd8ad63f9c7b5d1e2");
}

TEST(ParseAccessToken, IgnoresUnknownKeys) {
  const auto token = ParseAccessToken(
      R"({"access_token":"at","expires_in":60,"scope":{"a":[1,2]},"x":null})");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->access_token(), "at");
  EXPECT_EQ(token->expires_in(), 60);
}

TEST(ParseAccessToken, AcceptsMissingRefreshToken) {
  const auto token =
      ParseAccessToken(R"({"access_token":"at","expires_in":1})");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_THAT(token->refresh_token(), IsEmpty());
}

TEST(ParseAccessToken, MissingAccessTokenIsMalformed) {
  const auto token = ParseAccessToken(R"({"expires_in":3600})");
  EXPECT_THAT(token, IsMalformedUpstreamResponse());
  EXPECT_THAT(token.status().message(), HasSubstr("access_token"));
}

TEST(ParseAccessToken, EmptyAccessTokenIsMalformed) {
  EXPECT_THAT(ParseAccessToken(R"({"access_token":"","expires_in":3600})"),
              IsMalformedUpstreamResponse());
}

TEST(ParseAccessToken, ZeroExpiresInIsMalformed) {
  const auto token =
      ParseAccessToken(R"({"access_token":"at","expires_in":0})");
  EXPECT_THAT(token, IsMalformedUpstreamResponse());
  EXPECT_THAT(token.status().message(), HasSubstr("expires_in"));
}

TEST(ParseAccessToken, MissingExpiresInIsMalformed) {
  EXPECT_THAT(ParseAccessToken(R"({"access_token":"at"})"),
              IsMalformedUpstreamResponse());
}

TEST(ParseAccessToken, NegativeExpiresInIsMalformed) {
  EXPECT_THAT(ParseAccessToken(R"({"access_token":"at","expires_in":-5})"),
              IsMalformedUpstreamResponse());
}

class ParseAccessTokenNotADocument
    : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseAccessTokenNotADocument, IsInternalUpstreamMalformedResponse) {
  EXPECT_THAT(ParseAccessToken(GetParam()), IsMalformedUpstreamResponse());
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, ParseAccessTokenNotADocument,
    ::testing::Values("", " \n", "not json", "<html>502 Bad Gateway</html>",
                      "[]", "null", "42", R"("at")",
                      R"({"access_token":"at","expires_in":3600)",
                      R"({"access_token":42,"expires_in":3600})",
                      R"({"access_token":"at","expires_in":"soon"})",
                      R"({"access_token":"at","expires_in":1.5})"));

// The body holds credentials: no error may repeat any of it.
class ParseAccessTokenSecrets : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseAccessTokenSecrets, ErrorNeverContainsTheBody) {
  const auto token = ParseAccessToken(GetParam());
  ASSERT_FALSE(token.ok());
  EXPECT_THAT(token.status().message(), Not(HasSubstr("S3CR3T")));
  EXPECT_THAT(ToRpcStatus(token.status()).DebugString(),
              Not(HasSubstr("S3CR3T")));
  // Nor any payload: details or internal bookkeeping.
  token.status().ForEachPayload(
      [](absl::string_view type_url, const absl::Cord& payload) {
        EXPECT_THAT(std::string(payload), Not(HasSubstr("S3CR3T"))) << type_url;
      });
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, ParseAccessTokenSecrets,
    ::testing::Values(
        "S3CR3T-not-json", R"({"access_token":"S3CR3T-at","expires_in":0})",
        R"({"access_token":"S3CR3T-at","refresh_token":"S3CR3T-rt"})",
        R"({"access_token":"S3CR3T-at","expires_in":"S3CR3T-x"})",
        R"({"refresh_token":"S3CR3T-rt","expires_in":3600})",
        R"({"access_token":"S3CR3T-at","expires_in":3600)",
        R"({"access_token":"S3CR3T-at",S3CR3T:3600})",
        R"({"S3CR3T-key":true,"expires_in":3600})"));

}  // namespace
}  // namespace gateway::apivideo
