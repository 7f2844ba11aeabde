#include "gateway/common/files.h"

#include <string>

#include "gateway/common/testing/temp_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

using ::gateway::testing::TempFile;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ReadFile, ReturnsTheWholeFileByteForByte) {
  const std::string contents("line one\n\0binary\r\n", 18);
  const TempFile file(contents);
  const absl::StatusOr<std::string> read = ReadFile(file.path(), "the file");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, contents);
}

TEST(ReadFile, EmptyFileIsEmptyString) {
  const TempFile file("");
  const absl::StatusOr<std::string> read = ReadFile(file.path(), "the file");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "");
}

TEST(ReadFile, MissingFileIsFailedPreconditionNamingWhatAndPath) {
  const absl::StatusOr<std::string> read =
      ReadFile("/nonexistent/key", "--api_key_file");
  ASSERT_EQ(read.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(read.status().message(),
            "cannot read --api_key_file /nonexistent/key");
}

TEST(ReadFile, DirectoryIsAnErrorNotAnEmptyFile) {
  const absl::StatusOr<std::string> read =
      ReadFile(::testing::TempDir(), "the certificate file");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ReadFile, ErrorNeverQuotesTheContents) {
  const TempFile file("SecretContents123");
  // A path that cannot be opened as a file below a real file.
  const absl::StatusOr<std::string> read =
      ReadFile(file.path() + "/child", "--page_token_secret_file");
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(), Not(HasSubstr("SecretContents123")));
}

}  // namespace
}  // namespace gateway
