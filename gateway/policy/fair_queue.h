// The order in which calls waiting for the account's quota are served, so
// that callers share it max-min fairly, in proportion to their weights.
//
// Start-time fair queuing (Goyal, Vin and Cheng, 1996): each waiter gets a
// virtual start tag, max(virtual time, its caller's previous finish tag),
// and finishes 1/weight later; the waiter with the lowest start tag goes
// next (the earlier arrival on a tie), and virtual time is the start tag of
// the last one served. A caller that asks for less than its share is served
// next whatever another caller has queued (its start tag is virtual time,
// the backlogged caller's is later); callers that ask for more split what
// is left by weight. Virtual time advances only with service, so a caller
// idle for a while gains no credit to flood with later. Within a caller,
// waiters are served first in, first out.
//
// Idle callers are kept while their finish tag is ahead of virtual time;
// callers are the caller policy's names, so they are few.
//
// A plain value: not thread-safe; its owner serialises access.

#ifndef GATEWAY_POLICY_FAIR_QUEUE_H_
#define GATEWAY_POLICY_FAIR_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/string_view.h"

namespace gateway::policy {

class FairQueue {
 public:
  using WaiterId = std::uint64_t;

  // Queues waiter `id` (unique among those queued) of `caller`, whose
  // weight is `weight` (> 0; the first weight given for a caller with
  // nothing queued is the one used).
  void Push(WaiterId id, absl::string_view caller, double weight);

  // Takes a queued waiter out without serving it; false if it was not
  // queued.
  bool Remove(WaiterId id);

  // Takes out and returns the waiter to serve next; nullopt when empty.
  std::optional<WaiterId> Pop();

  // The waiter Pop would return now, left queued; nullopt when empty.
  std::optional<WaiterId> Peek() const;

  // The caller of a queued waiter; empty if it is not queued.
  std::string CallerOf(WaiterId id) const;

  // How many waiters `caller` has queued.
  std::size_t WaitingOf(absl::string_view caller) const;

  // How many queued waiters would be served before one that `caller` would
  // push now: its own queued waiters, and those of other callers with a
  // lower tag.
  std::size_t WaitersAheadOfNew(absl::string_view caller) const;

  std::size_t size() const { return locations_.size(); }
  bool empty() const { return locations_.empty(); }

 private:
  struct Waiter {
    WaiterId id;
    std::uint64_t arrival;
  };
  struct Caller {
    std::list<Waiter> waiting;
    double weight = 1.0;
    // The finish tag of the caller's last waiter served.
    double last_tag = 0.0;
    // The start tag of the first waiting waiter, while any waits.
    double head_tag = 0.0;
  };
  // (head tag, head arrival, caller): the callers with waiters, in the
  // order they are served.
  using Turn = std::tuple<double, std::uint64_t, std::string>;
  struct Location {
    std::string caller;
    std::list<Waiter>::iterator waiter;
  };

  double StartTagOf(const Caller& caller) const;
  void Schedule(const std::string& name, const Caller& caller);
  void Unschedule(const std::string& name, const Caller& caller);
  // Drops an idle caller whose last tag virtual time has passed: it would
  // start from virtual time anyway, so it keeps no state worth memory.
  void ForgetIfIdle(const std::string& name);

  // Node-based: the waiters' list iterators must survive a rehash.
  absl::node_hash_map<std::string, Caller> callers_;
  absl::flat_hash_map<WaiterId, Location> locations_;
  std::set<Turn> turns_;
  double virtual_time_ = 0.0;
  std::uint64_t arrivals_ = 0;
};

}  // namespace gateway::policy

#endif  // GATEWAY_POLICY_FAIR_QUEUE_H_
