#include "gateway/app/build_info.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::app {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

TEST(BuildInfo, VersionIsMajorMinorPatch) {
  EXPECT_THAT(std::string(GetBuildInfo().version),
              MatchesRegex("[0-9]+\\.[0-9]+\\.[0-9]+"));
}

TEST(BuildInfo, CommitAndBuildTypeAreNeverEmpty) {
  EXPECT_FALSE(GetBuildInfo().commit.empty());
  EXPECT_FALSE(GetBuildInfo().build_type.empty());
}

TEST(VersionText, NamesTheBuildAndTheLibraries) {
  const std::string text = VersionText();
  EXPECT_THAT(text, HasSubstr(absl::StrCat("upload_token_gateway ",
                                           GetBuildInfo().version, " (commit ",
                                           GetBuildInfo().commit)));
  EXPECT_THAT(text, HasSubstr("\ngRPC 1."));
  EXPECT_THAT(text, HasSubstr("\nProtobuf 3."));
  EXPECT_THAT(text, HasSubstr("\nlibcurl 7."));
  EXPECT_THAT(text, HasSubstr("\nmalloc: "));
}

TEST(MallocText, UnitTestsRunOnTheCLibrarysMalloc) {
  // Only the gateway binary links jemalloc (gateway_process_test checks it).
  EXPECT_EQ(MallocText(), "malloc: the C library's");
}

}  // namespace
}  // namespace gateway::app
