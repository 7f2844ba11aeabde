#include "gateway/common/config_lines.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

using ::testing::ElementsAre;

TEST(ConfigLinesTest, SkipsBlankAndCommentLinesAndKeepsLineNumbers) {
  const std::vector<ConfigLine> lines =
      ConfigLines("# header\n\nweb 2\n   \n  # indented comment\nops\t 1 \n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].number, 3);
  EXPECT_THAT(lines[0].fields, ElementsAre("web", "2"));
  EXPECT_EQ(lines[1].number, 6);
  EXPECT_THAT(lines[1].fields, ElementsAre("ops", "1"));
}

TEST(ConfigLinesTest, EmptyContentsHaveNoLines) {
  EXPECT_TRUE(ConfigLines("").empty());
  EXPECT_TRUE(ConfigLines("\n\n# only comments\n").empty());
}

TEST(ConfigLinesTest, CarriageReturnsAreWhitespace) {
  const std::vector<ConfigLine> lines = ConfigLines("web 2\r\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0].fields, ElementsAre("web", "2"));
}

}  // namespace
}  // namespace gateway
