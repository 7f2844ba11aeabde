// ExpiringLruCache: expiry, least-recently-used eviction and the
// generation that keeps answers from before an invalidation out.

#include "gateway/apivideo/expiring_lru_cache.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::testing::Optional;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

TEST(ExpiringLruCacheTest, EntryIsFoundUntilItExpires) {
  ExpiringLruCache<int> cache(10);
  cache.Put("a", 1, kNow + absl::Seconds(5), kNow);
  EXPECT_THAT(cache.Find("a", kNow + absl::Seconds(4)), Optional(1));
  EXPECT_EQ(cache.Find("a", kNow + absl::Seconds(5)), std::nullopt);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ExpiringLruCacheTest, AlreadyExpiredValueIsNotStored) {
  ExpiringLruCache<int> cache(10);
  cache.Put("a", 1, kNow, kNow);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ExpiringLruCacheTest, FullCacheEvictsTheLeastRecentlyUsed) {
  ExpiringLruCache<int> cache(2);
  const absl::Time later = kNow + absl::Hours(1);
  cache.Put("a", 1, later, kNow);
  cache.Put("b", 2, later, kNow);
  ASSERT_TRUE(cache.Find("a", kNow).has_value());  // "b" is now the oldest
  cache.Put("c", 3, later, kNow);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find("b", kNow), std::nullopt);
  EXPECT_THAT(cache.Find("a", kNow), Optional(1));
  EXPECT_THAT(cache.Find("c", kNow), Optional(3));
}

TEST(ExpiringLruCacheTest, PutReplacesTheValueAndItsExpiry) {
  ExpiringLruCache<int> cache(2);
  cache.Put("a", 1, kNow + absl::Seconds(1), kNow);
  cache.Put("a", 2, kNow + absl::Seconds(9), kNow);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_THAT(cache.Find("a", kNow + absl::Seconds(5)), Optional(2));
}

TEST(ExpiringLruCacheTest, AnswerAskedForBeforeAnEraseIsNotStored) {
  ExpiringLruCache<int> cache(10);
  const std::uint64_t asked_at = cache.generation();
  cache.Erase("a");
  EXPECT_FALSE(cache.PutUnlessInvalidatedSince(asked_at, "a", 1,
                                               kNow + absl::Hours(1), kNow));
  EXPECT_EQ(cache.Find("a", kNow), std::nullopt);
}

TEST(ExpiringLruCacheTest, AnswerAskedForBeforeAClearIsNotStored) {
  ExpiringLruCache<int> cache(10);
  cache.Put("b", 2, kNow + absl::Hours(1), kNow);
  const std::uint64_t asked_at = cache.generation();
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.PutUnlessInvalidatedSince(asked_at, "a", 1,
                                               kNow + absl::Hours(1), kNow));
}

TEST(ExpiringLruCacheTest, AnswerWithNoInvalidationSinceIsStored) {
  ExpiringLruCache<int> cache(10);
  const std::uint64_t asked_at = cache.generation();
  cache.Put("other", 2, kNow + absl::Hours(1), kNow);  // not an invalidation
  EXPECT_TRUE(cache.PutUnlessInvalidatedSince(asked_at, "a", 1,
                                              kNow + absl::Hours(1), kNow));
  EXPECT_THAT(cache.Find("a", kNow), Optional(1));
}

}  // namespace
}  // namespace gateway::apivideo
