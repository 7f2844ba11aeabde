// CurlLoop as a Scheduler: tasks run on the loop thread, in due order, never
// before their delay, and each exactly once unless cancelled.

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/http/curl_loop.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::http {
namespace {

constexpr absl::Duration kWait = absl::Seconds(30);

std::unique_ptr<CurlLoop> NewLoop() {
  absl::StatusOr<std::unique_ptr<CurlLoop>> loop = CurlLoop::Create({});
  EXPECT_TRUE(loop.ok()) << loop.status();
  return loop.ok() ? *std::move(loop) : nullptr;
}

TEST(CurlLoopSchedulerTest, TaskRunsOnTheLoopThreadNoEarlierThanItsDelay) {
  auto loop = NewLoop();
  ASSERT_NE(loop, nullptr);
  absl::Notification ran;
  std::thread::id task_thread;
  const absl::Time start = absl::Now();
  absl::Time ran_at;
  loop->RunAfter(absl::Milliseconds(50), [&] {
    ran_at = absl::Now();
    task_thread = std::this_thread::get_id();
    ran.Notify();
  });
  ASSERT_TRUE(ran.WaitForNotificationWithTimeout(kWait));
  EXPECT_GE(ran_at - start, absl::Milliseconds(50));
  EXPECT_NE(task_thread, std::this_thread::get_id());
}

TEST(CurlLoopSchedulerTest, TasksRunInDueOrder) {
  auto loop = NewLoop();
  ASSERT_NE(loop, nullptr);
  absl::Mutex mu;
  std::vector<int> order;
  absl::Notification last;
  for (int delay_ms : {30, 10, 20}) {
    loop->RunAfter(absl::Milliseconds(delay_ms), [&, delay_ms] {
      absl::MutexLock lock(&mu);
      order.push_back(delay_ms);
      if (order.size() == 3) last.Notify();
    });
  }
  ASSERT_TRUE(last.WaitForNotificationWithTimeout(kWait));
  absl::MutexLock lock(&mu);
  EXPECT_THAT(order, ::testing::ElementsAre(10, 20, 30));
}

TEST(CurlLoopSchedulerTest, CancelledTaskNeverRuns) {
  auto loop = NewLoop();
  ASSERT_NE(loop, nullptr);
  std::atomic<bool> cancelled_ran{false};
  const TaskId id =
      loop->RunAfter(absl::Milliseconds(20), [&] { cancelled_ran = true; });
  loop->CancelTask(id);
  // A later task proves the loop got past the cancelled one's due time.
  absl::Notification later;
  loop->RunAfter(absl::Milliseconds(60), [&] { later.Notify(); });
  ASSERT_TRUE(later.WaitForNotificationWithTimeout(kWait));
  EXPECT_FALSE(cancelled_ran.load());
}

// An infinite delay (or one past std::chrono's range) must not overflow the
// clock into a due time in the past.
TEST(CurlLoopSchedulerTest, TaskWithAnEndlessDelayDoesNotRunEarly) {
  // Declared before the loop, whose shutdown runs the waiting tasks.
  std::atomic<int> endless_ran{0};
  auto loop = NewLoop();
  ASSERT_NE(loop, nullptr);
  loop->RunAfter(absl::InfiniteDuration(), [&] { ++endless_ran; });
  loop->RunAfter(absl::Hours(24 * 365) * 1'000, [&] { ++endless_ran; });
  // A later task proves the loop got past "now".
  absl::Notification later;
  loop->RunAfter(absl::Milliseconds(60), [&] { later.Notify(); });
  ASSERT_TRUE(later.WaitForNotificationWithTimeout(kWait));
  EXPECT_EQ(endless_ran.load(), 0);
}

TEST(CurlLoopSchedulerTest, CancelAfterTheTaskRanIsANoOp) {
  auto loop = NewLoop();
  ASSERT_NE(loop, nullptr);
  absl::Notification ran;
  const TaskId id = loop->RunAfter(absl::ZeroDuration(), [&] { ran.Notify(); });
  ASSERT_TRUE(ran.WaitForNotificationWithTimeout(kWait));
  loop->CancelTask(id);
  absl::Notification after;
  loop->RunAfter(absl::ZeroDuration(), [&] { after.Notify(); });
  EXPECT_TRUE(after.WaitForNotificationWithTimeout(kWait));
}

TEST(CurlLoopSchedulerTest, WaitingTasksRunAtShutdown) {
  auto loop = NewLoop();
  ASSERT_NE(loop, nullptr);
  std::atomic<int> runs{0};
  for (int i = 0; i < 5; ++i) {
    loop->RunAfter(absl::Hours(1), [&] { runs.fetch_add(1); });
  }
  const absl::Time start = absl::Now();
  loop.reset();
  EXPECT_EQ(runs.load(), 5);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST(CurlLoopSchedulerTest, TaskMayStartATransferThatShutdownCancels) {
  auto loop = NewLoop();
  ASSERT_NE(loop, nullptr);
  CurlLoop* raw = loop.get();
  std::atomic<int> callbacks{0};
  absl::StatusCode code = absl::StatusCode::kOk;
  loop->RunAfter(absl::Hours(1), [&, raw] {
    HttpRequest request;
    request.url = "http://127.0.0.1:9/never";
    raw->Start(std::move(request),
               [&](const absl::StatusOr<HttpResponse>& result) {
                 code = result.status().code();
                 callbacks.fetch_add(1);
               });
  });
  loop.reset();
  EXPECT_EQ(callbacks.load(), 1);
  EXPECT_EQ(code, absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace gateway::http
