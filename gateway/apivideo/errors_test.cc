#include "gateway/apivideo/errors.h"

#include <cstddef>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gateway/apivideo/testing/problem_bodies.h"
#include "gateway/apivideo/testing/transport_error_cases.h"
#include "gateway/common/status_details.h"
#include "gateway/http/http_client.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr char kToken[] = "to1tcmSFHeYY5KzyhOqVKMKb";
const UpstreamOperation kGetToken{"GET /upload-tokens/{token}", kToken};
const UpstreamOperation kDeleteToken{"DELETE /upload-tokens/{token}", kToken};
const UpstreamOperation kList{"GET /upload-tokens", ""};
const UpstreamOperation kCreate{"POST /upload-tokens", ""};

MATCHER_P2(FieldViolationIs, field, description_matcher, "") {
  return arg.field() == field &&
         ::testing::Matches(description_matcher)(arg.description());
}

http::HttpResponse Response(
    int status, std::string body,
    std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

google::rpc::ErrorInfo ErrorInfoOf(const absl::Status& status) {
  const auto info = GetDetail<google::rpc::ErrorInfo>(status);
  EXPECT_TRUE(info.has_value()) << status;
  return info.value_or(google::rpc::ErrorInfo());
}

// --- 400 -------------------------------------------------------------------

// api.video's 400 for one invalid attribute, `name`.
std::string InvalidAttributeProblem(absl::string_view name,
                                    absl::string_view detail) {
  return absl::StrCat(
      R"({"type":"https://docs.api.video/reference/invalid-attribute",)"
      R"("title":"An attribute is invalid.","status":400,"detail":")",
      detail, R"(","name":")", name, R"("})");
}

TEST(StatusFromErrorResponse, BadRequestIsInvalidArgumentWithTheField) {
  const absl::Status status = StatusFromErrorResponse(
      Response(400, InvalidAttributeProblem("uploadToken",
                                            "Value must be positive.")),
      kGetToken);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_THAT(bad_request->field_violations(),
              ::testing::ElementsAre(FieldViolationIs(
                  "uploadToken",
                  ::testing::AllOf(HasSubstr("An attribute is invalid."),
                                   HasSubstr("Value must be positive.")))));
  EXPECT_EQ(ErrorInfoOf(status).reason(), "INVALID_ATTRIBUTE");
  EXPECT_EQ(ErrorInfoOf(status).domain(), "api.video");
}

TEST(StatusFromErrorResponse, BadRequestMessageCarriesTitleAndDetail) {
  const absl::Status status = StatusFromErrorResponse(
      Response(400,
               InvalidAttributeProblem("discarded", "Value must be false.")),
      kCreate);
  EXPECT_THAT(status.message(), HasSubstr("HTTP 400"));
  EXPECT_THAT(status.message(), HasSubstr("An attribute is invalid."));
  EXPECT_THAT(status.message(), HasSubstr("Value must be false."));
}

TEST(StatusFromErrorResponse, BadRequestListsNestedProblemsOnce) {
  const absl::Status status = StatusFromErrorResponse(
      Response(400, ::gateway::apivideo::testing::kAttributeRequiredProblem),
      kCreate);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_THAT(
      bad_request->field_violations(),
      ::testing::ElementsAre(
          FieldViolationIs("title", HasSubstr("This attribute is required.")),
          FieldViolationIs("scheduledAt", HasSubstr("ISO-8601"))));
  EXPECT_EQ(ErrorInfoOf(status).reason(), "ATTRIBUTE_REQUIRED");
}

TEST(StatusFromErrorResponse,
     BadRequestNamesEveryQueryParameterAsApiVideoDoes) {
  const absl::Status status = StatusFromErrorResponse(
      Response(
          400,
          R"({"title":"This parameter is out of the allowed range of values.",)"
          R"("name":"currentPage","status":400,"range":{"min":1},)"
          R"("problems":[{"title":"This parameter is out of the allowed range of values.",)"
          R"("name":"currentPage","range":{"min":1}},)"
          R"({"title":"This parameter is out of the allowed range of values.",)"
          R"("name":"pageSize","range":{"min":1,"max":100}},)"
          R"({"title":"A query parameter is invalid.","name":"sortBy"}]})"),
      kList);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_THAT(bad_request->field_violations(),
              ::testing::ElementsAre(
                  FieldViolationIs("currentPage", HasSubstr("range")),
                  FieldViolationIs("pageSize", HasSubstr("range")),
                  FieldViolationIs("sortBy", HasSubstr("invalid"))));
}

