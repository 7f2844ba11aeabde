#include "gateway/common/testing/fake_scheduler.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::testing {
namespace {

using ::testing::ElementsAre;

TEST(FakeScheduler, RunsNothingUntilAdvanced) {
  FakeScheduler scheduler;
  bool ran = false;
  scheduler.RunAfter(absl::ZeroDuration(), [&] { ran = true; });
  EXPECT_FALSE(ran);
  EXPECT_EQ(scheduler.pending(), 1u);
  scheduler.Advance(absl::ZeroDuration());
  EXPECT_TRUE(ran);
  EXPECT_EQ(scheduler.pending(), 0u);
}

TEST(FakeScheduler, AdvanceMovesTheClock) {
  FakeScheduler scheduler;
  const absl::Time start = scheduler.Now();
  scheduler.Advance(absl::Milliseconds(1500));
  EXPECT_EQ(scheduler.Now(), start + absl::Milliseconds(1500));
}

TEST(FakeScheduler, RunsTasksInDueOrderNotSubmissionOrder) {
  FakeScheduler scheduler;
  std::vector<std::string> ran;
  scheduler.RunAfter(absl::Milliseconds(30), [&] { ran.push_back("30"); });
  scheduler.RunAfter(absl::Milliseconds(10), [&] { ran.push_back("10"); });
  scheduler.RunAfter(absl::Milliseconds(20), [&] { ran.push_back("20"); });
  scheduler.Advance(absl::Milliseconds(30));
  EXPECT_THAT(ran, ElementsAre("10", "20", "30"));
}

TEST(FakeScheduler, EqualDueTimesRunInSubmissionOrder) {
  FakeScheduler scheduler;
  std::vector<int> ran;
  for (int i = 0; i < 5; ++i) {
    scheduler.RunAfter(absl::Milliseconds(5), [&ran, i] { ran.push_back(i); });
  }
  scheduler.Advance(absl::Milliseconds(5));
  EXPECT_THAT(ran, ElementsAre(0, 1, 2, 3, 4));
}

TEST(FakeScheduler, LeavesTasksDueAfterTheWindow) {
  FakeScheduler scheduler;
  std::vector<int> ran;
  scheduler.RunAfter(absl::Milliseconds(10), [&] { ran.push_back(10); });
  scheduler.RunAfter(absl::Milliseconds(11), [&] { ran.push_back(11); });
  scheduler.Advance(absl::Milliseconds(10));
  EXPECT_THAT(ran, ElementsAre(10));
  EXPECT_EQ(scheduler.pending(), 1u);
  EXPECT_EQ(scheduler.NextDelay(), absl::Milliseconds(1));
  scheduler.Advance(absl::Milliseconds(1));
  EXPECT_THAT(ran, ElementsAre(10, 11));
}

TEST(FakeScheduler, EachTaskSeesTheClockAtItsDueTime) {
  FakeScheduler scheduler;
  const absl::Time start = scheduler.Now();
  std::vector<absl::Duration> seen;
  for (const int ms : {7, 3}) {
    scheduler.RunAfter(absl::Milliseconds(ms),
                       [&] { seen.push_back(scheduler.Now() - start); });
  }
  scheduler.Advance(absl::Seconds(1));
  EXPECT_THAT(seen, ElementsAre(absl::Milliseconds(3), absl::Milliseconds(7)));
  EXPECT_EQ(scheduler.Now(), start + absl::Seconds(1));
}

TEST(FakeScheduler, RunsTasksScheduledByTasksWhenDueWithinTheWindow) {
  FakeScheduler scheduler;
  const absl::Time start = scheduler.Now();
  std::vector<absl::Duration> ran_at;
  // A chain: each task reschedules itself 10 ms later, as a backoff would.
  std::function<void()> tick = [&] {
    ran_at.push_back(scheduler.Now() - start);
    scheduler.RunAfter(absl::Milliseconds(10), [&] { tick(); });
  };
  scheduler.RunAfter(absl::Milliseconds(10), [&] { tick(); });
  scheduler.Advance(absl::Milliseconds(35));
  EXPECT_THAT(ran_at,
              ElementsAre(absl::Milliseconds(10), absl::Milliseconds(20),
                          absl::Milliseconds(30)));
  // The one due at 40 ms waits for the next Advance.
  EXPECT_EQ(scheduler.pending(), 1u);
  EXPECT_EQ(scheduler.NextDelay(), absl::Milliseconds(5));
}

TEST(FakeScheduler, TaskScheduledByATaskRunsBeforeLaterTasks) {
  FakeScheduler scheduler;
  std::vector<std::string> ran;
  scheduler.RunAfter(absl::Milliseconds(10), [&] {
    ran.push_back("first");
    scheduler.RunAfter(absl::Milliseconds(5), [&] { ran.push_back("nested"); });
  });
  scheduler.RunAfter(absl::Milliseconds(20), [&] { ran.push_back("last"); });
  scheduler.Advance(absl::Milliseconds(20));
  EXPECT_THAT(ran, ElementsAre("first", "nested", "last"));
}

TEST(FakeScheduler, TaskScheduledByATaskBeyondTheWindowWaits) {
  FakeScheduler scheduler;
  bool nested_ran = false;
  scheduler.RunAfter(absl::Milliseconds(10), [&] {
    scheduler.RunAfter(absl::Milliseconds(15), [&] { nested_ran = true; });
  });
  scheduler.Advance(absl::Milliseconds(20));
  EXPECT_FALSE(nested_ran);
  scheduler.Advance(absl::Milliseconds(5));
  EXPECT_TRUE(nested_ran);
}

TEST(FakeScheduler, NegativeDelayRunsAtTheCurrentTime) {
  FakeScheduler scheduler;
  bool ran = false;
  scheduler.RunAfter(absl::Seconds(-5), [&] { ran = true; });
  EXPECT_EQ(scheduler.NextDelay(), absl::ZeroDuration());
  scheduler.Advance(absl::ZeroDuration());
  EXPECT_TRUE(ran);
}

TEST(FakeScheduler, CancelledTaskNeverRuns) {
  FakeScheduler scheduler;
  std::vector<int> ran;
  scheduler.RunAfter(absl::Milliseconds(1), [&] { ran.push_back(1); });
  const TaskId cancelled =
      scheduler.RunAfter(absl::Milliseconds(2), [&] { ran.push_back(2); });
  scheduler.RunAfter(absl::Milliseconds(3), [&] { ran.push_back(3); });
  scheduler.CancelTask(cancelled);
  EXPECT_EQ(scheduler.pending(), 2u);
  scheduler.Advance(absl::Seconds(1));
  EXPECT_THAT(ran, ElementsAre(1, 3));
}

TEST(FakeScheduler, TaskCanCancelALaterTask) {
  FakeScheduler scheduler;
  std::vector<int> ran;
  TaskId later = 0;
  scheduler.RunAfter(absl::Milliseconds(1), [&] {
    ran.push_back(1);
    scheduler.CancelTask(later);
  });
  later = scheduler.RunAfter(absl::Milliseconds(2), [&] { ran.push_back(2); });
  scheduler.Advance(absl::Seconds(1));
  EXPECT_THAT(ran, ElementsAre(1));
}

TEST(FakeScheduler, CancellingARunOrUnknownTaskIsANoOp) {
  FakeScheduler scheduler;
  int runs = 0;
  const TaskId id = scheduler.RunAfter(absl::Milliseconds(1), [&] { ++runs; });
  scheduler.Advance(absl::Milliseconds(1));
  scheduler.CancelTask(id);
  scheduler.CancelTask(12345);
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(scheduler.pending(), 0u);
}

TEST(FakeScheduler, TaskIdsAreDistinct) {
  FakeScheduler scheduler;
  const TaskId a = scheduler.RunAfter(absl::Seconds(1), [] {});
  const TaskId b = scheduler.RunAfter(absl::Seconds(1), [] {});
  EXPECT_NE(a, b);
  scheduler.CancelTask(a);
  scheduler.CancelTask(b);
  EXPECT_EQ(scheduler.pending(), 0u);
}

TEST(FakeScheduler, NextDelayIsInfiniteWhenNothingWaits) {
  FakeScheduler scheduler;
  EXPECT_EQ(scheduler.NextDelay(), absl::InfiniteDuration());
  scheduler.RunAfter(absl::Milliseconds(250), [] {});
  EXPECT_EQ(scheduler.NextDelay(), absl::Milliseconds(250));
  scheduler.Advance(absl::Milliseconds(100));
  EXPECT_EQ(scheduler.NextDelay(), absl::Milliseconds(150));
}

}  // namespace
}  // namespace gateway::testing
