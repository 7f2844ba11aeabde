#include "gateway/common/testing/fake_scheduler.h"

#include <algorithm>

namespace gateway::testing {

TaskId FakeScheduler::RunAfter(absl::Duration delay, Task task) {
  absl::MutexLock lock(&mu_);
  const TaskId id = next_id_++;
  tasks_.emplace(
      std::make_pair(now_ + std::max(delay, absl::ZeroDuration()), id),
      std::move(task));
  return id;
}

void FakeScheduler::CancelTask(TaskId id) {
  absl::MutexLock lock(&mu_);
  for (auto it = tasks_.begin(); it != tasks_.end(); ++it) {
    if (it->first.second == id) {
      tasks_.erase(it);
      return;
    }
  }
}

absl::Time FakeScheduler::Now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

void FakeScheduler::Advance(absl::Duration duration) {
  absl::Time until;
  {
    absl::MutexLock lock(&mu_);
    until = now_ + duration;
  }
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      if (tasks_.empty() || tasks_.begin()->first.first > until) {
        now_ = until;
        return;
      }
      auto node = tasks_.extract(tasks_.begin());
      now_ = std::max(now_, node.key().first);
      task = std::move(node.mapped());
    }
    // Outside the lock: the task may schedule more work.
    std::move(task)();
  }
}

std::size_t FakeScheduler::pending() const {
  absl::MutexLock lock(&mu_);
  return tasks_.size();
}

absl::Duration FakeScheduler::NextDelay() const {
  absl::MutexLock lock(&mu_);
  if (tasks_.empty()) return absl::InfiniteDuration();
  return tasks_.begin()->first.first - now_;
}

}  // namespace gateway::testing