TEST(StatusFromErrorResponse, BadRequestWithoutNameHasNoFieldViolation) {
  const absl::Status status = StatusFromErrorResponse(
      Response(400,
               R"({"type":"https://docs.api.video/reference/invalid-payload",)"
               R"("title":"The payload is invalid.","status":400})"),
      kCreate);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetDetail<google::rpc::BadRequest>(status), std::nullopt);
  EXPECT_EQ(ErrorInfoOf(status).reason(), "INVALID_PAYLOAD");
}

TEST(StatusFromErrorResponse, BadRequestWithUnreadableBodyIsStillInvalid) {
  const absl::Status status =
      StatusFromErrorResponse(Response(400, "Bad Request"), kCreate);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("HTTP 400"));
}

TEST(StatusFromErrorResponse, BadRequestWithoutProblemTypeHasGatewayReason) {
  const absl::Status status = StatusFromErrorResponse(
      Response(400, R"({"title":"Bad","status":400})"), kCreate);
  EXPECT_EQ(ErrorInfoOf(status).reason(), "UPSTREAM_BAD_REQUEST");
}

// --- 401 / 403 -------------------------------------------------------------

class CredentialsRejectedTest : public ::testing::TestWithParam<int> {};

TEST_P(CredentialsRejectedTest, IsInternalNeverUnauthenticated) {
  const absl::Status status = StatusFromErrorResponse(
      Response(
          GetParam(),
          R"({"type":"https://docs.api.video/reference/authentication-invalid-api-key",)"
          R"("title":"The API key is invalid.","status":401})"),
      kGetToken);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_NE(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(status.code(), absl::StatusCode::kPermissionDenied);
}

TEST_P(CredentialsRejectedTest, MessageTellsItIsTheOperatorsKey) {
  const absl::Status status =
      StatusFromErrorResponse(Response(GetParam(), ""), kList);
  EXPECT_THAT(status.message(), HasSubstr("operator"));
  EXPECT_THAT(status.message(), HasSubstr("API key"));
}

TEST_P(CredentialsRejectedTest, ErrorInfoHasApiVideoDomainAndHttpStatus) {
  const absl::Status status =
      StatusFromErrorResponse(Response(GetParam(), "<html></html>"), kList);
  const google::rpc::ErrorInfo info = ErrorInfoOf(status);
  EXPECT_EQ(info.domain(), "api.video");
  EXPECT_THAT(info.metadata(),
              Contains(Pair("httpStatus", std::to_string(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(Statuses, CredentialsRejectedTest,
                         ::testing::Values(401, 403));

TEST(StatusFromErrorResponse, Unauthorized401ReasonFromProblemType) {
  const absl::Status status = StatusFromErrorResponse(
      Response(
          401,
          R"({"type":"https://docs.api.video/reference/authentication-invalid-api-key",)"
          R"("title":"The API key is invalid.","status":401})"),
      kList);
  EXPECT_EQ(ErrorInfoOf(status).reason(), "AUTHENTICATION_INVALID_API_KEY");
}

TEST(StatusFromErrorResponse, Unauthorized401WithoutBodyHasGatewayReason) {
  EXPECT_EQ(
      ErrorInfoOf(StatusFromErrorResponse(Response(401, ""), kList)).reason(),
      "UPSTREAM_UNAUTHENTICATED");
  EXPECT_EQ(
      ErrorInfoOf(StatusFromErrorResponse(Response(403, ""), kList)).reason(),
      "UPSTREAM_PERMISSION_DENIED");
}

// --- 404 -------------------------------------------------------------------

constexpr char kResourceNotFound[] =
    R"({"type":"https://docs.api.video/reference/resource-not-found",)"
    R"("title":"The requested resource was not found.",)"
    R"("name":"uploadToken","status":404})";

TEST(StatusFromErrorResponse, NotFoundTokenIsNotFoundWithResourceInfo) {
  const absl::Status status =
      StatusFromErrorResponse(Response(404, kResourceNotFound), kGetToken);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  const auto resource = GetDetail<google::rpc::ResourceInfo>(status);
  ASSERT_TRUE(resource.has_value());
  EXPECT_EQ(resource->resource_type(), "apivideo.uploadtokens.v1.UploadToken");
  EXPECT_EQ(resource->resource_name(), kToken);
  EXPECT_EQ(resource->description(), "The requested resource was not found.");
  EXPECT_EQ(ErrorInfoOf(status).reason(), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(ErrorInfoOf(status).domain(), "api.video");
}

TEST(StatusFromErrorResponse, NotFoundOnDeleteIsNotFound) {
  const absl::Status status =
      StatusFromErrorResponse(Response(404, kResourceNotFound), kDeleteToken);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(kToken));
}

TEST(StatusFromErrorResponse, NotFoundTokenWithoutBodyIsStillNotFound) {
  const absl::Status status =
      StatusFromErrorResponse(Response(404, ""), kGetToken);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  const auto resource = GetDetail<google::rpc::ResourceInfo>(status);
  ASSERT_TRUE(resource.has_value());
  EXPECT_EQ(resource->resource_name(), kToken);
  EXPECT_EQ(ErrorInfoOf(status).reason(), "RESOURCE_NOT_FOUND");
}

TEST(StatusFromErrorResponse, UnrecognizedRequestUrlIsInternal) {
  const absl::Status status = StatusFromErrorResponse(
      Response(
          404,
          R"({"type":"https://docs.api.video/reference/unrecognized-request-url",)"
          R"("title":"Unrecognized request URL.","status":404})"),
      kGetToken);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(GetDetail<google::rpc::ResourceInfo>(status), std::nullopt);
  EXPECT_THAT(status.message(), HasSubstr("api_base_url"));
  EXPECT_EQ(ErrorInfoOf(status).reason(), "UNRECOGNIZED_REQUEST_URL");
}

TEST(StatusFromErrorResponse, NotFoundOnCollectionRouteIsInternal) {
  const absl::Status status =
      StatusFromErrorResponse(Response(404, kResourceNotFound), kList);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(GetDetail<google::rpc::ResourceInfo>(status), std::nullopt);
}

// --- IsResourceNotFound ----------------------------------------------------

TEST(IsResourceNotFound, IsTrueForApiVideosResourceNotFound) {
  EXPECT_TRUE(
      IsResourceNotFound(Response(404, testing::kResourceNotFoundProblem)));
}

TEST(IsResourceNotFound, IsFalseForAnyOther404) {
  EXPECT_FALSE(IsResourceNotFound(
      Response(404, testing::kUnrecognizedRequestUrlProblem)));
  EXPECT_FALSE(IsResourceNotFound(Response(404, "")));
  EXPECT_FALSE(IsResourceNotFound(Response(404, "<html>Not Found</html>")));
}

TEST(IsResourceNotFound, IsFalseForOtherStatuses) {
  EXPECT_FALSE(
      IsResourceNotFound(Response(410, testing::kResourceNotFoundProblem)));
}

// --- 429 -------------------------------------------------------------------

constexpr char kTooManyRequests[] =
    R"({"type":"https://docs.api.video/reference/too-many-requests",)"
    R"("title":"Too many requests.","status":429})";

// A 429 with api.video's rate-limit headers: 200 calls a window, none left,
// the next window in 37 s.
http::HttpResponse TooManyRequestsWithRateLimit() {
  return Response(429, kTooManyRequests,
                  {{"x-ratelimit-limit", "200"},
                   {"x-ratelimit-remaining", "0"},
                   {"x-ratelimit-retry-after", "37"}});
}

TEST(StatusFromErrorResponse, TooManyRequestsIsResourceExhaustedWithRetryInfo) {
  const absl::Status status =
      StatusFromErrorResponse(TooManyRequestsWithRateLimit(), kCreate);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  const auto retry = GetDetail<google::rpc::RetryInfo>(status);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 37);
  EXPECT_EQ(retry->retry_delay().nanos(), 0);
  EXPECT_EQ(ErrorInfoOf(status).reason(), "TOO_MANY_REQUESTS");
}

TEST(StatusFromErrorResponse, TooManyRequestsHasQuotaFailureWithLimit) {
  const absl::Status status =
      StatusFromErrorResponse(TooManyRequestsWithRateLimit(), kCreate);
  const auto quota = GetDetail<google::rpc::QuotaFailure>(status);
  ASSERT_TRUE(quota.has_value());
  ASSERT_EQ(quota->violations_size(), 1);
  EXPECT_THAT(quota->violations(0).description(), HasSubstr("200"));
  EXPECT_THAT(quota->violations(0).subject(),
              ::testing::Not(::testing::IsEmpty()));
}

TEST(StatusFromErrorResponse,
     TooManyRequestsWithAHugeRetryAfterWaitsFiveMinutes) {
  const absl::Status status = StatusFromErrorResponse(
      Response(429, kTooManyRequests,
               {{"x-ratelimit-retry-after", "9223372036854775807"}}),
      kCreate);
  const auto retry = GetDetail<google::rpc::RetryInfo>(status);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 300);
}

TEST(StatusFromErrorResponse, TooManyRequestsWithoutHeadersHasNoRetryInfo) {
  const absl::Status status =
      StatusFromErrorResponse(Response(429, ""), kGetToken);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetDetail<google::rpc::RetryInfo>(status), std::nullopt);
  EXPECT_TRUE(GetDetail<google::rpc::QuotaFailure>(status).has_value());
  EXPECT_EQ(ErrorInfoOf(status).reason(), "TOO_MANY_REQUESTS");
}

TEST(StatusFromErrorResponse, TooManyRequestsIgnoresStandardRetryAfter) {
  const absl::Status status = StatusFromErrorResponse(
      Response(429, kTooManyRequests, {{"retry-after", "12"}}), kGetToken);
  EXPECT_EQ(GetDetail<google::rpc::RetryInfo>(status), std::nullopt);
}

// --- 5xx -------------------------------------------------------------------

// The server errors both the API and the /auth routes are tested with.
constexpr int kServerErrorStatuses[] = {500, 502, 503, 504, 599};

constexpr char kServerError[] =
    R"({"type":"https://docs.api.video/reference/server-error",)"
    R"("title":"Server error","status":500})";

class ServerErrorTest : public ::testing::TestWithParam<int> {};

TEST_P(ServerErrorTest, IsUnavailable) {
  const absl::Status status =
      StatusFromErrorResponse(Response(GetParam(), kServerError), kGetToken);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorInfoOf(status).reason(), "SERVER_ERROR");
}

TEST_P(ServerErrorTest, HtmlBodyIsUnavailableWithGatewayReason) {
  const absl::Status status = StatusFromErrorResponse(
      Response(GetParam(),
               "<html><head><title>502 Bad Gateway</title></head>"
               "<body><center><h1>502 Bad Gateway</h1></center></body></html>",
               {{"content-type", "text/html"}}),
      kGetToken);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorInfoOf(status).reason(), "UPSTREAM_UNAVAILABLE");
  EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("HTTP ", GetParam())));
  EXPECT_THAT(ErrorInfoOf(status).metadata(),
              Contains(Pair("httpStatus", std::to_string(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(Statuses, ServerErrorTest,
                         ::testing::ValuesIn(kServerErrorStatuses));

// --- other statuses
// -----------------------------------------------------------

class UnexpectedStatusTest : public ::testing::TestWithParam<int> {};

TEST_P(UnexpectedStatusTest, IsInternal) {
  const absl::Status status =
      StatusFromErrorResponse(Response(GetParam(), ""), kGetToken);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorInfoOf(status).reason(), "UPSTREAM_UNEXPECTED_STATUS");
  EXPECT_EQ(ErrorInfoOf(status).domain(), "api.video");
  EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("HTTP ", GetParam())));
}

INSTANTIATE_TEST_SUITE_P(Statuses, UnexpectedStatusTest,
                         ::testing::Values(100, 302, 304, 405, 409, 418, 600));

TEST(StatusFromErrorResponse, ErrorInfoCarriesProblemTypeAndTitle) {
  const absl::Status status =
      StatusFromErrorResponse(Response(404, kResourceNotFound), kGetToken);
  EXPECT_THAT(
      ErrorInfoOf(status).metadata(),
      ::testing::AllOf(
          Contains(Pair("httpStatus", "404")),
          Contains(Pair("type",
                        "https://docs.api.video/reference/resource-not-found")),
          Contains(Pair("title", "The requested resource was not found."))));
}

// --- Upstream text ----------------------------------------------------------

// What a cut piece of upstream text ends with (upstream_text.h).
constexpr absl::string_view kCutMarker = "...(truncated)";

// A problem document of `status` with that title and detail and, unless
// empty, that name.
std::string ProblemWith(int status, absl::string_view title,
                        absl::string_view detail, absl::string_view name = "") {
  std::string body = absl::StrCat(
      R"({"type":"https://docs.api.video/reference/invalid-attribute",)",
      R"("status":)", status, R"(,"title":")", title, R"(","detail":")", detail,
      R"(")");
  if (!name.empty()) absl::StrAppend(&body, R"(,"name":")", name, R"(")");
  return body + "}";
}

