// Single-flight for reads: concurrent identical reads become one upstream
// request, whose answer (or error) every waiting caller gets.
//
// Reads are identical when their keys are (the token of a Get; the page,
// size and order of a List). The first read of a key starts a "flight";
// reads of the same key arriving while it is in flight join it and get a
// copy of its answer, marked AnswerSource::kCoalesced; the first keeps the
// upstream's own mark (kMiss). A read after the flight ended starts a new
// one: the coalescer remembers nothing, caching is another class's job.
//
// The shared request is the first caller's: it runs with that caller's
// CallOptions (deadline, caller name, trace context). A later caller with a
// longer deadline may so get the first one's DEADLINE_EXCEEDED, and its
// trace shows no request of its own: the price of spending one unit of the
// account's quota instead of several.
//
// Leaving: a waiter that is cancelled gets CANCELLED at once and leaves; the
// others keep waiting. Only when every waiter has left is the upstream
// request cancelled, and the flight forgotten, so that a new read starts
// afresh instead of joining a request on its way out.
//
// Detach(key) makes reads that come later start a new flight (the one in
// flight still answers its waiters): a write through the gateway uses it so
// that a read started after the write never gets an answer from before it.
//
// Thread-safe: reads start on gRPC threads, answers arrive on the curl loop
// thread, cancellations come from either. Callbacks (`start`, every `done`,
// Cancel of the upstream request) run with no lock held; the state they
// share lives in a shared_ptr, so a late answer or cancellation finds it
// even after the coalescer itself is gone.
//
// Example:
//   ReadCoalescer<UploadToken> gets;
//   auto handle = gets.Join(token, [&](ApiCallback<UploadToken> done) {
//     return upstream.Get(token, options, std::move(done));
//   }, std::move(done));

#ifndef GATEWAY_APIVIDEO_READ_COALESCER_H_
#define GATEWAY_APIVIDEO_READ_COALESCER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/common/cancellable.h"

namespace gateway::apivideo {

template <typename Value>
class ReadCoalescer {
 public:
  // Starts the one upstream request of a flight; `done` gets its result.
  using Start = absl::AnyInvocable<std::shared_ptr<Cancellable>(
                                       ApiCallback<Value> done) &&>;

  ReadCoalescer() : shared_(std::make_shared<Shared>()) {}
  ReadCoalescer(const ReadCoalescer&) = delete;
  ReadCoalescer& operator=(const ReadCoalescer&) = delete;

  // Joins the flight of `key`, or starts one with `start` (called at once,
  // before Join returns). `done` runs exactly once, maybe before Join
  // returns. The handle cancels this read alone.
  std::shared_ptr<Cancellable> Join(absl::string_view key, Start start,
                                    ApiCallback<Value> done) {
    std::shared_ptr<Flight> flight;
    std::uint64_t waiter;
    {
      absl::MutexLock lock(&shared_->mu);
      auto it = shared_->flights.find(key);
      if (it != shared_->flights.end()) {
        waiter = it->second->Add(std::move(done), /*joined=*/true);
        return std::make_shared<Handle>(shared_, it->second, waiter);
      }
      flight = std::make_shared<Flight>(std::string(key));
      waiter = flight->Add(std::move(done), /*joined=*/false);
      shared_->flights.emplace(flight->key, flight);
    }
    auto handle = std::make_shared<Handle>(shared_, flight, waiter);
    std::shared_ptr<Cancellable> upstream = std::move(start)(
        [shared = shared_, flight](ApiResult<Value> result) mutable {
          Finish(*shared, *flight, std::move(result));
        });
    bool cancel_now = false;
    {
      absl::MutexLock lock(&shared_->mu);
      if (!flight->finished) {
        // Should every waiter have left while `start` ran, the request they
        // no longer want is cancelled now that there is a handle to it.
        cancel_now = flight->cancelled;
        flight->upstream = upstream;
      }
    }
    if (cancel_now && upstream != nullptr) upstream->Cancel();
    return handle;
  }

  // Reads of `key` from now on start a new flight; the one in flight still
  // answers those who joined it.
  void Detach(absl::string_view key) {
    absl::MutexLock lock(&shared_->mu);
    shared_->flights.erase(key);
  }

