#include "gateway/http/timer_queue.h"

#include <utility>

namespace gateway::http {

void TimerQueue::Add(TaskId id, Clock::time_point due, Task task) {
  due_order_.emplace(due, id);
  tasks_.emplace(id, std::move(task));
}

void TimerQueue::Cancel(TaskId id) { tasks_.erase(id); }

void TimerQueue::RunDue(Clock::time_point now) { Run(now, /*all=*/false); }

void TimerQueue::RunAll() { Run(Clock::time_point(), /*all=*/true); }

void TimerQueue::Run(Clock::time_point now, bool all) {
  while (!due_order_.empty() && (all || due_order_.begin()->first <= now)) {
    const TaskId id = due_order_.begin()->second;
    due_order_.erase(due_order_.begin());
    auto node = tasks_.extract(id);
    if (node.empty()) continue;  // Cancelled.
    std::move(node.mapped())();
  }
}

}  // namespace gateway::http