// `size` bytes of text whose every 16-byte block differs from its
// neighbours, so that a kept prefix can be told from a longer one.
std::string Text(std::size_t size, char tag) {
  std::string text;
  for (int block = 0; text.size() < size; ++block) {
    text += tag;
    absl::StrAppend(&text, absl::Dec(block, absl::kZeroPad15));
  }
  text.resize(size);
  return text;
}

TEST(StatusFromErrorResponse, MegabyteTitleLeavesAShortMessageWithItsStart) {
  const std::string title = Text(1 << 20, 't');
  const std::string detail = Text(1 << 20, 'd');
  for (int http_status : {400, 401, 404, 500, 418}) {
    const absl::Status status = StatusFromErrorResponse(
        Response(http_status, ProblemWith(http_status, title, detail)),
        kCreate);
    EXPECT_LE(status.message().size(), 1024) << http_status;
    EXPECT_THAT(status.message(),
                HasSubstr(absl::StrCat(title.substr(0, 256), kCutMarker)))
        << http_status;
    EXPECT_THAT(status.message(),
                HasSubstr(absl::StrCat(detail.substr(0, 256), kCutMarker)))
        << http_status;
  }
}

TEST(StatusFromAuthErrorResponse,
     MegabyteTitleLeavesAShortMessageWithItsStart) {
  const std::string title = Text(1 << 20, 't');
  const absl::Status status = StatusFromAuthErrorResponse(
      Response(400, ProblemWith(400, title, "")), "POST /auth/api-key");
  EXPECT_LE(status.message().size(), 1024);
  EXPECT_THAT(status.message(),
              HasSubstr(absl::StrCat(title.substr(0, 256), kCutMarker)));
}

