#include "gateway/apivideo/routes.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/common/host_port.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::testing::IsEmpty;

// ---- ParseBaseUrl -----------------------------------------------------------

struct GoodUrl {
  const char* url;
  const char* scheme;
  const char* host;
  const char* port;
  const char* path;
  const char* canonical;
};

void PrintTo(const GoodUrl& c, std::ostream* os) { *os << c.url; }

class ParseBaseUrlAccepts : public ::testing::TestWithParam<GoodUrl> {};

TEST_P(ParseBaseUrlAccepts, SplitsIntoParts) {
  const GoodUrl& c = GetParam();
  const absl::StatusOr<BaseUrl> base = ParseBaseUrl(c.url);
  ASSERT_TRUE(base.ok()) << c.url << ": " << base.status();
  EXPECT_EQ(base->scheme, c.scheme);
  EXPECT_EQ(base->host, c.host);
  EXPECT_EQ(base->port, c.port);
  EXPECT_EQ(base->path, c.path);
  EXPECT_EQ(base->ToString(), c.canonical);
}

INSTANTIATE_TEST_SUITE_P(
    Urls, ParseBaseUrlAccepts,
    ::testing::Values(
        GoodUrl{"https://ws.api.video", "https", "ws.api.video", "", "",
                "https://ws.api.video"},
        GoodUrl{"https://sandbox.api.video/", "https", "sandbox.api.video", "",
                "", "https://sandbox.api.video"},
        GoodUrl{"https://ws.api.video///", "https", "ws.api.video", "", "",
                "https://ws.api.video"},
        GoodUrl{"http://localhost:8080", "http", "localhost", "8080", "",
                "http://localhost:8080"},
        GoodUrl{"http://127.0.0.1:1/", "http", "127.0.0.1", "1", "",
                "http://127.0.0.1:1"},
        GoodUrl{"https://host.test:65535", "https", "host.test", "65535", "",
                "https://host.test:65535"},
        GoodUrl{"https://proxy.test/api.video/v1", "https", "proxy.test", "",
                "/api.video/v1", "https://proxy.test/api.video/v1"},
        GoodUrl{"https://proxy.test/prefix/", "https", "proxy.test", "",
                "/prefix", "https://proxy.test/prefix"},
        GoodUrl{"https://proxy.test:8443/a_b~c-d//", "https", "proxy.test",
                "8443", "/a_b~c-d", "https://proxy.test:8443/a_b~c-d"},
        GoodUrl{"http://[::1]:8080", "http", "[::1]", "8080", "",
                "http://[::1]:8080"},
        GoodUrl{"http://[::1]", "http", "[::1]", "", "", "http://[::1]"},
        GoodUrl{"https://[2001:db8::1]/x", "https", "[2001:db8::1]", "", "/x",
                "https://[2001:db8::1]/x"},
        GoodUrl{"https://[::ffff:127.0.0.1]:443", "https", "[::ffff:127.0.0.1]",
                "443", "", "https://[::ffff:127.0.0.1]:443"}));

