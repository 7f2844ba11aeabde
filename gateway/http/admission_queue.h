// AdmissionQueue: the transfers of a CurlLoop that wait for a place under
// CurlLoopOptions::max_concurrent_transfers, first in, first out. A waiting
// transfer leaves the queue when a place frees up (TakeNext), when it is
// cancelled (Take), when its deadline passes before it got a place
// (TakeExpired), or at shutdown (TakeAll). Each of these is O(1) or
// O(log n), and a waiting transfer costs nothing while it waits.
//
// It keeps no clock (times are passed in) and does no I/O: the transfers it
// holds need not have been configured, so tests build them bare.
//
// Threading: not thread-safe; CurlLoop uses it on its loop thread only.

#ifndef GATEWAY_HTTP_ADMISSION_QUEUE_H_
#define GATEWAY_HTTP_ADMISSION_QUEUE_H_

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gateway/http/curl_transfer.h"
#include "gateway/http/http_client.h"

namespace gateway::http {

class AdmissionQueue {
 public:
  using Clock = CurlTransfer::Clock;

  AdmissionQueue() = default;
  AdmissionQueue(const AdmissionQueue&) = delete;
  AdmissionQueue& operator=(const AdmissionQueue&) = delete;

  // Queues `transfer` behind those already waiting. Its id must not be
  // waiting already.
  void Add(std::unique_ptr<CurlTransfer> transfer);

  // Removes and returns the transfer that has waited longest; null when
  // nothing waits.
  std::unique_ptr<CurlTransfer> TakeNext();

  // Removes and returns the transfer `id`; null if it is not waiting.
  std::unique_ptr<CurlTransfer> Take(TransferId id);

  // Removes and returns a transfer whose deadline is at or before `now`,
  // the earliest deadline first; null when there is none. Call until null
  // to take every expired one.
  std::unique_ptr<CurlTransfer> TakeExpired(Clock::time_point now);

  // Removes and returns every waiting transfer, longest waiting first.
  std::vector<std::unique_ptr<CurlTransfer>> TakeAll();

  // The earliest deadline of a waiting transfer; none when nothing waits.
  std::optional<Clock::time_point> EarliestDeadline() const {
    if (deadlines_.empty()) return std::nullopt;
    return deadlines_.begin()->first;
  }

  // How many transfers wait.
  std::size_t size() const { return waiting_.size(); }
  bool empty() const { return waiting_.empty(); }

 private:
  using DeadlineQueue = std::multimap<Clock::time_point, TransferId>;
  struct Waiting {
    std::unique_ptr<CurlTransfer> transfer;
    DeadlineQueue::iterator deadline;
  };

  // Waiting transfers, by id, with their place in `deadlines_` (exact: one
  // entry per waiting transfer). `arrival_order_` is the arrival order; it
  // may still name transfers that left early (cancelled or expired), which
  // are skipped when they come up, and is cleared when nothing waits.
  absl::flat_hash_map<TransferId, Waiting> waiting_;
  std::deque<TransferId> arrival_order_;
  DeadlineQueue deadlines_;
};

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_ADMISSION_QUEUE_H_
