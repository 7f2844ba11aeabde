// AdmissionQueue: transfers leave first in, first out, or by id, or once
// their deadline has passed, earliest first. The transfers are built bare
// (no easy handle, no I/O) and nothing sleeps: times are taken from the
// transfers' own deadlines.

#include "gateway/http/admission_queue.h"

#include <chrono>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/http/curl_transfer.h"
#include "gateway/http/http_types.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::http {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

std::unique_ptr<CurlTransfer> NewTransfer(
    TransferId id, absl::Duration timeout = absl::Seconds(30)) {
  HttpRequest request;
  request.url = "http://127.0.0.1:1/";
  request.timeout = timeout;
  return std::make_unique<CurlTransfer>(
      id, std::move(request),
      [](const absl::StatusOr<HttpResponse>& /*result*/) {});
}

// The id of `transfer`, or 0 for none.
TransferId IdOf(const std::unique_ptr<CurlTransfer>& transfer) {
  return transfer == nullptr ? 0 : transfer->id();
}

// Ids of the transfers TakeNext() returns until the queue is empty.
std::vector<TransferId> TakeEachInTurn(AdmissionQueue& queue) {
  std::vector<TransferId> ids;
  while (std::unique_ptr<CurlTransfer> transfer = queue.TakeNext()) {
    ids.push_back(transfer->id());
  }
  return ids;
}

TEST(AdmissionQueueTest, EmptyQueueHasNothingToTake) {
  AdmissionQueue queue;

  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.size(), 0);
  EXPECT_EQ(queue.TakeNext(), nullptr);
  EXPECT_EQ(queue.TakeExpired(CurlTransfer::Clock::time_point::max()), nullptr);
  EXPECT_EQ(queue.EarliestDeadline(), std::nullopt);
}

TEST(AdmissionQueueTest, SizeCountsTheWaitingTransfers) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(1));
  queue.Add(NewTransfer(2));

  EXPECT_FALSE(queue.empty());
  EXPECT_EQ(queue.size(), 2);
}

TEST(AdmissionQueueTest, TransfersLeaveInArrivalOrder) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(3));
  queue.Add(NewTransfer(1));
  queue.Add(NewTransfer(2));

  EXPECT_THAT(TakeEachInTurn(queue), ElementsAre(3, 1, 2));
  EXPECT_TRUE(queue.empty());
}

TEST(AdmissionQueueTest, ArrivalOrderIsKeptWhateverTheDeadlines) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(1, absl::Seconds(30)));
  queue.Add(NewTransfer(2, absl::Seconds(10)));

  EXPECT_THAT(TakeEachInTurn(queue), ElementsAre(1, 2));
}

TEST(AdmissionQueueTest, TakeByIdRemovesThatTransferOnly) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(1));
  queue.Add(NewTransfer(2));
  queue.Add(NewTransfer(3));

  EXPECT_EQ(IdOf(queue.Take(2)), 2);

  EXPECT_EQ(queue.size(), 2);
  EXPECT_THAT(TakeEachInTurn(queue), ElementsAre(1, 3));
}

TEST(AdmissionQueueTest, TakeOfATransferNotWaitingIsNull) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(1));
  ASSERT_NE(queue.Take(1), nullptr);

  EXPECT_EQ(queue.Take(1), nullptr);
  EXPECT_EQ(queue.Take(99), nullptr);
}

TEST(AdmissionQueueTest, TransfersTakenEarlyAreSkippedInArrivalOrder) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(1));
  queue.Add(NewTransfer(2));
  queue.Add(NewTransfer(3));
  ASSERT_NE(queue.Take(1), nullptr);
  ASSERT_NE(queue.Take(3), nullptr);
  queue.Add(NewTransfer(4));

  EXPECT_THAT(TakeEachInTurn(queue), ElementsAre(2, 4));
}

