// A bound on calls in flight: beyond it the gateway refuses new calls at
// once (RESOURCE_EXHAUSTED) rather than letting memory, sockets and latency
// grow without limit.

#ifndef GATEWAY_POLICY_IN_FLIGHT_LIMIT_H_
#define GATEWAY_POLICY_IN_FLIGHT_LIMIT_H_

#include <atomic>

namespace gateway::policy {

class InFlightLimit {
 public:
  explicit InFlightLimit(int max_in_flight) : max_(max_in_flight) {}

  // Takes a place; false (and nothing taken) when all are taken.
  // Thread-safe and lock-free.
  bool TryAcquire() {
    int count = count_.load(std::memory_order_relaxed);
    // Compare-and-swap, so that a refused call never counts, even briefly.
    do {
      if (count >= max_) return false;
    } while (!count_.compare_exchange_weak(count, count + 1,
                                           std::memory_order_relaxed));
    return true;
  }

  // Gives back a place taken by TryAcquire.
  void Release() { count_.fetch_sub(1, std::memory_order_relaxed); }

  int in_flight() const { return count_.load(std::memory_order_relaxed); }
  int max() const { return max_; }

 private:
  const int max_;
  std::atomic<int> count_{0};
};

}  // namespace gateway::policy

#endif  // GATEWAY_POLICY_IN_FLIGHT_LIMIT_H_
