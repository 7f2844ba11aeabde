#include "gateway/common/host_port.h"

#include <ostream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

using ::testing::HasSubstr;

struct ParseCase {
  const char* name;
  const char* address;
  HostPort expected;
};

void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.address; }

const ParseCase kParseCases[] = {
    {"NameAndPort", "localhost:50051", {"localhost", 50051}},
    {"BracketedIpv6WithoutTheBrackets", "[::]:9090", {"::", 9090}},
    {"PortZeroAndAnEmptyHost", ":0", {"", 0}},
};

class ParseHostPortTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseHostPortTest, ReadsHostAndPort) {
  const absl::StatusOr<HostPort> parsed = ParseHostPort(GetParam().address);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->host, GetParam().expected.host);
  EXPECT_EQ(parsed->port, GetParam().expected.port);
}

INSTANTIATE_TEST_SUITE_P(ParseHostPort, ParseHostPortTest,
                         ::testing::ValuesIn(kParseCases),
                         [](const ::testing::TestParamInfo<ParseCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(ParseHostPort, RefusesMissingOrMalformedPorts) {
  for (const char* address :
       {"localhost", "localhost:", "localhost:http", "localhost:-1",
        "localhost:+80", "localhost: 80", "localhost:65536",
        "localhost:0000080", "[::1]"}) {
    const absl::StatusOr<HostPort> parsed = ParseHostPort(address);
    ASSERT_FALSE(parsed.ok()) << address;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr(address));
  }
}

TEST(ParseHostPort, RefusesUnbracketedIpv6) {
  EXPECT_FALSE(ParseHostPort("::1:8080").ok());
}

TEST(SplitHostPort, LeavesAnAuthorityWithoutPortWhole) {
  absl::string_view host;
  absl::string_view port;
  SplitHostPort("[2001:db8::1]", host, port);
  EXPECT_EQ(host, "[2001:db8::1]");
  EXPECT_EQ(port, "");
  SplitHostPort("ws.api.video:443", host, port);
  EXPECT_EQ(host, "ws.api.video");
  EXPECT_EQ(port, "443");
}

TEST(FormatHostPort, BracketsIpv6Only) {
  EXPECT_EQ(FormatHostPort("::", 50051), "[::]:50051");
  EXPECT_EQ(FormatHostPort("127.0.0.1", 80), "127.0.0.1:80");
}

TEST(IsLoopbackHost, KnowsTheLoopbackNamesAndAddresses) {
  for (const char* host :
       {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
}

TEST(IsLoopbackHost, RefusesLookAlikesAndOtherAddresses) {
  for (const char* host :
       {"127.0.0.1.nip.io", "127.attacker.example", "localhost.example",
        "127.0.0.256", "127.0.0", "0.0.0.0", "::", "[::]", "10.0.0.1", ""}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

}  // namespace
}  // namespace gateway
