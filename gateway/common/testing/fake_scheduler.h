// A Scheduler for unit tests, driven by a manual clock: tasks run only when
// the test advances time, on the test's thread, in due order.

#ifndef GATEWAY_COMMON_TESTING_FAKE_SCHEDULER_H_
#define GATEWAY_COMMON_TESTING_FAKE_SCHEDULER_H_

#include <cstddef>
#include <map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/common/scheduler.h"

namespace gateway::testing {

class FakeScheduler final : public Scheduler {
 public:
  // The clock starts at an arbitrary fixed time.
  FakeScheduler() = default;

  TaskId RunAfter(absl::Duration delay, Task task) override;
  void CancelTask(TaskId id) override;

  // The fake clock: what the code under test should use as "now".
  absl::Time Now() const;

  // Moves the clock forward by `duration`, running every task that falls
  // due on the way, in order, each with the clock set to its due time.
  void Advance(absl::Duration duration);

  // Tasks waiting to run.
  std::size_t pending() const;
  // The delay of the earliest waiting task from now; infinite when none.
  absl::Duration NextDelay() const;

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_) = absl::FromUnixSeconds(1'800'000'000);
  TaskId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Keyed by (due, id) so equal due times keep submission order.
  std::map<std::pair<absl::Time, TaskId>, Task> tasks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::testing

#endif  // GATEWAY_COMMON_TESTING_FAKE_SCHEDULER_H_