// A multibyte character straddling the 256-byte limit.
struct Utf8CutCase {
  const char* name;
  std::size_t ascii_before;  // bytes of 'a' before the first character
  const char* character;     // repeated after them

  friend void PrintTo(const Utf8CutCase& c, std::ostream* os) { *os << c.name; }
};

class Utf8CutTest : public ::testing::TestWithParam<Utf8CutCase> {};

TEST_P(Utf8CutTest, CutNeverSplitsAMultibyteCharacter) {
  const Utf8CutCase& c = GetParam();
  std::string title(c.ascii_before, 'a');
  while (title.size() < 1024) title += c.character;
  const absl::Status status = StatusFromErrorResponse(
      Response(500, ProblemWith(500, title, "")), kList);
  // The character that would cross byte 256 goes whole: the kept part ends
  // where it started.
  EXPECT_THAT(
      status.message(),
      HasSubstr(absl::StrCat(std::string(c.ascii_before, 'a'), kCutMarker)));
}

INSTANTIATE_TEST_SUITE_P(
    Characters, Utf8CutTest,
    ::testing::Values(
        Utf8CutCase{"TwoBytesFromByte255", 255, "\xc3\xa9"},
        Utf8CutCase{"ThreeBytesFromByte254", 254, "\xe2\x82\xac"},
        Utf8CutCase{"ThreeBytesFromByte255", 255, "\xe2\x82\xac"},
        Utf8CutCase{"FourBytesFromByte253", 253, "\xf0\x9f\x98\x80"},
        Utf8CutCase{"FourBytesFromByte255", 255, "\xf0\x9f\x98\x80"}),
    [](const ::testing::TestParamInfo<Utf8CutCase>& info) {
      return info.param.name;
    });

