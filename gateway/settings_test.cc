#include "gateway/settings.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Distinctive, so that any leak into a message is easy to spot.
constexpr char kFileKey[] = "FileKeyZq7Xw1Secret";
constexpr char kEnvKey[] = "EnvKeyPp3Vb9Secret";

class TempFile {
 public:
  explicit TempFile(absl::string_view contents) {
    path_ =
        absl::StrCat(::testing::TempDir(), "settings_test_", getpid(), "_",
                     reinterpret_cast<std::uintptr_t>(this), "_", counter_++);
    std::ofstream out(path_, std::ios::binary);
    out << contents;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

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
      absl::StrCat(::testing::TempDir(), "settings_test_no_such_file");
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
}  // namespace gateway
