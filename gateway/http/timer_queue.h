// TimerQueue: the tasks given to CurlLoop::RunAfter() (gateway::Scheduler)
// that have not run yet, in due order, with cancellation. It tells the loop
// when the earliest one is due, so that the loop can bound its epoll_wait,
// and runs those that are due, or all of them at shutdown.
//
// It keeps no clock: every time is passed in, so tests need no sleeping.
// Task ids come from the caller (CurlLoop draws them from the counter it
// shares with transfer ids).
//
// Threading: not thread-safe; CurlLoop uses it on its loop thread only. A
// task run by RunDue() or RunAll() may call Add() and Cancel() on the same
// queue.

#ifndef GATEWAY_HTTP_TIMER_QUEUE_H_
#define GATEWAY_HTTP_TIMER_QUEUE_H_

#include <chrono>
#include <map>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "gateway/common/scheduler.h"

namespace gateway::http {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;

  TimerQueue() = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Queues `task` to run at `due` or later. `id` must differ from every id
  // added before, a cancelled task's included. Tasks due at the same time
  // run in the order they were added.
  void Add(TaskId id, Clock::time_point due, Task task);

  // Drops the task `id`, which then never runs. A no-op for a task that ran,
  // is running or was never added.
  void Cancel(TaskId id);

  // The earliest due time in the queue, or none when it is empty. A
  // cancelled task keeps its place until that time comes (see below), so
  // this may be the due time of a task that will not run: the caller then
  // wakes once for nothing.
  std::optional<Clock::time_point> EarliestDue() const {
    if (due_order_.empty()) return std::nullopt;
    return due_order_.begin()->first;
  }

  // Runs, in due order, every task due at or before `now`, including those
  // such a task adds.
  void RunDue(Clock::time_point now);

  // Runs every task, due or not, in due order, including those such a task
  // adds; the queue is then empty. For shutdown, where a task must still run
  // exactly once unless cancelled.
  void RunAll();

 private:
  // Runs the earliest task if `all` or if it is due at `now`, repeatedly.
  void Run(Clock::time_point now, bool all);

  // Queued tasks, in due order. Cancel() erases a task from `tasks_` only
  // and leaves its entry here, to be skipped when it comes up: no iterator
  // to keep per task, and cancelling costs one hash erase.
  std::multimap<Clock::time_point, TaskId> due_order_;
  absl::flat_hash_map<TaskId, Task> tasks_;
};

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_TIMER_QUEUE_H_