TEST(StatusFromErrorResponse, DetailsCarryTheCutText) {
  const std::string type =
      absl::StrCat("https://docs.api.video/reference/", Text(1 << 20, 'y'));
  const std::string title = Text(1 << 20, 't');
  const std::string name = Text(1 << 20, 'n');
  const absl::Status status = StatusFromErrorResponse(
      Response(400, absl::StrCat(R"({"type":")", type, R"(","title":")", title,
                                 R"(","status":400,"name":")", name, R"("})")),
      kCreate);
  const auto metadata = ErrorInfoOf(status).metadata();
  EXPECT_EQ(metadata.at("type"), absl::StrCat(type.substr(0, 256), kCutMarker));
  EXPECT_EQ(metadata.at("title"),
            absl::StrCat(title.substr(0, 256), kCutMarker));
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 1);
  EXPECT_EQ(bad_request->field_violations(0).field(),
            absl::StrCat(name.substr(0, 256), kCutMarker));
  EXPECT_EQ(bad_request->field_violations(0).description(),
            absl::StrCat(title.substr(0, 256), kCutMarker));
}

TEST(StatusFromErrorResponse, BadRequestKeepsAtMostFiveFieldViolations) {
  std::string problems;
  for (int i = 0; i < 1000; ++i) {
    absl::StrAppend(&problems, i == 0 ? "" : ",",
                    R"({"title":"Bad.","name":"f)", i, R"("})");
  }
  const absl::Status status = StatusFromErrorResponse(
      Response(400, absl::StrCat(R"({"title":"Bad.","status":400,"name":"f0",)",
                                 R"("problems":[)", problems, "]}")),
      kCreate);
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_THAT(bad_request->field_violations(),
              ::testing::ElementsAre(FieldViolationIs("f0", "Bad."),
                                     FieldViolationIs("f1", "Bad."),
                                     FieldViolationIs("f2", "Bad."),
                                     FieldViolationIs("f3", "Bad."),
                                     FieldViolationIs("f4", "Bad.")));
}

