// TimerQueue: tasks run in due order, once, only when due (or at RunAll),
// unless cancelled. Times are made up: the queue reads no clock.

#include "gateway/http/timer_queue.h"

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::http {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

// `millis` after an arbitrary fixed instant.
TimerQueue::Clock::time_point At(int millis) {
  return TimerQueue::Clock::time_point(std::chrono::hours(1000)) +
         std::chrono::milliseconds(millis);
}

// Tasks that record their id in `ran` when they run.
class TimerQueueTest : public ::testing::Test {
 protected:
  void Add(TaskId id, int due_millis) {
    queue_.Add(id, At(due_millis), [this, id] { ran_.push_back(id); });
  }

  TimerQueue queue_;
  std::vector<TaskId> ran_;
};

TEST_F(TimerQueueTest, EmptyQueueHasNoEarliestDue) {
  EXPECT_EQ(queue_.EarliestDue(), std::nullopt);
}

TEST_F(TimerQueueTest, EarliestDueIsThatOfTheEarliestTaskWhateverTheOrder) {
  Add(1, 30);
  Add(2, 10);
  Add(3, 20);

  EXPECT_THAT(queue_.EarliestDue(), Optional(At(10)));
}

// RunDue(now) after adding tasks: which ran, in which order, and when the
// earliest task left is due.
struct RunDueCase {
  const char* name;
  std::vector<std::pair<TaskId, int>> added;  // (id, due millis), in order.
  int now_millis;
  std::vector<TaskId> ran;
  std::optional<int> earliest_due_left_millis;
};

void PrintTo(const RunDueCase& c, std::ostream* os) { *os << c.name; }

constexpr std::optional<int> kNone = std::nullopt;

const RunDueCase kRunDueCases[] = {
    {"DueAtOrBeforeNowOnly", {{1, 10}, {2, 20}, {3, 21}}, 20, {1, 2}, 21},
    {"NotYetDueStaysQueued", {{1, 10}, {2, 20}}, 15, {1}, 20},
    {"NothingDue", {{1, 10}}, 9, {}, 10},
    {"InDueOrder", {{1, 30}, {2, 10}, {3, 20}}, 30, {2, 3, 1}, kNone},
    {"SameDueInAddOrder", {{3, 10}, {1, 10}, {2, 10}}, 10, {3, 1, 2}, kNone},
    {"AllDueEmptiesQueue", {{1, 10}, {2, 20}}, 20, {1, 2}, kNone},
};

class TimerQueueRunDueTest : public TimerQueueTest,
                             public ::testing::WithParamInterface<RunDueCase> {
};

TEST_P(TimerQueueRunDueTest, RunsWhatIsDueAndKeepsTheRest) {
  const RunDueCase& c = GetParam();
  for (const auto& [id, due_millis] : c.added) Add(id, due_millis);

  queue_.RunDue(At(c.now_millis));

  EXPECT_EQ(ran_, c.ran);
  if (c.earliest_due_left_millis.has_value()) {
    EXPECT_THAT(queue_.EarliestDue(),
                Optional(At(*c.earliest_due_left_millis)));
  } else {
    EXPECT_EQ(queue_.EarliestDue(), std::nullopt);
  }
}

INSTANTIATE_TEST_SUITE_P(RunDue, TimerQueueRunDueTest,
                         ::testing::ValuesIn(kRunDueCases),
                         [](const ::testing::TestParamInfo<RunDueCase>& info) {
                           return std::string(info.param.name);
                         });

TEST_F(TimerQueueTest, TaskRunsOnlyOnce) {
  Add(1, 10);
  queue_.RunDue(At(10));
  ASSERT_THAT(ran_, ElementsAre(1));

  queue_.RunDue(At(20));
  queue_.RunAll();

  EXPECT_THAT(ran_, ElementsAre(1));
}

TEST_F(TimerQueueTest, CancelledTaskNeverRuns) {
  Add(1, 10);
  Add(2, 20);
  queue_.Cancel(1);

  queue_.RunDue(At(20));
  EXPECT_THAT(ran_, ElementsAre(2));

  queue_.RunAll();
  EXPECT_THAT(ran_, ElementsAre(2));
}

TEST_F(TimerQueueTest, CancelOfATaskThatRanOrWasNeverAddedChangesNothing) {
  Add(1, 10);
  Add(2, 20);
  queue_.RunDue(At(10));

  queue_.Cancel(1);
  queue_.Cancel(99);
  queue_.RunDue(At(20));

  EXPECT_THAT(ran_, ElementsAre(1, 2));
}

TEST_F(TimerQueueTest, CancelledTaskLeavesNoDueTimeOnceItsTimeHasPassed) {
  Add(1, 10);
  queue_.Cancel(1);

  queue_.RunDue(At(10));

  EXPECT_EQ(queue_.EarliestDue(), std::nullopt);
}

TEST_F(TimerQueueTest, RunAllRunsTasksNotYetDueInDueOrderAndEmptiesTheQueue) {
  Add(1, 30);
  Add(2, 10);
  Add(3, 20);

  queue_.RunAll();

  EXPECT_THAT(ran_, ElementsAre(2, 3, 1));
  EXPECT_EQ(queue_.EarliestDue(), std::nullopt);
}

TEST_F(TimerQueueTest, TaskAddedByADueTaskRunsInTheSameTurnIfDue) {
  queue_.Add(1, At(10), [this] {
    ran_.push_back(1);
    Add(2, 15);  // Due.
    Add(3, 25);  // Not yet.
  });

  queue_.RunDue(At(20));

  EXPECT_THAT(ran_, ElementsAre(1, 2));
  EXPECT_THAT(queue_.EarliestDue(), Optional(At(25)));
}

TEST_F(TimerQueueTest, TaskMayCancelALaterDueTask) {
  queue_.Add(1, At(10), [this] {
    ran_.push_back(1);
    queue_.Cancel(2);
  });
  Add(2, 10);

  queue_.RunDue(At(10));

  EXPECT_THAT(ran_, ElementsAre(1));
}

TEST_F(TimerQueueTest, RunAllRunsTasksAddedByTheTasksItRuns) {
  queue_.Add(1, At(10), [this] {
    ran_.push_back(1);
    Add(2, 1'000'000);
  });

  queue_.RunAll();

  EXPECT_THAT(ran_, ElementsAre(1, 2));
}

}  // namespace
}  // namespace gateway::http
