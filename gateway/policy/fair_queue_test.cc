#include "gateway/policy/fair_queue.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::policy {
namespace {

using ::testing::ElementsAre;

// Pops `n` waiters; the order they come out in.
std::vector<FairQueue::WaiterId> PopN(FairQueue& queue, int n) {
  std::vector<FairQueue::WaiterId> order;
  for (int i = 0; i < n; ++i) {
    auto id = queue.Pop();
    if (!id.has_value()) break;
    order.push_back(*id);
  }
  return order;
}

TEST(FairQueueTest, EmptyQueuePopsNothing) {
  FairQueue queue;
  EXPECT_EQ(queue.Pop(), std::nullopt);
  EXPECT_TRUE(queue.empty());
}

TEST(FairQueueTest, OneCallersWaitersGoFirstInFirstOut) {
  FairQueue queue;
  for (FairQueue::WaiterId id : {1, 2, 3}) queue.Push(id, "flood", 1);
  EXPECT_THAT(PopN(queue, 3), ElementsAre(1, 2, 3));
}

TEST(FairQueueTest, LateCallerIsServedBeforeTheFloodsBacklog) {
  FairQueue queue;
  for (FairQueue::WaiterId id = 1; id <= 100; ++id) queue.Push(id, "flood", 1);
  queue.Push(1000, "interactive", 1);
  // The flood's first waiter arrived first and ties; the interactive one
  // goes second, not 101st.
  EXPECT_THAT(PopN(queue, 2), ElementsAre(1, 1000));
}

TEST(FairQueueTest, TwoBackloggedCallersAlternate) {
  FairQueue queue;
  for (FairQueue::WaiterId id = 1; id <= 4; ++id) queue.Push(id, "a", 1);
  for (FairQueue::WaiterId id = 11; id <= 14; ++id) queue.Push(id, "b", 1);
  EXPECT_THAT(PopN(queue, 8), ElementsAre(1, 11, 2, 12, 3, 13, 4, 14));
}

TEST(FairQueueTest, WeightsSplitServiceInProportion) {
  FairQueue queue;
  for (FairQueue::WaiterId id = 1; id <= 30; ++id) queue.Push(id, "heavy", 2);
  for (FairQueue::WaiterId id = 101; id <= 130; ++id) {
    queue.Push(id, "light", 1);
  }
  int heavy = 0;
  for (FairQueue::WaiterId id : PopN(queue, 30)) heavy += id <= 30 ? 1 : 0;
  EXPECT_EQ(heavy, 20);
}

TEST(FairQueueTest, IdleCallerGainsNoCreditToFloodWithLater) {
  FairQueue queue;
  // "a" is served alone for a while...
  for (FairQueue::WaiterId id = 1; id <= 50; ++id) queue.Push(id, "a", 1);
  PopN(queue, 40);
  // ...then "b", idle all along, floods: it shares from now on, it does
  // not get 40 turns in a row.
  for (FairQueue::WaiterId id = 101; id <= 150; ++id) queue.Push(id, "b", 1);
  int b = 0;
  for (FairQueue::WaiterId id : PopN(queue, 10)) b += id > 100 ? 1 : 0;
  EXPECT_EQ(b, 5);
}

TEST(FairQueueTest, RemovedWaiterIsNeverPopped) {
  FairQueue queue;
  for (FairQueue::WaiterId id : {1, 2, 3}) queue.Push(id, "a", 1);
  EXPECT_TRUE(queue.Remove(2));
  EXPECT_FALSE(queue.Remove(2));
  EXPECT_THAT(PopN(queue, 3), ElementsAre(1, 3));
  EXPECT_TRUE(queue.empty());
}

TEST(FairQueueTest, RemovingTheHeadKeepsTheCallersTurn) {
  FairQueue queue;
  queue.Push(1, "a", 1);
  queue.Push(2, "a", 1);
  queue.Push(11, "b", 1);
  ASSERT_TRUE(queue.Remove(1));
  // "a" was not served: its next waiter keeps its place before "b".
  EXPECT_THAT(PopN(queue, 3), ElementsAre(2, 11));
}

TEST(FairQueueTest, WaitersAheadOfNewCountsOwnBacklogAndFairTurnsOfOthers) {
  FairQueue queue;
  for (FairQueue::WaiterId id = 1; id <= 10; ++id) queue.Push(id, "flood", 1);
  // A newcomer would go right after the flood's first waiter.
  EXPECT_EQ(queue.WaitersAheadOfNew("interactive"), 1u);
  // The flood's next one waits behind all of its own.
  EXPECT_EQ(queue.WaitersAheadOfNew("flood"), 10u);
}

TEST(FairQueueTest, CallerJustServedGoesAfterANewcomer) {
  FairQueue queue;
  queue.Push(1, "web", 1);
  ASSERT_EQ(queue.Pop(), 1u);
  // "web" has had its turn at this virtual time; "batch" has not.
  queue.Push(2, "web", 1);
  queue.Push(3, "batch", 1);
  EXPECT_THAT(PopN(queue, 2), ElementsAre(3, 2));
}

TEST(FairQueueTest, PeekShowsWhatPopTakesAndLeavesItQueued) {
  FairQueue queue;
  queue.Push(1, "flood", 1.0);
  queue.Push(2, "flood", 1.0);
  queue.Push(3, "interactive", 1.0);
  ASSERT_EQ(queue.Pop(), 1u);
  // The interactive caller's start tag is now below the flood's next one.
  EXPECT_EQ(queue.Peek(), 3u);
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.Pop(), 3u);
  EXPECT_EQ(queue.Peek(), 2u);
}

TEST(FairQueueTest, EmptyQueuePeeksNothing) {
  FairQueue queue;
  EXPECT_EQ(queue.Peek(), std::nullopt);
}

TEST(FairQueueTest, CountsAndNamesEachCallersWaiters) {
  FairQueue queue;
  queue.Push(1, "flood", 1.0);
  queue.Push(2, "flood", 1.0);
  queue.Push(3, "interactive", 1.0);
  EXPECT_EQ(queue.WaitingOf("flood"), 2u);
  EXPECT_EQ(queue.WaitingOf("interactive"), 1u);
  EXPECT_EQ(queue.WaitingOf("nobody"), 0u);
  EXPECT_EQ(queue.CallerOf(3), "interactive");
  queue.Remove(3);
  EXPECT_EQ(queue.CallerOf(3), "");
  EXPECT_EQ(queue.WaitingOf("interactive"), 0u);
}

}  // namespace
}  // namespace gateway::policy
