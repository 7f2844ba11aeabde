// Deferred work on an event loop: the timers behind retry backoff and
// rate-limit waits. CurlLoop implements it on its own thread; unit tests use
// a fake with a manual clock (testing/fake_scheduler.h), so no test sleeps.

#ifndef GATEWAY_COMMON_SCHEDULER_H_
#define GATEWAY_COMMON_SCHEDULER_H_

#include <cstdint>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"

namespace gateway {

// Identifies a task given to Scheduler::RunAfter, for CancelTask.
using TaskId = std::uint64_t;

using Task = absl::AnyInvocable<void() &&>;

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // Runs `task` once, on the scheduler's thread, `delay` from now or a
  // little later; never inside RunAfter. When the scheduler shuts down,
  // tasks still waiting run at once, so a task always runs unless
  // cancelled. Thread-safe.
  virtual TaskId RunAfter(absl::Duration delay, Task task) = 0;

  // Drops the task if it has not run yet (it then never runs); a no-op for
  // tasks that ran or are running. Thread-safe; never blocks on the task.
  virtual void CancelTask(TaskId id) = 0;
};

}  // namespace gateway

#endif  // GATEWAY_COMMON_SCHEDULER_H_
