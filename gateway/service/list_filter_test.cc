#include "gateway/service/list_filter.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::service {
namespace {

using ::testing::HasSubstr;

TEST(ListFilterTest, AnEmptyFilterListsEveryToken) {
  absl::StatusOr<ListFilter> filter = ParseListFilter("  ");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_FALSE(filter->creator.has_value());
  EXPECT_EQ(filter->normalized, "");
}

TEST(ListFilterTest, ReadsACreator) {
  absl::StatusOr<ListFilter> filter = ParseListFilter("creator = \"web\"");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->creator, "web");
}

TEST(ListFilterTest, SpacesAroundTheTokensDoNotMatter) {
  absl::StatusOr<ListFilter> tight = ParseListFilter("creator=\"web\"");
  absl::StatusOr<ListFilter> loose = ParseListFilter("  creator  =  \"web\"  ");
  ASSERT_TRUE(tight.ok()) << tight.status();
  ASSERT_TRUE(loose.ok()) << loose.status();
  EXPECT_EQ(tight->normalized, loose->normalized);
  EXPECT_EQ(tight->normalized, "creator = \"web\"");
}

TEST(ListFilterTest, UnescapesQuotesAndBackslashesInTheName) {
  absl::StatusOr<ListFilter> filter = ParseListFilter(R"(creator = "a\"b\\c")");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->creator, "a\"b\\c");
  EXPECT_EQ(filter->normalized, R"(creator = "a\"b\\c")");
}

TEST(ListFilterTest, RefusesAnythingElse) {
  for (const char* text :
       {"creator", "creator =", "creator = web", "creator = \"web",
        "creator != \"web\"", "ttl = 3600", "creator = \"web\" AND ttl = 1",
        "creator = \"web\" x", R"(creator = "a\nb")", "creatorx = \"web\""}) {
    absl::StatusOr<ListFilter> filter = ParseListFilter(text);
    EXPECT_FALSE(filter.ok()) << text;
    if (!filter.ok()) {
      EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(ListFilterTest, AnEmptyCreatorAsksForTokensOfNoKnownCreator) {
  absl::StatusOr<ListFilter> filter = ParseListFilter("creator = \"\"");
  ASSERT_TRUE(filter.ok()) << filter.status();
  ASSERT_TRUE(filter->creator.has_value());
  EXPECT_EQ(*filter->creator, "");
  EXPECT_EQ(filter->normalized, "creator = \"\"");
}

}  // namespace
}  // namespace gateway::service
