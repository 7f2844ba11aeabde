#include "gateway/config/settings.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::config {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(CheckUpstreamUrl, AcceptsHttpsWithoutWarning) {
  std::string warning;
  const auto base = CheckUpstreamUrl("https://ws.api.video", false, warning);
  ASSERT_TRUE(base.ok()) << base.status();
  EXPECT_EQ(base->ToString(), "https://ws.api.video");
  EXPECT_THAT(warning, IsEmpty());
}

TEST(CheckUpstreamUrl, AcceptsPlainHttpToLoopbackWithWarning) {
  for (const char* url : {"http://localhost:8080", "http://127.0.0.1:9000",
                          "http://[::1]:8080"}) {
    std::string warning;
    const auto base = CheckUpstreamUrl(url, false, warning);
    ASSERT_TRUE(base.ok()) << url << ": " << base.status();
    EXPECT_THAT(warning, HasSubstr("plain http")) << url;
  }
}

TEST(CheckUpstreamUrl, RefusesPlainHttpToRemoteHost) {
  std::string warning;
  const auto base = CheckUpstreamUrl("http://ws.api.video", false, warning);
  ASSERT_FALSE(base.ok());
  EXPECT_EQ(base.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(base.status().message(), HasSubstr("allow_plaintext_upstream"));
}

TEST(CheckUpstreamUrl, RefusesPlainHttpToHostNameThatOnlyLooksLoopback) {
  for (const char* url :
       {"http://127.0.0.1.nip.io", "http://127.attacker.example",
        "http://localhost.attacker.example"}) {
    std::string warning;
    EXPECT_FALSE(CheckUpstreamUrl(url, false, warning).ok()) << url;
  }
}

TEST(CheckUpstreamUrl, AllowsPlainHttpToRemoteHostWhenAskedWithWarning) {
  std::string warning;
  const auto base = CheckUpstreamUrl("http://ws.api.video", true, warning);
  ASSERT_TRUE(base.ok()) << base.status();
  EXPECT_THAT(warning, HasSubstr("unencrypted"));
}

TEST(CheckUpstreamUrl, RejectsInvalidUrlEvenWithPlaintextAllowed) {
  std::string warning;
  const auto base = CheckUpstreamUrl("ftp://ws.api.video", true, warning);
  ASSERT_FALSE(base.ok());
  EXPECT_EQ(base.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace gateway::config
