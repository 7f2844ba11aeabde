#include "gateway/security/secrets.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/testing/temp_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::security {
namespace {

using ::gateway::testing::TempFile;
using ::testing::HasSubstr;
using ::testing::Not;

// Distinctive, so that any leak into a message is easy to spot.
constexpr char kFileKey[] = "FileKeyZq7Xw1Secret";
constexpr char kEnvKey[] = "EnvKeyPp3Vb9Secret";

TEST(LoadPageTokenSecret, ReadsSecretWithoutSurroundingWhitespace) {
  const TempFile file("  0123456789abcdef0123\n");
  absl::StatusOr<std::string> secret = LoadPageTokenSecret(file.path());
  ASSERT_TRUE(secret.ok()) << secret.status();
  EXPECT_EQ(*secret, "0123456789abcdef0123");
}

TEST(LoadPageTokenSecret, ShortSecretIsErrorWithoutTheSecret) {
  const TempFile file("short-secret\n");
  absl::StatusOr<std::string> secret = LoadPageTokenSecret(file.path());
  ASSERT_EQ(secret.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(secret.status().message(), HasSubstr("at least 16 bytes"));
  EXPECT_THAT(secret.status().message(), Not(HasSubstr("short-secret")));
}

TEST(LoadPageTokenSecret, MissingFileIsError) {
  EXPECT_EQ(LoadPageTokenSecret("/nonexistent/secret").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(LoadRedisPassword, ReadsPasswordWithoutSurroundingWhitespace) {
  const TempFile file("\n  s3cret-redis \n");
  absl::StatusOr<std::string> password = LoadRedisPassword(file.path());
  ASSERT_TRUE(password.ok()) << password.status();
  EXPECT_EQ(*password, "s3cret-redis");
}

TEST(LoadRedisPassword, EmptyFileIsError) {
  const TempFile file(" \n");
  EXPECT_EQ(LoadRedisPassword(file.path()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(LoadRedisPassword, ControlCharacterIsErrorWithoutThePassword) {
  const TempFile file("zq9x\rkv7");
  absl::StatusOr<std::string> password = LoadRedisPassword(file.path());
  ASSERT_EQ(password.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(password.status().message(), HasSubstr("control character"));
  EXPECT_THAT(password.status().message(), Not(HasSubstr("zq9x")));
}

TEST(LoadApiKey, ReadsKeyFromFileWithoutSurroundingWhitespace) {
  const TempFile file(absl::StrCat("  \n\t", kFileKey, "\r\n\n"));
  const absl::StatusOr<std::string> key = LoadApiKey(file.path(), nullptr);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, kFileKey);
}

TEST(LoadApiKey, ReadsKeyFromEnvironmentWithoutSurroundingWhitespace) {
  const std::string env = absl::StrCat(" ", kEnvKey, "\n");
  const absl::StatusOr<std::string> key = LoadApiKey("", env.c_str());
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, kEnvKey);
}

TEST(LoadApiKey, FileWinsOverEnvironment) {
  const TempFile file(kFileKey);
  const absl::StatusOr<std::string> key = LoadApiKey(file.path(), kEnvKey);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, kFileKey);
}

TEST(LoadApiKey, EmptyFileIsErrorAndDoesNotFallBackToEnvironment) {
  const TempFile file(" \n\t\n");
  const absl::StatusOr<std::string> key = LoadApiKey(file.path(), kEnvKey);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(key.status().message(), HasSubstr(file.path()));
  EXPECT_THAT(key.status().message(), Not(HasSubstr(kEnvKey)));
}

TEST(LoadApiKey, MissingFileIsErrorNamingPathNotKey) {
  const std::string path =
      absl::StrCat(::testing::TempDir(), "secrets_test_no_such_file");
  const absl::StatusOr<std::string> key = LoadApiKey(path, kEnvKey);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(key.status().message(), HasSubstr(path));
  EXPECT_THAT(key.status().message(), Not(HasSubstr(kEnvKey)));
}

TEST(LoadApiKey, NoFileAndNoEnvironmentIsError) {
  const absl::StatusOr<std::string> key = LoadApiKey("", nullptr);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(key.status().message(), HasSubstr("APIVIDEO_API_KEY"));
}

TEST(LoadApiKey, BlankEnvironmentIsError) {
  const absl::StatusOr<std::string> key = LoadApiKey("", " \t\n");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(LoadApiKey, KeyFileWithControlCharacterIsErrorWithoutKey) {
  const TempFile file(absl::StrCat(kFileKey, "\n", kEnvKey));
  const absl::StatusOr<std::string> key = LoadApiKey(file.path(), nullptr);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(key.status().message(), Not(HasSubstr(kFileKey)));
  EXPECT_THAT(key.status().message(), Not(HasSubstr(kEnvKey)));
}

TEST(LoadApiKey, EnvironmentKeyWithControlCharacterIsErrorWithoutKey) {
  const std::string env = absl::StrCat(kEnvKey, "\x01", "tail");
  const absl::StatusOr<std::string> key = LoadApiKey("", env.c_str());
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.status().message(), Not(HasSubstr(kEnvKey)));
}

}  // namespace
}  // namespace gateway::security