TEST(StatusFromErrorResponse, NotFoundResourceInfoCarriesTheCutTitle) {
  const std::string title = Text(1 << 20, 't');
  const absl::Status status = StatusFromErrorResponse(
      Response(404, ProblemWith(404, title, "")), kGetToken);
  const auto resource = GetDetail<google::rpc::ResourceInfo>(status);
  ASSERT_TRUE(resource.has_value());
  EXPECT_EQ(resource->description(),
            absl::StrCat(title.substr(0, 256), kCutMarker));
}

// --- ReasonFromProblemType ---------------------------------------------------

// A problem type and the ErrorInfo reason made of it.
struct ReasonCase {
  const char* name;
  const char* type;
  const char* reason;  // empty: none can be made

  friend void PrintTo(const ReasonCase& c, std::ostream* os) { *os << c.name; }
};

class ReasonFromProblemTypeTest : public ::testing::TestWithParam<ReasonCase> {
};

TEST_P(ReasonFromProblemTypeTest, MakesTheReason) {
  EXPECT_EQ(ReasonFromProblemType(GetParam().type), GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Types, ReasonFromProblemTypeTest,
    ::testing::Values(
        ReasonCase{"UpperSnakeCasesLastPathSegment",
                   "https://docs.api.video/reference/resource-not-found",
                   "RESOURCE_NOT_FOUND"},
        ReasonCase{"IgnoresTrailingSlash",
                   "https://docs.api.video/reference/too-many-requests/",
                   "TOO_MANY_REQUESTS"},
        ReasonCase{"AcceptsBareSlug", "invalid-attribute", "INVALID_ATTRIBUTE"},
        ReasonCase{"AcceptsRelativeReference", ".../attribute-required",
                   "ATTRIBUTE_REQUIRED"},
        ReasonCase{"EmptyForEmptyType", "", ""},
        ReasonCase{"EmptyForLoneSlash", "/", ""},
        ReasonCase{"EmptyForUrlWithoutPath", "https://docs.api.video", ""},
        ReasonCase{"EmptyForUrlWithRootPath", "https://docs.api.video/", ""},
        ReasonCase{"EmptyForRfc7807AboutBlank", "about:blank", ""},
        ReasonCase{"EmptyWhenSlugStartsWithDigit",
                   "https://x.test/404-not-found", ""},
        ReasonCase{"EmptyWhenSlugIsOnlyDashes", "https://x.test/---", ""},
        ReasonCase{"EmptyWhenSlugIsOnlyPercents", "https://x.test/%%%", ""},
        ReasonCase{"CollapsesRunsOfSeparatorsAndTrimsThem",
                   "https://x.test/-a--b..c-", "A_B_C"},
        ReasonCase{"DropsNonAsciiBytes", "https://x.test/caf\xc3\xa9-error",
                   "CAF_ERROR"}),
    ::testing::PrintToStringParamName());

TEST(ReasonFromProblemType,
     CapsAtSixtyThreeCharactersWithoutTrailingUnderscore) {
  const std::string slug = std::string(62, 'a') + "-b" + std::string(40, 'c');
  const std::string reason = ReasonFromProblemType("https://x.test/" + slug);
  EXPECT_LE(reason.size(), 63u);
  EXPECT_EQ(reason, std::string(62, 'A'));
}

TEST(ReasonFromProblemType, ResultMatchesAip193Pattern) {
  for (const char* type :
       {"https://docs.api.video/reference/authentication-invalid-api-key", "x",
        "a.b.c", "https://x.test/A_b", "https://x.test/q?x=1"}) {
    const std::string reason = ReasonFromProblemType(type);
    EXPECT_THAT(reason,
                ::testing::MatchesRegex("[A-Z][A-Z0-9_]*[A-Z0-9]|[A-Z]"))
        << type;
  }
}

// --- StatusFromTransportError
// ---------------------------------------------------

class StatusFromTransportErrorTest
    : public ::testing::TestWithParam<
          ::gateway::apivideo::testing::TransportErrorCase> {};

TEST_P(StatusFromTransportErrorTest, MapsCodeAndReason) {
  const ::gateway::apivideo::testing::TransportErrorCase& c = GetParam();
  const absl::Status status = StatusFromTransportError(
      absl::Status(c.transport, "curl said no"), kGetToken);
  EXPECT_EQ(status.code(), c.code);
  EXPECT_EQ(ErrorInfoOf(status).reason(), c.reason);
  EXPECT_EQ(ErrorInfoOf(status).domain(), "upload-token-gateway");
  EXPECT_THAT(status.message(), HasSubstr("GET /upload-tokens/{token}"));
  EXPECT_THAT(status.message(), HasSubstr("curl said no"));
}

INSTANTIATE_TEST_SUITE_P(
    EveryTransportCode, StatusFromTransportErrorTest,
    ::testing::ValuesIn(::gateway::apivideo::testing::kTransportErrorCases),
    ::testing::PrintToStringParamName());

TEST(StatusFromTransportError, UnreachableWorksForRequestsMarkedNotSent) {
  const absl::Status status = StatusFromTransportError(
      http::MarkRequestNotSent(absl::UnavailableError("connection refused")),
      kCreate);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorInfoOf(status).reason(), "UPSTREAM_UNREACHABLE");
}

