#include "gateway/policy/fair_queue.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace gateway::policy {

double FairQueue::StartTagOf(const Caller& caller) const {
  return std::max(virtual_time_, caller.last_tag);
}

void FairQueue::Schedule(const std::string& name, const Caller& caller) {
  turns_.emplace(caller.head_tag, caller.waiting.front().arrival, name);
}

void FairQueue::Unschedule(const std::string& name, const Caller& caller) {
  turns_.erase(Turn(caller.head_tag, caller.waiting.front().arrival, name));
}

void FairQueue::ForgetIfIdle(const std::string& name) {
  auto it = callers_.find(name);
  if (it != callers_.end() && it->second.waiting.empty() &&
      it->second.last_tag <= virtual_time_) {
    callers_.erase(it);
  }
}

void FairQueue::Push(WaiterId id, absl::string_view caller_name,
                     double weight) {
  auto [it, inserted] = callers_.try_emplace(std::string(caller_name));
  Caller& caller = it->second;
  const bool was_idle = caller.waiting.empty();
  if (was_idle) {
    caller.weight = weight > 0 ? weight : 1.0;
    caller.head_tag = StartTagOf(caller);
  }
  caller.waiting.push_back({id, arrivals_++});
  locations_[id] = {it->first, std::prev(caller.waiting.end())};
  if (was_idle) Schedule(it->first, caller);
}

bool FairQueue::Remove(WaiterId id) {
  auto location = locations_.find(id);
  if (location == locations_.end()) return false;
  const std::string name = location->second.caller;
  Caller& caller = callers_.at(name);
  const bool was_head = location->second.waiter == caller.waiting.begin();
  // The next waiter inherits the head's tag: nobody was served.
  if (was_head) Unschedule(name, caller);
  caller.waiting.erase(location->second.waiter);
  locations_.erase(location);
  if (caller.waiting.empty()) {
    ForgetIfIdle(name);
  } else if (was_head) {
    Schedule(name, caller);
  }
  return true;
}

std::optional<FairQueue::WaiterId> FairQueue::Pop() {
  if (turns_.empty()) return std::nullopt;
  const std::string name = std::get<2>(*turns_.begin());
  turns_.erase(turns_.begin());
  Caller& caller = callers_.at(name);
  const WaiterId id = caller.waiting.front().id;
  caller.waiting.pop_front();
  locations_.erase(id);
  virtual_time_ = caller.head_tag;
  caller.last_tag = caller.head_tag + 1.0 / caller.weight;
  if (caller.waiting.empty()) {
    ForgetIfIdle(name);
  } else {
    caller.head_tag = caller.last_tag;
    Schedule(name, caller);
  }
  return id;
}

std::optional<FairQueue::WaiterId> FairQueue::Peek() const {
  if (turns_.empty()) return std::nullopt;
  return callers_.at(std::get<2>(*turns_.begin())).waiting.front().id;
}

std::string FairQueue::CallerOf(WaiterId id) const {
  auto it = locations_.find(id);
  return it != locations_.end() ? it->second.caller : std::string();
}

std::size_t FairQueue::WaitingOf(absl::string_view caller) const {
  auto it = callers_.find(caller);
  return it != callers_.end() ? it->second.waiting.size() : 0;
}

std::size_t FairQueue::WaitersAheadOfNew(absl::string_view caller_name) const {
  // The tag the new waiter would get.
  double tag = 0.0;
  std::size_t ahead = 0;
  const std::string name(caller_name);
  if (auto it = callers_.find(name);
      it != callers_.end() && !it->second.waiting.empty()) {
    const Caller& own = it->second;
    ahead = own.waiting.size();
    tag = own.head_tag + static_cast<double>(ahead) / own.weight;
  } else {
    const double last =
        it != callers_.end() ? it->second.last_tag : virtual_time_;
    tag = std::max(virtual_time_, last);
  }
  for (const auto& [other_name, other] : callers_) {
    if (other_name == name || other.waiting.empty()) continue;
    if (other.head_tag > tag) continue;
    // Its waiters' tags are head, head + 1/w, ...; those up to `tag` (ties
    // go to the earlier arrival, which theirs are) come first.
    const double served_before =
        std::floor((tag - other.head_tag) * other.weight) + 1.0;
    ahead +=
        std::min(other.waiting.size(), static_cast<std::size_t>(served_before));
  }
  return ahead;
}

}  // namespace gateway::policy
