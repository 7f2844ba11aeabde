// Issue #17's scenario: one caller floods reads from several threads while
// another calls once a second. The integration tests run it against one
// gateway and against replicas sharing Redis.

#ifndef TESTS_TESTING_FLOOD_SCENARIO_H_
#define TESTS_TESTING_FLOOD_SCENARIO_H_

#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace testing_support {

struct FloodOutcome {
  int interactive_calls = 0;
  int interactive_ok = 0;
  // The interactive caller's errors, one per line.
  std::string interactive_failures;
  absl::Duration interactive_slowest;
  int flood_calls = 0;
  int flood_ok = 0;
};

// Runs `flood(thread, i)` in a loop on each of `flood_threads` threads while
// `interactive(i)` runs `interactive_calls` times, one a second; stops the
// flood after the last interactive call.
inline FloodOutcome RunFloodBesideInteractiveCaller(
    int flood_threads, int interactive_calls,
    const std::function<grpc::Status(int thread, int i)>& flood,
    const std::function<grpc::Status(int i)>& interactive) {
  std::atomic<bool> stop{false};
  std::atomic<int> flood_calls{0};
  std::atomic<int> flood_ok{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < flood_threads; ++thread) {
    threads.emplace_back([&, thread] {
      for (int i = thread; !stop.load(); ++i) {
        const bool ok = flood(thread, i).ok();
        ++flood_calls;
        if (ok) ++flood_ok;
      }
    });
  }
  FloodOutcome outcome;
  outcome.interactive_calls = interactive_calls;
  for (int i = 0; i < interactive_calls; ++i) {
    const absl::Time started = absl::Now();
    const grpc::Status status = interactive(i);
    outcome.interactive_slowest =
        std::max(outcome.interactive_slowest, absl::Now() - started);
    if (status.ok()) {
      ++outcome.interactive_ok;
    } else {
      absl::StrAppend(&outcome.interactive_failures, status.error_message(),
                      "\n");
    }
    absl::SleepFor(absl::Seconds(1) - (absl::Now() - started));
  }
  stop = true;
  for (std::thread& thread : threads) thread.join();
  outcome.flood_calls = flood_calls.load();
  outcome.flood_ok = flood_ok.load();
  return outcome;
}

}  // namespace testing_support

#endif  // TESTS_TESTING_FLOOD_SCENARIO_H_