TEST(AdmissionQueueTest, QueueEmptiedByTakesKeepsTheOrderOfNewArrivals) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(1));
  queue.Add(NewTransfer(2));
  ASSERT_NE(queue.Take(2), nullptr);
  ASSERT_NE(queue.Take(1), nullptr);
  queue.Add(NewTransfer(3));
  queue.Add(NewTransfer(4));

  EXPECT_THAT(TakeEachInTurn(queue), ElementsAre(3, 4));
}

TEST(AdmissionQueueTest, NothingExpiresBeforeTheEarliestDeadline) {
  AdmissionQueue queue;
  std::unique_ptr<CurlTransfer> transfer = NewTransfer(1);
  const auto deadline = transfer->deadline();
  queue.Add(std::move(transfer));

  EXPECT_EQ(queue.TakeExpired(deadline - std::chrono::nanoseconds(1)), nullptr);
  EXPECT_EQ(queue.size(), 1);
}

TEST(AdmissionQueueTest, TransferExpiresAtItsDeadline) {
  AdmissionQueue queue;
  std::unique_ptr<CurlTransfer> transfer = NewTransfer(1);
  const auto deadline = transfer->deadline();
  queue.Add(std::move(transfer));

  EXPECT_EQ(IdOf(queue.TakeExpired(deadline)), 1);
  EXPECT_TRUE(queue.empty());
}

TEST(AdmissionQueueTest, ExpiredTransfersLeaveEarliestDeadlineFirst) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(1, absl::Seconds(30)));
  queue.Add(NewTransfer(2, absl::Seconds(10)));
  std::unique_ptr<CurlTransfer> third = NewTransfer(3, absl::Seconds(20));
  const auto now = third->deadline();
  queue.Add(std::move(third));

  EXPECT_EQ(IdOf(queue.TakeExpired(now)), 2);
  EXPECT_EQ(IdOf(queue.TakeExpired(now)), 3);
  EXPECT_EQ(queue.TakeExpired(now), nullptr);
  EXPECT_THAT(TakeEachInTurn(queue), ElementsAre(1));
}

TEST(AdmissionQueueTest, TransferWithoutATimeoutNeverExpires) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(1, absl::InfiniteDuration()));

  EXPECT_EQ(queue.TakeExpired(CurlTransfer::Clock::now() +
                              std::chrono::hours(24 * 365 * 100)),
            nullptr);
  EXPECT_EQ(queue.size(), 1);
}

TEST(AdmissionQueueTest, EarliestDeadlineIsThatOfTheSoonestToExpire) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(1, absl::Seconds(30)));
  std::unique_ptr<CurlTransfer> soonest = NewTransfer(2, absl::Seconds(10));
  const auto deadline = soonest->deadline();
  queue.Add(std::move(soonest));
  queue.Add(NewTransfer(3, absl::Seconds(20)));

  EXPECT_THAT(queue.EarliestDeadline(), Optional(deadline));
}

TEST(AdmissionQueueTest, EarliestDeadlineForgetsTransfersThatLeft) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(1, absl::Seconds(10)));
  std::unique_ptr<CurlTransfer> later = NewTransfer(2, absl::Seconds(20));
  const auto deadline = later->deadline();
  queue.Add(std::move(later));

  ASSERT_NE(queue.Take(1), nullptr);

  EXPECT_THAT(queue.EarliestDeadline(), Optional(deadline));
}

TEST(AdmissionQueueTest, TakeAllReturnsEveryWaitingTransferInArrivalOrder) {
  AdmissionQueue queue;
  queue.Add(NewTransfer(3));
  queue.Add(NewTransfer(1));
  queue.Add(NewTransfer(4));
  queue.Add(NewTransfer(2));
  ASSERT_NE(queue.Take(4), nullptr);

  std::vector<TransferId> ids;
  for (const auto& transfer : queue.TakeAll()) ids.push_back(transfer->id());

  EXPECT_THAT(ids, ElementsAre(3, 1, 2));
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.EarliestDeadline(), std::nullopt);
  EXPECT_THAT(queue.TakeAll(), IsEmpty());
}

}  // namespace
}  // namespace gateway::http
