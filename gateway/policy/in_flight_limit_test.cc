#include "gateway/policy/in_flight_limit.h"

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::policy {
namespace {

using ::testing::ElementsAre;

// What `attempts` successive TryAcquire calls answered, in order.
std::vector<bool> TryAcquireTimes(InFlightLimit& limit, int attempts) {
  std::vector<bool> answers;
  for (int i = 0; i < attempts; ++i) answers.push_back(limit.TryAcquire());
  return answers;
}

// Runs `body` on `threads` threads that all start at once, and joins them.
void RunOnThreadsAtOnce(int threads, const std::function<void()>& body) {
  std::atomic<bool> go{false};
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&] {
      while (!go.load()) {
      }
      body();
    });
  }
  go.store(true);
  for (std::thread& thread : running) thread.join();
}

TEST(InFlightLimit, StartsEmpty) {
  InFlightLimit limit(3);
  EXPECT_EQ(limit.in_flight(), 0);
  EXPECT_EQ(limit.max(), 3);
}

TEST(InFlightLimit, AcquiresUpToMax) {
  InFlightLimit limit(3);
  EXPECT_THAT(TryAcquireTimes(limit, 3), ElementsAre(true, true, true));
  EXPECT_EQ(limit.in_flight(), 3);
}

TEST(InFlightLimit, RefusesBeyondMaxAndTakesNothing) {
  InFlightLimit limit(2);
  EXPECT_THAT(TryAcquireTimes(limit, 4), ElementsAre(true, true, false, false));
  EXPECT_EQ(limit.in_flight(), 2);
}

TEST(InFlightLimit, ReleaseFreesAPlace) {
  InFlightLimit limit(1);
  ASSERT_THAT(TryAcquireTimes(limit, 2), ElementsAre(true, false));

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
  InFlightLimit limit(kMax);
  std::atomic<int> granted{0};

  RunOnThreadsAtOnce(8, [&] {
    for (int i = 0; i < 1000; ++i) {
      if (limit.TryAcquire()) granted.fetch_add(1);
    }
  });

  EXPECT_EQ(granted.load(), kMax);
  EXPECT_EQ(limit.in_flight(), kMax);
}

TEST(InFlightLimit, ConcurrentAcquireAndReleaseKeepTheCountExact) {
  constexpr int kMax = 4;
  InFlightLimit limit(kMax);
  std::atomic<int> held{0};
  std::atomic<int> most_held{0};
  std::atomic<int> granted{0};

  RunOnThreadsAtOnce(8, [&] {
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

  EXPECT_EQ(limit.in_flight(), 0);
  EXPECT_LE(most_held.load(), kMax);
  EXPECT_GT(granted.load(), 0);
  // Every place is still there to take, and no more.
  EXPECT_THAT(TryAcquireTimes(limit, kMax + 1),
              ElementsAre(true, true, true, true, false));
}

}  // namespace
}  // namespace gateway::policy