TEST(StatusFromTransportError, MessageNeverReadsAsCallersFault) {
  const absl::Status status =
      StatusFromTransportError(absl::InvalidArgumentError("bad url"), kCreate);
  EXPECT_NE(status.code(), absl::StatusCode::kInvalidArgument);
}

// --- StatusFromAuthErrorResponse
// ----------------------------------------------

constexpr char kApiKeyRoute[] = "POST /auth/api-key";
constexpr char kRefreshRoute[] = "POST /auth/refresh";

// api.video's answer to bad credentials on /auth/api-key and /auth/refresh.
constexpr char kInvalidUserCredentials[] =
    R"({"type":"https://docs.api.video/reference/authentication-invalid-user-credentials",)"
    R"("title":"The user credentials were incorrect.","name":"","status":400})";

TEST(StatusFromAuthErrorResponse, BadCredentialsAreInternal) {
  const absl::Status status = StatusFromAuthErrorResponse(
      Response(400, kInvalidUserCredentials), kApiKeyRoute);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
}

TEST(StatusFromAuthErrorResponse, BadCredentialsReasonFromProblemType) {
  const absl::Status status = StatusFromAuthErrorResponse(
      Response(400, kInvalidUserCredentials), kApiKeyRoute);
  const google::rpc::ErrorInfo info = ErrorInfoOf(status);
  EXPECT_EQ(info.reason(), "AUTHENTICATION_INVALID_USER_CREDENTIALS");
  EXPECT_EQ(info.domain(), "api.video");
  EXPECT_THAT(
      info.metadata(),
      ::testing::AllOf(
          Contains(Pair("httpStatus", "400")),
          Contains(Pair("type",
                        "https://docs.api.video/reference/"
                        "authentication-invalid-user-credentials")),
          Contains(Pair("title", "The user credentials were incorrect."))));
}