class ParseBaseUrlRejects : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseBaseUrlRejects, IsInvalidArgument) {
  const absl::StatusOr<BaseUrl> base = ParseBaseUrl(GetParam());
  ASSERT_FALSE(base.ok()) << GetParam() << " parsed as " << base->ToString();
  EXPECT_EQ(base.status().code(), absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(
    Urls, ParseBaseUrlRejects,
    ::testing::Values(
        // Schemes.
        "", "ws.api.video", "//ws.api.video", "ftp://ws.api.video",
        "file:///etc/passwd", "ws://ws.api.video", "https:/ws.api.video",
        "https:ws.api.video", " https://ws.api.video",
        // Hosts.
        "https://", "https:///path", "https://:443", "https://ws api.video",
        "https://ws.api.video\\evil", "https://ws_api.video",
        "https://ws.api.video\n", std::string("https://ws.api.video\0x", 22),
        // Ports.
        "https://ws.api.video:", "https://ws.api.video:0",
        "https://ws.api.video:65536", "https://ws.api.video:99999999999",
        "https://ws.api.video:-1", "https://ws.api.video:+443",
        "https://ws.api.video:443a", "https://ws.api.video:https",
        "https://ws.api.video: 443", "https://ws.api.video:443 ",
        "https://ws.api.video:\t443", "https://ws.api.video:1:2",
        // IPv6.
        "http://::1", "http://[::1", "http://::1]", "http://[]",
        "http://[::1]x", "http://[::1]:", "http://[::1]:0",
        "http://[fe80::1%25eth0]", "http://[::g]",
        // User info, queries, fragments.
        "https://user@ws.api.video", "https://user:pass@ws.api.video",
        "https://ws.api.video@evil.test", "https://ws.api.video?x=1",
        "https://ws.api.video/?", "https://ws.api.video#frag",
        "https://ws.api.video/path#", "https://ws.api.video/p?q#f",
        // Paths.
        "https://ws.api.video/a b", "https://ws.api.video/%2e%2e",
        "https://ws.api.video/a%2Fb", "https://ws.api.video/a;b",
        "https://ws.api.video/\xc3\xa9", "https://ws.api.video/a\\b",
        "https://ws.api.video/..", "https://ws.api.video/v1/../x",
        "https://ws.api.video/./v1"));

// ---- The base URL's host and IsLoopbackHost ---------------------------------

bool IsLoopback(absl::string_view url) {
  const absl::StatusOr<BaseUrl> base = ParseBaseUrl(url);
  EXPECT_TRUE(base.ok()) << url << ": " << base.status();
  return base.ok() && IsLoopbackHost(base->host);
}

// Base URLs whose host is, or is not, the loopback interface.
struct LoopbackCase {
  const char* name;
  std::vector<const char*> urls;
  bool loopback;

  friend void PrintTo(const LoopbackCase& c, std::ostream* os) {
    *os << c.name;
  }
};

class BaseUrlIsLoopbackTest : public ::testing::TestWithParam<LoopbackCase> {};

TEST_P(BaseUrlIsLoopbackTest, SaysWhetherTheHostIsLoopback) {
  for (const char* url : GetParam().urls) {
    EXPECT_EQ(IsLoopback(url), GetParam().loopback) << url;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Hosts, BaseUrlIsLoopbackTest,
    ::testing::Values(
        LoopbackCase{"TrueForLocalhostAnyCase",
                     {"http://localhost", "http://LocalHost:8080"},
                     true},
        LoopbackCase{"TrueForWholeIpv4LoopbackNet",
                     {"http://127.0.0.1", "http://127.1.2.3:80",
                      "http://127.255.255.254"},
                     true},
        LoopbackCase{
            "TrueForIpv6Loopback", {"http://[::1]", "http://[::1]:9000"}, true},
        LoopbackCase{
            "FalseForRemoteHosts",
            {"https://ws.api.video", "http://10.0.0.1", "http://128.0.0.1",
             "http://1.127.0.0", "http://[2001:db8::1]", "http://[::]"},
            false},
        // These resolve wherever their owner wants.
        LoopbackCase{
            "FalseForHostNamesThatMerelyStartLikeLoopback",
            {"http://127.0.0.1.nip.io", "http://127.attacker.example",
             "http://127.0.0.1.attacker.example",
             "http://localhost.attacker.example", "http://127.0.0.256"},
            false}),
    ::testing::PrintToStringParamName());

// ---- EscapePathSegment ------------------------------------------------------

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower case would be a bug worth seeing: we emit upper case
}

// Strict RFC 3986 percent-decoding; fails the test on malformed input.
std::string PercentDecode(absl::string_view escaped) {
  std::string decoded;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '%') {
      decoded.push_back(escaped[i]);
      continue;
    }
    if (i + 2 >= escaped.size()) {
      ADD_FAILURE() << "truncated escape in " << escaped;
      return decoded;
    }
    const int hi = HexValue(escaped[i + 1]);
    const int lo = HexValue(escaped[i + 2]);
    if (hi < 0 || lo < 0) {
      ADD_FAILURE() << "bad escape in " << escaped;
      return decoded;
    }
    decoded.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return decoded;
}

class EscapePathSegmentHostile : public ::testing::TestWithParam<std::string> {
};

TEST_P(EscapePathSegmentHostile, YieldsOneSafeSegmentThatDecodesBack) {
  const std::string& input = GetParam();
  const std::string escaped = EscapePathSegment(input);
  // Only unreserved characters (minus '.') and upper-case escapes.
  for (char c : escaped) {
    EXPECT_TRUE(absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '~' ||
                c == '%')
        << "character " << static_cast<int>(c) << " in " << escaped;
  }
  EXPECT_EQ(escaped.find_first_of("/?#\\ ."), std::string::npos) << escaped;
  EXPECT_NE(escaped, ".");
  EXPECT_NE(escaped, "..");
  EXPECT_EQ(escaped.empty(), input.empty());
  EXPECT_EQ(PercentDecode(escaped), input);
}

TEST_P(EscapePathSegmentHostile, TokenUrlHasExactlyOneSegmentAfterCollection) {
  const std::string url = TokenUrl("https://ws.api.video", GetParam());
  const std::string prefix = "https://ws.api.video/upload-tokens/";
  ASSERT_EQ(url.substr(0, prefix.size()), prefix);
  const std::string last = url.substr(prefix.size());
  EXPECT_EQ(last.find_first_of("/?#"), std::string::npos) << url;
  EXPECT_EQ(PercentDecode(last), GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, EscapePathSegmentHostile,
    ::testing::Values("to1tcmSFHeYY5KzyhOqVKMKb", "../videos", "..", ".", "...",
                      "./", "%2e%2e", "%2E%2E", "%2F", "a%2Fb", "a/b", "/",
                      "a?b", "a#b", "a\\b", std::string("a\0b", 3),
                      std::string(1, '\0'), "caf\xc3\xa9",
                      "\xf0\x9f\x8e\xa5" /* U+1F3A5 */, "\xff\xfe", "a b",
                      "a+b", "a&b=c", ";", "@", ":", "~user", "\r\nX: y", "%",
                      "%%", "%zz", "\x7f"));

// A path segment and its escaped form.
struct EscapeCase {
  const char* name;
  std::string segment;
  const char* escaped;

  friend void PrintTo(const EscapeCase& c, std::ostream* os) { *os << c.name; }
};

class EscapePathSegmentTest : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(EscapePathSegmentTest, Escapes) {
  EXPECT_EQ(EscapePathSegment(GetParam().segment), GetParam().escaped);
}

INSTANTIATE_TEST_SUITE_P(
    Segments, EscapePathSegmentTest,
    ::testing::Values(
        EscapeCase{"KeepsTokenCharactersAsIs", "AZaz09_-~", "AZaz09_-~"},
        // So that no dot segment remains.
        EscapeCase{"EscapesDot", ".", "%2E"},
        EscapeCase{"EscapesDotDot", "..", "%2E%2E"},
        EscapeCase{"EscapesDotDotSlash", "../videos", "%2E%2E%2Fvideos"},
        // So that encoded input stays literal.
        EscapeCase{"EscapesPercentOfEncodedSlash", "%2F", "%252F"},
        EscapeCase{"EscapesPercentOfEncodedDots", "%2e%2e", "%252e%252e"},
        EscapeCase{"EscapesEveryByteOfMultibyteCharacters", "\xc3\xa9",
                   "%C3%A9"},
        EscapeCase{"EscapesNulByte", std::string(1, '\0'), "%00"},
        EscapeCase{"EmptyStaysEmpty", "", ""}),
    ::testing::PrintToStringParamName());

// ---- URLs
// ---------------------------------------------------------------------

TEST(TokenCollectionUrl, AppendsUploadTokens) {
  EXPECT_EQ(TokenCollectionUrl("https://ws.api.video"),
            "https://ws.api.video/upload-tokens");
  EXPECT_EQ(TokenCollectionUrl("https://proxy.test/v1"),
            "https://proxy.test/v1/upload-tokens");
}

TEST(TokenUrl, AppendsEscapedToken) {
  EXPECT_EQ(TokenUrl("https://ws.api.video", "to1tcmSFHeYY5KzyhOqVKMKb"),
            "https://ws.api.video/upload-tokens/to1tcmSFHeYY5KzyhOqVKMKb");
}

// A listing query and the URL it makes.
struct ListUrlCase {
  const char* name;
  const char* base;
  ListQuery query;
  const char* url;

  friend void PrintTo(const ListUrlCase& c, std::ostream* os) { *os << c.name; }
};

class ListTokensUrlTest : public ::testing::TestWithParam<ListUrlCase> {};

TEST_P(ListTokensUrlTest, MakesTheUrl) {
  EXPECT_EQ(ListTokensUrl(GetParam().base, GetParam().query), GetParam().url);
}

INSTANTIATE_TEST_SUITE_P(
    Queries, ListTokensUrlTest,
    ::testing::Values(
        ListUrlCase{"DefaultQueryIsFirstPageOfTwentyFive",
                    "https://ws.api.video", ListQuery(),
                    "https://ws.api.video/upload-tokens?currentPage=1&"
                    "pageSize=25"},
        ListUrlCase{"WithoutSortHasOnlyPaging", "https://ws.api.video",
                    ListQuery{SortField::kDefault, SortOrder::kAscending,
                              /*current_page=*/3, /*page_size=*/10},
                    "https://ws.api.video/upload-tokens?currentPage=3&"
                    "pageSize=10"},
        ListUrlCase{"SortsByCreatedAtDescending", "http://localhost:8080",
                    ListQuery{SortField::kCreatedAt, SortOrder::kDescending,
                              /*current_page=*/2, /*page_size=*/100},
                    "http://localhost:8080/upload-tokens?sortBy=createdAt&"
                    "sortOrder=desc&currentPage=2&pageSize=100"},
        ListUrlCase{"SortsByTtlAscending", "https://ws.api.video",
                    ListQuery{SortField::kTtl, SortOrder::kAscending},
                    "https://ws.api.video/upload-tokens?sortBy=ttl&"
                    "sortOrder=asc&currentPage=1&pageSize=25"},
        ListUrlCase{"DefaultFieldIgnoresSortOrder", "https://ws.api.video",
                    ListQuery{SortField::kDefault, SortOrder::kDescending},
                    "https://ws.api.video/upload-tokens?currentPage=1&"
                    "pageSize=25"}),
    ::testing::PrintToStringParamName());

}  // namespace
}  // namespace gateway::apivideo
