#include "gateway/governance/owned_token_listing.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::testing::ElementsAre;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

std::vector<std::string> Names(const apivideo::TokenPage& page) {
  std::vector<std::string> names;
  for (const apivideo::UploadToken& token : page.tokens) {
    names.push_back(token.token());
  }
  return names;
}

class OwnedTokenListingTest : public ::testing::Test {
 protected:
  OwnedTokenListingTest() {
    // a: oldest, ttl 300; b: ttl 100; c: newest, never expires.
    Add("a", "web", absl::Minutes(3), 300);
    Add("b", "web", absl::Minutes(2), 100);
    Add("c", "web", absl::Minutes(1), 0);
    Add("x", "ops", absl::Minutes(1), 0);
  }
  void Add(const std::string& token, const std::string& creator,
           absl::Duration age, int ttl) {
    Ownership ownership;
    ownership.creator = creator;
    ownership.ttl_seconds = ttl;
    ownership.created_at = kNow - age;
    if (ttl > 0) ownership.expires_at = ownership.created_at + absl::Hours(1);
    index_.Record(token, ownership, kNow);
  }
  apivideo::TokenPage List(apivideo::ListQuery query) {
    return ListOwnedTokens(index_, "web", query, kNow);
  }

  OwnershipIndex index_;
};

TEST_F(OwnedTokenListingTest, ListsOnlyTheCreatorsTokensOldestFirst) {
  const apivideo::TokenPage page = List({});
  EXPECT_THAT(Names(page), ElementsAre("a", "b", "c"));
  EXPECT_EQ(page.total_tokens, 3);
  EXPECT_EQ(page.tokens[0].creator(), "web");
}

TEST_F(OwnedTokenListingTest, SortsByTtlInEitherOrder) {
  apivideo::ListQuery query;
  query.sort_field = apivideo::SortField::kTtl;
  EXPECT_THAT(Names(List(query)), ElementsAre("c", "b", "a"));
  query.sort_order = apivideo::SortOrder::kDescending;
  EXPECT_THAT(Names(List(query)), ElementsAre("a", "b", "c"));
}

TEST_F(OwnedTokenListingTest, SortsNewestFirstWhenDescending) {
  apivideo::ListQuery query;
  query.sort_field = apivideo::SortField::kCreatedAt;
  query.sort_order = apivideo::SortOrder::kDescending;
  EXPECT_THAT(Names(List(query)), ElementsAre("c", "b", "a"));
}

TEST_F(OwnedTokenListingTest, PagesAsApiVideoDoes) {
  apivideo::ListQuery query;
  query.page_size = 2;
  query.current_page = 2;
  const apivideo::TokenPage page = List(query);
  EXPECT_THAT(Names(page), ElementsAre("c"));
  EXPECT_EQ(page.page, 2);
  EXPECT_EQ(page.page_count, 2);
  query.current_page = 3;
  EXPECT_TRUE(List(query).tokens.empty());
}

TEST_F(OwnedTokenListingTest, CarriesTheTokensFields) {
  const apivideo::TokenPage page = List({});
  EXPECT_EQ(page.tokens[0].ttl(), 300);
  EXPECT_EQ(page.tokens[0].created_at().seconds(),
            absl::ToUnixSeconds(kNow - absl::Minutes(3)));
  EXPECT_TRUE(page.tokens[0].has_expires_at());
  EXPECT_FALSE(page.tokens[2].has_expires_at());
}

TEST(CheckListAccessTest, ACallerMayAlwaysListItsOwnTokens) {
  CallerLimits limits;
  limits.others = OthersAccess::kNone;
  EXPECT_TRUE(CheckListAccess(limits, "web", "web").ok());
  EXPECT_EQ(CheckListAccess(limits, "web", std::nullopt).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckListAccess(limits, "web", "ops").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CheckListAccessTest, ACallerThatMayReadOthersTokensListsEveryToken) {
  CallerLimits limits;
  limits.others = OthersAccess::kRead;
  EXPECT_TRUE(CheckListAccess(limits, "web", std::nullopt).ok());
  EXPECT_TRUE(CheckListAccess(limits, "web", "ops").ok());
}

}  // namespace
}  // namespace gateway::governance
