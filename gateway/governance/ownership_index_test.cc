#include "gateway/governance/ownership_index.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Ownership Owned(std::string creator, absl::Duration age,
                absl::Duration lifetime = absl::InfiniteDuration()) {
  Ownership ownership;
  ownership.creator = std::move(creator);
  ownership.created_at = kNow - age;
  if (lifetime != absl::InfiniteDuration()) {
    ownership.ttl_seconds =
        static_cast<std::int32_t>(absl::ToInt64Seconds(lifetime));
    ownership.expires_at = ownership.created_at + lifetime;
  }
  return ownership;
}

std::vector<std::string> Names(const std::vector<OwnedToken>& tokens) {
  std::vector<std::string> names;
  for (const OwnedToken& token : tokens) names.push_back(token.token);
  return names;
}

TEST(OwnershipIndexTest, FindsTheCreatorOfARecordedToken) {
  OwnershipIndex index;
  index.Record("to1", Owned("web", absl::Minutes(1)), kNow);
  ASSERT_TRUE(index.Find("to1", kNow).has_value());
  EXPECT_EQ(index.Find("to1", kNow)->creator, "web");
  EXPECT_FALSE(index.Find("to2", kNow).has_value());
}

TEST(OwnershipIndexTest, ForgetsADeletedToken) {
  OwnershipIndex index;
  index.Record("to1", Owned("web", absl::Minutes(1)), kNow);
  index.Forget("to1");
  EXPECT_FALSE(index.Find("to1", kNow).has_value());
  EXPECT_THAT(index.TokensOf("web", kNow), IsEmpty());
  EXPECT_EQ(index.size(), 0);
}

TEST(OwnershipIndexTest, AnExpiredTokenIsNeitherFoundNorListedNorCounted) {
  OwnershipIndex index;
  index.Record("to1", Owned("web", absl::Minutes(1), absl::Minutes(2)), kNow);
  const absl::Time later = kNow + absl::Minutes(1);
  EXPECT_FALSE(index.Find("to1", later).has_value());
  EXPECT_THAT(index.TokensOf("web", later), IsEmpty());
  EXPECT_EQ(index.LiveCount("web", later), 0);
}

TEST(OwnershipIndexTest, ATokenAlreadyExpiredIsNotRecorded) {
  OwnershipIndex index;
  index.Record("to1", Owned("web", absl::Minutes(5), absl::Minutes(2)), kNow);
  EXPECT_EQ(index.size(), 0);
}

TEST(OwnershipIndexTest, ListsACreatorsTokensOldestFirst) {
  OwnershipIndex index;
  index.Record("b", Owned("web", absl::Minutes(1)), kNow);
  index.Record("a", Owned("web", absl::Minutes(3)), kNow);
  index.Record("c", Owned("ops", absl::Minutes(2)), kNow);
  EXPECT_THAT(Names(index.TokensOf("web", kNow)), ElementsAre("a", "b"));
  EXPECT_THAT(Names(index.TokensOf("ops", kNow)), ElementsAre("c"));
}

TEST(OwnershipIndexTest, RecordingATokenAgainMovesItToItsNewCreator) {
  OwnershipIndex index;
  index.Record("to1", Owned("web", absl::Minutes(1)), kNow);
  index.Record("to1", Owned("ops", absl::Minutes(1)), kNow);
  EXPECT_THAT(index.TokensOf("web", kNow), IsEmpty());
  EXPECT_THAT(Names(index.TokensOf("ops", kNow)), ElementsAre("to1"));
}

TEST(OwnershipIndexTest, ReservedCreatesCountAsLiveUntilTheyEnd) {
  OwnershipIndex index;
  index.Record("to1", Owned("web", absl::Minutes(1)), kNow);
  ASSERT_TRUE(index.TryReserveCreate("web", 2, kNow));
  EXPECT_EQ(index.LiveCount("web", kNow), 2);
  // The second reservation would make three.
  EXPECT_FALSE(index.TryReserveCreate("web", 2, kNow));
  index.EndCreate("web");
  EXPECT_EQ(index.LiveCount("web", kNow), 1);
  EXPECT_TRUE(index.TryReserveCreate("web", 2, kNow));
}

TEST(OwnershipIndexTest, NoLimitAlwaysReserves) {
  OwnershipIndex index;
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(index.TryReserveCreate("web", 0, kNow));
}

TEST(OwnershipIndexTest, AnExpiredTokenFreesItsPlaceUnderTheLimit) {
  OwnershipIndex index;
  index.Record("to1", Owned("web", absl::Minutes(1), absl::Minutes(2)), kNow);
  EXPECT_FALSE(index.TryReserveCreate("web", 1, kNow));
  EXPECT_TRUE(index.TryReserveCreate("web", 1, kNow + absl::Minutes(1)));
}

TEST(OwnershipIndexTest, OtherCreatorsTokensDoNotCountTowardsTheLimit) {
  OwnershipIndex index;
  index.Record("to1", Owned("web", absl::Minutes(1)), kNow);
  index.Record("to2", Owned("ops", absl::Minutes(1)), kNow);
  index.Record("to3", Owned("ops", absl::Minutes(1)), kNow);
  EXPECT_TRUE(index.TryReserveCreate("web", 2, kNow));
  EXPECT_FALSE(index.TryReserveCreate("ops", 2, kNow));
}

TEST(OwnershipIndexTest, NextExpiryIsTheSoonestOfTheCreatorsLiveTokens) {
  OwnershipIndex index;
  index.Record("a", Owned("web", absl::Minutes(1), absl::Minutes(10)), kNow);
  index.Record("b", Owned("web", absl::Minutes(1), absl::Minutes(5)), kNow);
  index.Record("c", Owned("ops", absl::Minutes(1), absl::Minutes(2)), kNow);
  EXPECT_EQ(index.NextExpiryOf("web", kNow), kNow + absl::Minutes(4));
  EXPECT_EQ(index.NextExpiryOf("nobody", kNow), absl::InfiniteFuture());
}

TEST(OwnershipIndexTest, DropExpiredFreesOnlyExpiredTokens) {
  OwnershipIndex index;
  index.Record("a", Owned("web", absl::Minutes(1), absl::Minutes(2)), kNow);
  index.Record("b", Owned("web", absl::Minutes(1)), kNow);
  EXPECT_EQ(index.DropExpired(kNow + absl::Minutes(5)), 1);
  EXPECT_EQ(index.size(), 1);
  EXPECT_TRUE(index.Find("b", kNow + absl::Minutes(5)).has_value());
}

TEST(OwnershipIndexTest, RecordingATokenDropsTheExpiredOnes) {
  OwnershipIndex index;
  index.Record("a", Owned("web", absl::Minutes(1), absl::Minutes(2)), kNow);
  index.Record("b", Owned("web", absl::Minutes(1)), kNow + absl::Minutes(5));
  EXPECT_EQ(index.size(), 1);
}

}  // namespace
}  // namespace gateway::governance
