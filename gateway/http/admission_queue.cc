#include "gateway/http/admission_queue.h"

#include <utility>

namespace gateway::http {

void AdmissionQueue::Add(std::unique_ptr<CurlTransfer> transfer) {
  const TransferId id = transfer->id();
  const auto deadline = deadlines_.emplace(transfer->deadline(), id);
  arrival_order_.push_back(id);
  waiting_.emplace(id, Waiting{std::move(transfer), deadline});
}

std::unique_ptr<CurlTransfer> AdmissionQueue::Take(TransferId id) {
  auto node = waiting_.extract(id);
  if (node.empty()) return nullptr;
  deadlines_.erase(node.mapped().deadline);
  // What is left in the order names only transfers that left early.
  if (waiting_.empty()) arrival_order_.clear();
  return std::move(node.mapped().transfer);
}

std::unique_ptr<CurlTransfer> AdmissionQueue::TakeNext() {
  while (!arrival_order_.empty()) {
    const TransferId id = arrival_order_.front();
    arrival_order_.pop_front();
    // Null for a transfer that left the queue early.
    if (std::unique_ptr<CurlTransfer> transfer = Take(id)) return transfer;
  }
  return nullptr;
}

std::unique_ptr<CurlTransfer> AdmissionQueue::TakeExpired(
    Clock::time_point now) {
  if (deadlines_.empty() || deadlines_.begin()->first > now) return nullptr;
  return Take(deadlines_.begin()->second);
}

std::vector<std::unique_ptr<CurlTransfer>> AdmissionQueue::TakeAll() {
  std::vector<std::unique_ptr<CurlTransfer>> all;
  all.reserve(waiting_.size());
  while (std::unique_ptr<CurlTransfer> transfer = TakeNext()) {
    all.push_back(std::move(transfer));
  }
  return all;
}

}  // namespace gateway::http
