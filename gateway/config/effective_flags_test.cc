#include "gateway/config/effective_flags.h"

#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "gateway/config/flags.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, api_base_url);

namespace gateway::config {
namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::Not;

class EffectiveFlagsTest : public ::testing::Test {
 private:
  absl::FlagSaver saver_;
};

TEST_F(EffectiveFlagsTest, ListsEveryGatewayFlagOnceSortedByName) {
  const std::vector<EffectiveFlag> flags = EffectiveFlags();
  ASSERT_EQ(flags.size(), GatewayFlags().size());
  ASSERT_GT(flags.size(), 40U);
  for (std::size_t i = 1; i < flags.size(); ++i) {
    EXPECT_LT(flags[i - 1].name, flags[i].name);
  }
  EXPECT_THAT(flags, Not(Contains(Field(&EffectiveFlag::name, "flagfile"))));
}

TEST_F(EffectiveFlagsTest, ShowsTheCurrentValue) {
  absl::SetFlag(&FLAGS_listen, "127.0.0.1:7000");
  const std::vector<EffectiveFlag> flags = EffectiveFlags();
  const auto listen = std::find_if(
      flags.begin(), flags.end(),
      [](const EffectiveFlag& flag) { return flag.name == "listen"; });
  ASSERT_NE(listen, flags.end());
  EXPECT_EQ(listen->value, "127.0.0.1:7000");
}

TEST_F(EffectiveFlagsTest, CredentialsInAUrlAreRedacted) {
  absl::SetFlag(&FLAGS_api_base_url,
                "https://someone:hunter2@ws.example.com/v1?x=a@b");
  const std::vector<EffectiveFlag> flags = EffectiveFlags();
  const auto url = std::find_if(
      flags.begin(), flags.end(),
      [](const EffectiveFlag& flag) { return flag.name == "api_base_url"; });
  ASSERT_NE(url, flags.end());
  EXPECT_EQ(url->value, "https://REDACTED@ws.example.com/v1?x=a@b");
}

TEST(RedactFlagValueTest, AUrlWithoutCredentialsIsKept) {
  EXPECT_EQ(RedactFlagValue("api_base_url", "https://ws.api.video"),
            "https://ws.api.video");
  EXPECT_EQ(RedactFlagValue("api_base_url", "https://h/p@x"), "https://h/p@x");
}

TEST(RedactFlagValueTest, AFlagNamedForASecretIsRedacted) {
  EXPECT_EQ(RedactFlagValue("redis_password", "hunter2"), kRedacted);
  EXPECT_EQ(RedactFlagValue("page_token_secret", "s"), kRedacted);
  EXPECT_EQ(RedactFlagValue("api_key", "k"), kRedacted);
  EXPECT_EQ(RedactFlagValue("admin_token", "t"), kRedacted);
}

TEST(RedactFlagValueTest, PathsOfSecretFilesAreKept) {
  EXPECT_EQ(RedactFlagValue("api_key_file", "/etc/apivideo/api-key"),
            "/etc/apivideo/api-key");
  EXPECT_EQ(RedactFlagValue("redis_password_file", "/etc/redis/password"),
            "/etc/redis/password");
}

TEST(RedactFlagValueTest, AnEmptySecretStaysEmpty) {
  EXPECT_EQ(RedactFlagValue("redis_password", ""), "");
}

}  // namespace
}  // namespace gateway::config
