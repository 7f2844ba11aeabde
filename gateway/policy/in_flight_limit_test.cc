#include "gateway/policy/in_flight_limit.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace gateway::policy {
namespace {

TEST(InFlightLimit, StartsEmpty) {
  InFlightLimit limit(3);
  EXPECT_EQ(limit.in_flight(), 0);
  EXPECT_EQ(limit.max(), 3);
}

TEST(InFlightLimit, AcquiresUpToMax) {
  InFlightLimit limit(3);
  EXPECT_TRUE(limit.TryAcquire());
  EXPECT_TRUE(limit.TryAcquire());
  EXPECT_TRUE(limit.TryAcquire());
  EXPECT_EQ(limit.in_flight(), 3);
}

TEST(InFlightLimit, RefusesBeyondMaxAndTakesNothing) {
  InFlightLimit limit(2);
  ASSERT_TRUE(limit.TryAcquire());
  ASSERT_TRUE(limit.TryAcquire());
  EXPECT_FALSE(limit.TryAcquire());
  EXPECT_FALSE(limit.TryAcquire());
  EXPECT_EQ(limit.in_flight(), 2);
}

TEST(InFlightLimit, ReleaseFreesAPlace) {
  InFlightLimit limit(1);
  ASSERT_TRUE(limit.TryAcquire());
  ASSERT_FALSE(limit.TryAcquire());
  limit.Release();
  EXPECT_EQ(limit.in_flight(), 0);
  EXPECT_TRUE(limit.TryAcquire());
  EXPECT_EQ(limit.in_flight(), 1);
}

TEST(InFlightLimit, ZeroMaxRefusesEverything) {
  InFlightLimit limit(0);
  EXPECT_FALSE(limit.TryAcquire());
  EXPECT_EQ(limit.in_flight(), 0);
}

TEST(InFlightLimit, RacingAcquirersGetExactlyMaxPlaces) {
  constexpr int kMax = 50;
  constexpr int kThreads = 8;
  InFlightLimit limit(kMax);
  std::atomic<int> granted{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!go.load()) {
      }
      for (int i = 0; i < 1000; ++i) {
        if (limit.TryAcquire()) granted.fetch_add(1);
      }
    });
  }
  go.store(true);
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(granted.load(), kMax);
  EXPECT_EQ(limit.in_flight(), kMax);
}

TEST(InFlightLimit, ConcurrentAcquireAndReleaseKeepTheCountExact) {
  constexpr int kMax = 4;
  constexpr int kThreads = 8;
  InFlightLimit limit(kMax);
  std::atomic<int> held{0};
  std::atomic<int> most_held{0};
  std::atomic<int> granted{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!go.load()) {
      }
      for (int i = 0; i < 20000; ++i) {
        if (!limit.TryAcquire()) continue;
        granted.fetch_add(1);
        const int now_held = held.fetch_add(1) + 1;
        int most = most_held.load();
        while (now_held > most &&
               !most_held.compare_exchange_weak(most, now_held)) {
        }
        held.fetch_sub(1);
        limit.Release();
      }
    });
  }
  go.store(true);
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(limit.in_flight(), 0);
  EXPECT_LE(most_held.load(), kMax);
  EXPECT_GT(granted.load(), 0);
  // Every place is still there to take.
  for (int i = 0; i < kMax; ++i) EXPECT_TRUE(limit.TryAcquire());
  EXPECT_FALSE(limit.TryAcquire());
}

}  // namespace
}  // namespace gateway::policy
