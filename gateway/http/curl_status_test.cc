#include "gateway/http/curl_status.h"

#include <curl/curl.h>

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gateway/http/http_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

CurlFailure Failure(CURLcode code, long request_bytes) {  // NOLINT
  CurlFailure failure;
  failure.code = code;
  failure.request_bytes = request_bytes;
  failure.method = "POST";
  failure.url = "https://user:pw@api.example.com:8443/v1/tokens?key=secret";
  failure.max_response_bytes = 1024;
  failure.timeout = absl::Seconds(5);
  return failure;
}

// Each contract code, with the curl failures that map to it.
struct CodeClass {
  absl::StatusCode expected;
  std::vector<CURLcode> curl_codes;
};

const CodeClass kCodeClasses[] = {
    {absl::StatusCode::kDeadlineExceeded, {CURLE_OPERATION_TIMEDOUT}},
    {absl::StatusCode::kUnavailable,
     {CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT,
      CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SEND_ERROR,
      CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING,
      CURLE_HTTP2_STREAM}},
    {absl::StatusCode::kResourceExhausted, {CURLE_FILESIZE_EXCEEDED}},
    {absl::StatusCode::kInternal,
     {CURLE_UNSUPPORTED_PROTOCOL, CURLE_WEIRD_SERVER_REPLY,
      CURLE_OUT_OF_MEMORY}},
};

struct Case {
  CURLcode code;
  absl::StatusCode expected;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << curl_easy_strerror(c.code) << " -> "
      << absl::StatusCodeToString(c.expected);
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (const CodeClass& code_class : kCodeClasses) {
    for (CURLcode code : code_class.curl_codes) {
      cases.push_back({code, code_class.expected});
    }
  }
  return cases;
}

// E.g. "CurlCode7_UNAVAILABLE".
std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return absl::StrCat("CurlCode", info.param.code, "_",
                      absl::StatusCodeToString(info.param.expected));
}

class CurlFailureCodeTest : public ::testing::TestWithParam<Case> {};

TEST_P(CurlFailureCodeTest, MapsToTheContractCode) {
  EXPECT_EQ(CurlFailureToStatus(Failure(GetParam().code, 100)).code(),
            GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(AllClasses, CurlFailureCodeTest,
                         ::testing::ValuesIn(AllCases()), CaseName);

TEST(CurlFailureToStatusTest, OwnSizeAbortIsResourceExhausted) {
  CurlFailure failure = Failure(CURLE_WRITE_ERROR, 100);
  failure.body_too_large = true;

  const absl::Status status = CurlFailureToStatus(failure);

  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("1024 bytes"));
}

TEST(CurlFailureToStatusTest, WriteErrorWithoutSizeAbortIsInternal) {
  EXPECT_EQ(CurlFailureToStatus(Failure(CURLE_WRITE_ERROR, 100)).code(),
            absl::StatusCode::kInternal);
}

TEST(CurlFailureToStatusTest, NothingWrittenMeansNotSent) {
  EXPECT_FALSE(RequestMayHaveBeenSent(
      CurlFailureToStatus(Failure(CURLE_COULDNT_CONNECT, 0))));
  EXPECT_FALSE(RequestMayHaveBeenSent(
      CurlFailureToStatus(Failure(CURLE_OPERATION_TIMEDOUT, 0))));
}

TEST(CurlFailureToStatusTest, AnythingWrittenMeansMayHaveBeenSent) {
  EXPECT_TRUE(RequestMayHaveBeenSent(
      CurlFailureToStatus(Failure(CURLE_COULDNT_CONNECT, 1))));
  EXPECT_TRUE(RequestMayHaveBeenSent(
      CurlFailureToStatus(Failure(CURLE_GOT_NOTHING, 250))));
}

TEST(CurlFailureToStatusTest, MessageNamesHostButNotCredentialsPathOrQuery) {
  CurlFailure failure = Failure(CURLE_COULDNT_CONNECT, 0);
  failure.detail = "Failed to connect to api.example.com port 8443";

  const absl::Status status = CurlFailureToStatus(failure);

  EXPECT_THAT(status.message(), HasSubstr("POST https://api.example.com:8443"));
  EXPECT_THAT(status.message(), HasSubstr("Failed to connect"));
  EXPECT_THAT(status.message(), Not(HasSubstr("pw")));
  EXPECT_THAT(status.message(), Not(HasSubstr("/v1/tokens")));
  EXPECT_THAT(status.message(), Not(HasSubstr("secret")));
}

TEST(CurlFailureToStatusTest, DetailEchoingTheQueryIsDropped) {
  CurlFailure failure = Failure(CURLE_RECV_ERROR, 10);
  failure.detail = "error while reading ?key=secret";

  EXPECT_THAT(CurlFailureToStatus(failure).message(), Not(HasSubstr("secret")));
}

TEST(CurlFailureToStatusTest, DetailEchoingThePathIsDropped) {
  CurlFailure failure = Failure(CURLE_RECV_ERROR, 10);
  failure.detail = "error on /v1/tokens";

  EXPECT_THAT(CurlFailureToStatus(failure).message(),
              Not(HasSubstr("/v1/tokens")));
}

TEST(DescribeRequestTest, KeepsSchemeHostAndExplicitPort) {
  EXPECT_EQ(DescribeRequest("GET", "http://example.com/a?b=c"),
            "GET http://example.com");
  EXPECT_EQ(DescribeRequest("GET", "http://[::1]:81/"), "GET http://[::1]:81");
}

TEST(DescribeRequestTest, InvalidUrlIsNotEchoed) {
  EXPECT_EQ(DescribeRequest("GET", "not a url with secret"),
            "GET <invalid URL>");
}

}  // namespace
}  // namespace gateway::http
