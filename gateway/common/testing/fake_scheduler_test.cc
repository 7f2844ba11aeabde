#include "gateway/common/testing/fake_scheduler.h"

#include <functional>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::testing {
namespace {

using ::testing::ElementsAre;

// Tasks that record their id in `ran_` when they run.
class FakeSchedulerTest : public ::testing::Test {
 protected:
  TaskId RunAfter(int delay_millis, int id) {
    return scheduler_.RunAfter(absl::Milliseconds(delay_millis),
                               [this, id] { ran_.push_back(id); });
  }

  FakeScheduler scheduler_;
  std::vector<int> ran_;
};

TEST_F(FakeSchedulerTest, RunsNothingUntilAdvanced) {
  RunAfter(0, 1);
  EXPECT_THAT(ran_, ElementsAre());
  EXPECT_EQ(scheduler_.pending(), 1u);
  scheduler_.Advance(absl::ZeroDuration());
  EXPECT_THAT(ran_, ElementsAre(1));
  EXPECT_EQ(scheduler_.pending(), 0u);
}

TEST_F(FakeSchedulerTest, AdvanceMovesTheClock) {
  const absl::Time start = scheduler_.Now();
  scheduler_.Advance(absl::Milliseconds(1500));
  EXPECT_EQ(scheduler_.Now(), start + absl::Milliseconds(1500));
}

TEST_F(FakeSchedulerTest, RunsTasksInDueOrderNotSubmissionOrder) {
  RunAfter(30, /*id=*/30);
  RunAfter(10, /*id=*/10);
  RunAfter(20, /*id=*/20);
  scheduler_.Advance(absl::Milliseconds(30));
  EXPECT_THAT(ran_, ElementsAre(10, 20, 30));
}

TEST_F(FakeSchedulerTest, EqualDueTimesRunInSubmissionOrder) {
  for (int id = 0; id < 5; ++id) RunAfter(5, id);
  scheduler_.Advance(absl::Milliseconds(5));
  EXPECT_THAT(ran_, ElementsAre(0, 1, 2, 3, 4));
}

TEST_F(FakeSchedulerTest, LeavesTasksDueAfterTheWindow) {
  RunAfter(10, /*id=*/10);
  RunAfter(11, /*id=*/11);
  scheduler_.Advance(absl::Milliseconds(10));
  EXPECT_THAT(ran_, ElementsAre(10));
  EXPECT_EQ(scheduler_.pending(), 1u);
  EXPECT_EQ(scheduler_.NextDelay(), absl::Milliseconds(1));
  scheduler_.Advance(absl::Milliseconds(1));
  EXPECT_THAT(ran_, ElementsAre(10, 11));
}

TEST_F(FakeSchedulerTest, EachTaskSeesTheClockAtItsDueTime) {
  const absl::Time start = scheduler_.Now();
  std::vector<absl::Duration> seen;
  for (const int ms : {7, 3}) {
    scheduler_.RunAfter(absl::Milliseconds(ms),
                        [&] { seen.push_back(scheduler_.Now() - start); });
  }
  scheduler_.Advance(absl::Seconds(1));
  EXPECT_THAT(seen, ElementsAre(absl::Milliseconds(3), absl::Milliseconds(7)));
  EXPECT_EQ(scheduler_.Now(), start + absl::Seconds(1));
}

TEST_F(FakeSchedulerTest, RunsTasksScheduledByTasksWhenDueWithinTheWindow) {
  const absl::Time start = scheduler_.Now();
  std::vector<absl::Duration> ran_at;
  // A chain: each task reschedules itself 10 ms later, as a backoff would.
  std::function<void()> tick = [&] {
    ran_at.push_back(scheduler_.Now() - start);
    scheduler_.RunAfter(absl::Milliseconds(10), [&] { tick(); });
  };
  scheduler_.RunAfter(absl::Milliseconds(10), [&] { tick(); });
  scheduler_.Advance(absl::Milliseconds(35));
  EXPECT_THAT(ran_at,
              ElementsAre(absl::Milliseconds(10), absl::Milliseconds(20),
                          absl::Milliseconds(30)));
  // The one due at 40 ms waits for the next Advance.
  EXPECT_EQ(scheduler_.pending(), 1u);
  EXPECT_EQ(scheduler_.NextDelay(), absl::Milliseconds(5));
}

TEST_F(FakeSchedulerTest, TaskScheduledByATaskRunsBeforeLaterTasks) {
  scheduler_.RunAfter(absl::Milliseconds(10), [this] {
    ran_.push_back(1);
    RunAfter(5, /*id=*/2);  // Due at 15 ms.
  });
  RunAfter(20, /*id=*/3);
  scheduler_.Advance(absl::Milliseconds(20));
  EXPECT_THAT(ran_, ElementsAre(1, 2, 3));
}

TEST_F(FakeSchedulerTest, TaskScheduledByATaskBeyondTheWindowWaits) {
  scheduler_.RunAfter(absl::Milliseconds(10), [this] { RunAfter(15, 1); });
  scheduler_.Advance(absl::Milliseconds(20));
  EXPECT_THAT(ran_, ElementsAre());
  scheduler_.Advance(absl::Milliseconds(5));
  EXPECT_THAT(ran_, ElementsAre(1));
}

TEST_F(FakeSchedulerTest, NegativeDelayRunsAtTheCurrentTime) {
  RunAfter(-5000, 1);
  EXPECT_EQ(scheduler_.NextDelay(), absl::ZeroDuration());
  scheduler_.Advance(absl::ZeroDuration());
  EXPECT_THAT(ran_, ElementsAre(1));
}

TEST_F(FakeSchedulerTest, CancelledTaskNeverRuns) {
  RunAfter(1, 1);
  const TaskId cancelled = RunAfter(2, 2);
  RunAfter(3, 3);
  scheduler_.CancelTask(cancelled);
  EXPECT_EQ(scheduler_.pending(), 2u);
  scheduler_.Advance(absl::Seconds(1));
  EXPECT_THAT(ran_, ElementsAre(1, 3));
}

TEST_F(FakeSchedulerTest, TaskCanCancelALaterTask) {
  TaskId later = 0;
  scheduler_.RunAfter(absl::Milliseconds(1), [&] {
    ran_.push_back(1);
    scheduler_.CancelTask(later);
  });
  later = RunAfter(2, 2);
  scheduler_.Advance(absl::Seconds(1));
  EXPECT_THAT(ran_, ElementsAre(1));
}

TEST_F(FakeSchedulerTest, CancellingARunOrUnknownTaskIsANoOp) {
  const TaskId id = RunAfter(1, 1);
  scheduler_.Advance(absl::Milliseconds(1));
  scheduler_.CancelTask(id);
  scheduler_.CancelTask(12345);
  EXPECT_THAT(ran_, ElementsAre(1));
  EXPECT_EQ(scheduler_.pending(), 0u);
}

TEST_F(FakeSchedulerTest, TaskIdsAreDistinct) {
  const TaskId a = RunAfter(1000, 1);
  const TaskId b = RunAfter(1000, 2);
  EXPECT_NE(a, b);
  scheduler_.CancelTask(a);
  scheduler_.CancelTask(b);
  EXPECT_EQ(scheduler_.pending(), 0u);
}

TEST_F(FakeSchedulerTest, NextDelayIsInfiniteWhenNothingWaits) {
  EXPECT_EQ(scheduler_.NextDelay(), absl::InfiniteDuration());
  RunAfter(250, 1);
  EXPECT_EQ(scheduler_.NextDelay(), absl::Milliseconds(250));
  scheduler_.Advance(absl::Milliseconds(100));
  EXPECT_EQ(scheduler_.NextDelay(), absl::Milliseconds(150));
}

}  // namespace
}  // namespace gateway::testing