  // Detach, for every key.
  void DetachAll() {
    absl::MutexLock lock(&shared_->mu);
    shared_->flights.clear();
  }

  // Flights that reads can join now.
  std::size_t flights() const {
    absl::MutexLock lock(&shared_->mu);
    return shared_->flights.size();
  }

 private:
  struct Waiter {
    std::uint64_t id;
    ApiCallback<Value> done;
    bool joined;  // false: the one who started the flight
  };

  // One upstream request and those waiting for it. Guarded by Shared::mu.
  struct Flight {
    explicit Flight(std::string flight_key) : key(std::move(flight_key)) {}

    std::uint64_t Add(ApiCallback<Value> done, bool joined) {
      const std::uint64_t id = next_waiter++;
      waiters.push_back(Waiter{id, std::move(done), joined});
      return id;
    }

    const std::string key;
    std::vector<Waiter> waiters;
    std::uint64_t next_waiter = 0;
    // Null until `start` has returned, and after the answer.
    std::shared_ptr<Cancellable> upstream;
    bool finished = false;
    // Every waiter left before the answer.
    bool cancelled = false;
  };

  struct Shared {
    absl::Mutex mu;
    // The flights reads may join, by key.
    absl::flat_hash_map<std::string, std::shared_ptr<Flight>> flights
        ABSL_GUARDED_BY(mu);
  };

  // Forgets `flight` if reads could still join it.
  static void ForgetLocked(Shared& shared, const Flight& flight)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared.mu) {
    auto it = shared.flights.find(flight.key);
    if (it != shared.flights.end() && it->second.get() == &flight) {
      shared.flights.erase(it);
    }
  }

  // The upstream answer: to every waiter still there.
  static void Finish(Shared& shared, Flight& flight, ApiResult<Value> result) {
    std::vector<Waiter> waiters;
    {
      absl::MutexLock lock(&shared.mu);
      flight.finished = true;
      ForgetLocked(shared, flight);
      waiters = std::move(flight.waiters);
      flight.waiters.clear();
      flight.upstream.reset();
    }
    if (waiters.empty()) return;
    // The others get copies; the last one takes the result itself.
    const auto deliver = [](Waiter& waiter, ApiResult<Value> answer) {
      if (waiter.joined) answer.upstream.source = AnswerSource::kCoalesced;
      std::move(waiter.done)(std::move(answer));
    };
    for (std::size_t i = 0; i + 1 < waiters.size(); ++i) {
      deliver(waiters[i], result);
    }
    deliver(waiters.back(), std::move(result));
  }

  // One waiter's way out of its flight.
  class Handle final : public Cancellable {
   public:
    Handle(std::shared_ptr<Shared> shared, std::shared_ptr<Flight> flight,
           std::uint64_t waiter)
        : shared_(std::move(shared)),
          flight_(std::move(flight)),
          waiter_(waiter) {}

    void Cancel() override {
      ApiCallback<Value> done;
      bool joined = false;
      std::shared_ptr<Cancellable> upstream;
      {
        absl::MutexLock lock(&shared_->mu);
        std::vector<Waiter>& waiters = flight_->waiters;
        auto it = waiters.begin();
        while (it != waiters.end() && it->id != waiter_) ++it;
        // Already answered (or cancelled): nothing to do.
        if (it == waiters.end()) return;
        done = std::move(it->done);
        joined = it->joined;
        waiters.erase(it);
        if (waiters.empty() && !flight_->finished) {
          flight_->cancelled = true;
          ForgetLocked(*shared_, *flight_);
          upstream = std::move(flight_->upstream);
        }
      }
      ApiResult<Value> result{absl::CancelledError("the call was cancelled"),
                              {}};
      result.upstream.source =
          joined ? AnswerSource::kCoalesced : AnswerSource::kMiss;
      std::move(done)(std::move(result));
      if (upstream != nullptr) upstream->Cancel();
    }

   private:
    const std::shared_ptr<Shared> shared_;
    const std::shared_ptr<Flight> flight_;
    const std::uint64_t waiter_;
  };

  const std::shared_ptr<Shared> shared_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_READ_COALESCER_H_
