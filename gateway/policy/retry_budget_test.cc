#include "gateway/policy/retry_budget.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace gateway::policy {
namespace {

// Spends every whole token; returns how many retries that allowed.
int SpendAll(RetryBudget& budget) {
  int retries = 0;
  while (budget.TryRetry()) ++retries;
  return retries;
}

TEST(RetryBudget, StartsFullSoAQuietGatewayCanRetry) {
  RetryBudget budget({0.1, 10.0});
  EXPECT_DOUBLE_EQ(budget.tokens(), 10.0);
  EXPECT_EQ(SpendAll(budget), 10);
}

TEST(RetryBudget, RefusesOnceTheBurstIsSpent) {
  RetryBudget budget({0.1, 3.0});
  EXPECT_TRUE(budget.TryRetry());
  EXPECT_TRUE(budget.TryRetry());
  EXPECT_TRUE(budget.TryRetry());
  EXPECT_FALSE(budget.TryRetry());
  EXPECT_FALSE(budget.TryRetry());
}

TEST(RetryBudget, RefusedRetrySpendsNothing) {
  RetryBudget budget({0.25, 1.0});
  ASSERT_TRUE(budget.TryRetry());
  budget.RecordAttempt();
  budget.RecordAttempt();
  ASSERT_DOUBLE_EQ(budget.tokens(), 0.5);
  EXPECT_FALSE(budget.TryRetry());
  EXPECT_DOUBLE_EQ(budget.tokens(), 0.5);
}

TEST(RetryBudget, RetrySpendsOneWholeToken) {
  RetryBudget budget({0.1, 10.0});
  ASSERT_TRUE(budget.TryRetry());
  EXPECT_DOUBLE_EQ(budget.tokens(), 9.0);
}

TEST(RetryBudget, FirstAttemptEarnsRatioOfAToken) {
  RetryBudget budget({0.25, 10.0});
  SpendAll(budget);
  budget.RecordAttempt();
  EXPECT_DOUBLE_EQ(budget.tokens(), 0.25);
}

TEST(RetryBudget, TenFirstAttemptsAtTenPercentEarnOneRetry) {
  RetryBudget budget({0.1, 10.0});
  SpendAll(budget);
  for (int i = 0; i < 9; ++i) budget.RecordAttempt();
  EXPECT_FALSE(budget.TryRetry()) << "9 attempts earned a whole token";
  budget.RecordAttempt();
  EXPECT_TRUE(budget.TryRetry()) << "10 attempts at 10% did not earn one";
}

TEST(RetryBudget, AfterTheBurstThousandAttemptsAllowAHundredRetries) {
  RetryBudget budget({0.1, 10.0});
  SpendAll(budget);
  int retries = 0;
  for (int i = 0; i < 1000; ++i) {
    budget.RecordAttempt();
    if (budget.TryRetry()) ++retries;
  }
  EXPECT_EQ(retries, 100);
}

TEST(RetryBudget, EveryFirstAttemptFailingAddsAtMostTenPercent) {
  // An upstream that fails everything: each call tries to retry at once.
  // After the burst, retries stay within 10% of first attempts.
  RetryBudget budget({0.1, 10.0});
  int retries = 0;
  for (int i = 0; i < 10000; ++i) {
    budget.RecordAttempt();
    while (budget.TryRetry()) ++retries;
  }
  EXPECT_GE(retries, 1000);
  EXPECT_LE(retries, 1000 + 10);
}

TEST(RetryBudget, TokensNeverExceedCapacity) {
  RetryBudget budget({0.5, 4.0});
  for (int i = 0; i < 100; ++i) budget.RecordAttempt();
  EXPECT_DOUBLE_EQ(budget.tokens(), 4.0);
  EXPECT_EQ(SpendAll(budget), 4);
}

TEST(RetryBudget, ZeroRatioNeverRefills) {
  RetryBudget budget({0.0, 2.0});
  EXPECT_EQ(SpendAll(budget), 2);
  for (int i = 0; i < 1000; ++i) budget.RecordAttempt();
  EXPECT_FALSE(budget.TryRetry());
}

TEST(RetryBudget, NegativeRatioEarnsNothingAndTakesNothing) {
  RetryBudget budget({-0.5, 2.0});
  for (int i = 0; i < 10; ++i) budget.RecordAttempt();
  EXPECT_DOUBLE_EQ(budget.tokens(), 2.0);
  EXPECT_EQ(SpendAll(budget), 2);
}

TEST(RetryBudget, ConcurrentRetriesNeverSpendMoreThanTheTokens) {
  RetryBudget budget({0.1, 50.0});
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        budget.RecordAttempt();
        if (budget.TryRetry()) granted.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  // 50 tokens at the start plus 4000 * 0.1 earned: never more than that.
  EXPECT_LE(granted.load(), 50 + 400);
  EXPECT_GE(granted.load(), 400);
}

}  // namespace
}  // namespace gateway::policy