TEST(StatusFromAuthErrorResponse, BadCredentialsMessageNamesRouteAndOperator) {
  const absl::Status status = StatusFromAuthErrorResponse(
      Response(400, kInvalidUserCredentials), kRefreshRoute);
  EXPECT_THAT(status.message(), HasSubstr(kRefreshRoute));
  EXPECT_THAT(status.message(), HasSubstr("operator"));
  EXPECT_THAT(status.message(),
              HasSubstr("The user credentials were incorrect."));
}

TEST(StatusFromAuthErrorResponse, BadCredentialsBlameNoRequestField) {
  // The problem's "name" is about the gateway's own body, not the caller's.
  const absl::Status status = StatusFromAuthErrorResponse(
      Response(
          400,
          R"({"type":"https://docs.api.video/reference/invalid-attribute",)"
          R"("title":"This attribute is invalid.","name":"apiKey",)"
          R"("status":400})"),
      kApiKeyRoute);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(GetDetail<google::rpc::BadRequest>(status).has_value());
}

class AuthRefusalTest : public ::testing::TestWithParam<int> {};

TEST_P(AuthRefusalTest, IsInternalNeverTheCallersFault) {
  const absl::Status status =
      StatusFromAuthErrorResponse(Response(GetParam(), ""), kApiKeyRoute);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_NE(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.code(), absl::StatusCode::kPermissionDenied);
}

TEST_P(AuthRefusalTest, WithoutProblemHasGatewayReasonAndHttpStatus) {
  const absl::Status status = StatusFromAuthErrorResponse(
      Response(GetParam(), "<html>no</html>"), kApiKeyRoute);
  const google::rpc::ErrorInfo info = ErrorInfoOf(status);
  EXPECT_EQ(info.domain(), "api.video");
  EXPECT_THAT(info.reason(), ::testing::Not(::testing::IsEmpty()));
  EXPECT_THAT(info.metadata(),
              Contains(Pair("httpStatus", std::to_string(GetParam()))));
  EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("HTTP ", GetParam())));
}

INSTANTIATE_TEST_SUITE_P(Statuses, AuthRefusalTest,
                         ::testing::Values(400, 401, 403, 404, 422));

class AuthServerErrorTest : public ::testing::TestWithParam<int> {};

TEST_P(AuthServerErrorTest, IsUnavailable) {
  const absl::Status status =
      StatusFromAuthErrorResponse(Response(GetParam(), ""), kRefreshRoute);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr(kRefreshRoute));
  EXPECT_EQ(ErrorInfoOf(status).reason(), "UPSTREAM_UNAVAILABLE");
}

TEST_P(AuthServerErrorTest, ReasonFromProblemType) {
  const absl::Status status = StatusFromAuthErrorResponse(
      Response(GetParam(), kServerError), kApiKeyRoute);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorInfoOf(status).reason(), "SERVER_ERROR");
  EXPECT_THAT(ErrorInfoOf(status).metadata(),
              Contains(Pair("httpStatus", std::to_string(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(Statuses, AuthServerErrorTest,
                         ::testing::ValuesIn(kServerErrorStatuses));

// --- ProblemType
// --------------------------------------------------------------

TEST(ProblemType, IsTheTypeOfAProblemBody) {
  EXPECT_EQ(
      ProblemType(Response(
          401,
          R"({"type":"https://docs.api.video/reference/authentication-invalid-api-key",)"
          R"("title":"The API key is invalid.","status":401})")),
      "https://docs.api.video/reference/authentication-invalid-api-key");
}

TEST(ProblemType, IsEmptyForABodyThatIsNoProblem) {
  EXPECT_EQ(ProblemType(Response(401, "<html>Unauthorized</html>")), "");
  EXPECT_EQ(ProblemType(Response(403, "")), "");
}

}  // namespace
}  // namespace gateway::apivideo
