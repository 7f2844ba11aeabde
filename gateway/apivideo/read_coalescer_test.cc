// ReadCoalescer: flights, their waiters, leaving, and detaching.

#include "gateway/apivideo/read_coalescer.h"

#include <atomic>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "gateway/apivideo/testing/mock_upload_token_stub.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::gateway::apivideo::testing::CountingCancellable;
using Coalescer = ReadCoalescer<int>;

// An upstream request the test answers when it likes.
struct Upstream {
  Coalescer::Start Starter() {
    return [this](ApiCallback<int> done) -> std::shared_ptr<Cancellable> {
      ++starts;
      this->done = std::move(done);
      return handle;
    };
  }
  void Answer(absl::StatusOr<int> value) {
    std::move(done)(ApiResult<int>{std::move(value), {}});
  }

  int starts = 0;
  ApiCallback<int> done;
  std::shared_ptr<CountingCancellable> handle =
      std::make_shared<CountingCancellable>();
};

// Counts answers and keeps the last.
struct Waiter {
  ApiCallback<int> Callback() {
    return [this](ApiResult<int> result) {
      ++answers;
      last = std::move(result);
    };
  }
  int answers = 0;
  ApiResult<int> last{absl::UnknownError("no answer"), {}};
};

TEST(ReadCoalescerTest, AnswerGivenBeforeStartReturnsEndsTheFlight) {
  Coalescer coalescer;
  int starts = 0;
  const auto answer_at_once = [&starts](ApiCallback<int> done) {
    ++starts;
    std::move(done)(ApiResult<int>{7, {}});
    return std::shared_ptr<Cancellable>(
        std::make_shared<CountingCancellable>());
  };
  Waiter first;
  Waiter second;
  coalescer.Join("k", answer_at_once, first.Callback());
  coalescer.Join("k", answer_at_once, second.Callback());
  EXPECT_EQ(starts, 2);
  EXPECT_EQ(*second.last.value, 7);
  EXPECT_EQ(second.last.upstream.source, AnswerSource::kMiss);
  EXPECT_EQ(coalescer.flights(), 0u);
}

TEST(ReadCoalescerTest, CancelAfterTheAnswerChangesNothing) {
  Coalescer coalescer;
  Upstream upstream;
  Waiter waiter;
  auto handle = coalescer.Join("k", upstream.Starter(), waiter.Callback());
  upstream.Answer(3);
  handle->Cancel();
  EXPECT_EQ(waiter.answers, 1);
  EXPECT_EQ(*waiter.last.value, 3);
  EXPECT_EQ(upstream.handle->cancels(), 0);
}

TEST(ReadCoalescerTest, DifferentKeysAreDifferentFlights) {
  Coalescer coalescer;
  Upstream a;
  Upstream b;
  Waiter on_a;
  Waiter on_b;
  coalescer.Join("a", a.Starter(), on_a.Callback());
  coalescer.Join("b", b.Starter(), on_b.Callback());
  EXPECT_EQ(a.starts + b.starts, 2);
  b.Answer(2);
  EXPECT_EQ(on_a.answers, 0);
  EXPECT_EQ(*on_b.last.value, 2);
}

TEST(ReadCoalescerTest, ReadAfterDetachStartsANewFlight) {
  Coalescer coalescer;
  Upstream before;
  Upstream after;
  Waiter early;
  Waiter late;
  coalescer.Join("k", before.Starter(), early.Callback());
  coalescer.Detach("k");
  coalescer.Join("k", after.Starter(), late.Callback());
  EXPECT_EQ(after.starts, 1);
  before.Answer(1);
  after.Answer(2);
  EXPECT_EQ(*early.last.value, 1);
  EXPECT_EQ(*late.last.value, 2);
  EXPECT_EQ(late.last.upstream.source, AnswerSource::kMiss);
}

TEST(ReadCoalescerTest, WaitersOnManyThreadsAreEachAnsweredOnce) {
  constexpr int kThreads = 8;
  constexpr int kJoinsPerThread = 50;
  Coalescer coalescer;
  std::atomic<int> starts{0};
  std::atomic<int> answers{0};
  std::atomic<int> coalesced{0};
  ApiCallback<int> upstream_done;
  absl::Notification started;
  absl::BlockingCounter joined(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kJoinsPerThread; ++i) {
        coalescer.Join(
            "k",
            [&](ApiCallback<int> done) -> std::shared_ptr<Cancellable> {
              ++starts;
              upstream_done = std::move(done);
              started.Notify();
              return std::make_shared<CountingCancellable>();
            },
            [&](ApiResult<int> result) {
              ++answers;
              if (result.upstream.source == AnswerSource::kCoalesced) {
                ++coalesced;
              }
            });
      }
      joined.DecrementCount();
    });
  }
  joined.Wait();
  ASSERT_TRUE(started.HasBeenNotified());
  // Nothing answered the flight, so every read joined the first one.
  EXPECT_EQ(starts.load(), 1);
  std::thread answering([&] {
    std::move(upstream_done)(ApiResult<int>{5, {}});
  });
  answering.join();
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(answers.load(), kThreads * kJoinsPerThread);
  EXPECT_EQ(coalesced.load(), kThreads * kJoinsPerThread - 1);
}

}  // namespace
}  // namespace gateway::apivideo
