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

// Ids of the transfers TakeNext() returns until the queue is empty.
std::vector<TransferId> TakeEachInTurn(AdmissionQueue& queue) {
  std::vector<TransferId> ids;
  while (std::unique_ptr<CurlTransfer> transfer = queue.TakeNext()) {
    ids.push_back(transfer->id());
  }
  return ids;
}

// The id of `transfer`, or 0 for none.
TransferId IdOf(const std::unique_ptr<CurlTransfer>& transfer) {
  return transfer == nullptr ? 0 : transfer->id();
}

class AdmissionQueueTest : public ::testing::Test {
 protected:
  // Adds a bare transfer (no easy handle, no I/O) with that id and timeout;
  // returns its deadline.
  CurlTransfer::Clock::time_point Add(
      TransferId id, absl::Duration timeout = absl::Seconds(30)) {
    HttpRequest request;
    request.url = "http://127.0.0.1:1/";
    request.timeout = timeout;
    auto transfer = std::make_unique<CurlTransfer>(
        id, std::move(request),
        [](const absl::StatusOr<HttpResponse>& /*result*/) {});
    const CurlTransfer::Clock::time_point deadline = transfer->deadline();
    queue_.Add(std::move(transfer));
    return deadline;
  }

  AdmissionQueue queue_;
};

TEST_F(AdmissionQueueTest, EmptyQueueHasNothingToTake) {
  EXPECT_TRUE(queue_.empty());
  EXPECT_EQ(queue_.size(), 0);
  EXPECT_EQ(queue_.TakeNext(), nullptr);
  EXPECT_EQ(queue_.TakeExpired(CurlTransfer::Clock::time_point::max()),
            nullptr);
  EXPECT_EQ(queue_.EarliestDeadline(), std::nullopt);
}

TEST_F(AdmissionQueueTest, SizeCountsTheWaitingTransfers) {
  Add(1);
  Add(2);

  EXPECT_FALSE(queue_.empty());
  EXPECT_EQ(queue_.size(), 2);
}

TEST_F(AdmissionQueueTest, TransfersLeaveInArrivalOrder) {
  Add(3);
  Add(1);
  Add(2);

  EXPECT_THAT(TakeEachInTurn(queue_), ElementsAre(3, 1, 2));
  EXPECT_TRUE(queue_.empty());
}

TEST_F(AdmissionQueueTest, ArrivalOrderIsKeptWhateverTheDeadlines) {
  Add(1, absl::Seconds(30));
  Add(2, absl::Seconds(10));

  EXPECT_THAT(TakeEachInTurn(queue_), ElementsAre(1, 2));
}

TEST_F(AdmissionQueueTest, TakeByIdRemovesThatTransferOnly) {
  Add(1);
  Add(2);
  Add(3);

  EXPECT_EQ(IdOf(queue_.Take(2)), 2);

  EXPECT_EQ(queue_.size(), 2);
  EXPECT_THAT(TakeEachInTurn(queue_), ElementsAre(1, 3));
}

TEST_F(AdmissionQueueTest, TakeOfATransferNotWaitingIsNull) {
  Add(1);
  ASSERT_NE(queue_.Take(1), nullptr);

  EXPECT_EQ(queue_.Take(1), nullptr);
  EXPECT_EQ(queue_.Take(99), nullptr);
}

TEST_F(AdmissionQueueTest, TransfersTakenEarlyAreSkippedInArrivalOrder) {
  Add(1);
  Add(2);
  Add(3);
  ASSERT_NE(queue_.Take(1), nullptr);
  ASSERT_NE(queue_.Take(3), nullptr);
  Add(4);

  EXPECT_THAT(TakeEachInTurn(queue_), ElementsAre(2, 4));
}

TEST_F(AdmissionQueueTest, QueueEmptiedByTakesKeepsTheOrderOfNewArrivals) {
  Add(1);
  Add(2);
  ASSERT_NE(queue_.Take(2), nullptr);
  ASSERT_NE(queue_.Take(1), nullptr);
  Add(3);
  Add(4);

  EXPECT_THAT(TakeEachInTurn(queue_), ElementsAre(3, 4));
}

TEST_F(AdmissionQueueTest, NothingExpiresBeforeTheEarliestDeadline) {
  const auto deadline = Add(1);

  EXPECT_EQ(queue_.TakeExpired(deadline - std::chrono::nanoseconds(1)),
            nullptr);
  EXPECT_EQ(queue_.size(), 1);
}

TEST_F(AdmissionQueueTest, TransferExpiresAtItsDeadline) {
  const auto deadline = Add(1);

  EXPECT_EQ(IdOf(queue_.TakeExpired(deadline)), 1);
  EXPECT_TRUE(queue_.empty());
}

TEST_F(AdmissionQueueTest, ExpiredTransfersLeaveEarliestDeadlineFirst) {
  Add(1, absl::Seconds(30));
  Add(2, absl::Seconds(10));
  const auto now = Add(3, absl::Seconds(20));

  EXPECT_EQ(IdOf(queue_.TakeExpired(now)), 2);
  EXPECT_EQ(IdOf(queue_.TakeExpired(now)), 3);
  EXPECT_EQ(queue_.TakeExpired(now), nullptr);
  EXPECT_THAT(TakeEachInTurn(queue_), ElementsAre(1));
}

TEST_F(AdmissionQueueTest, TransferWithoutATimeoutNeverExpires) {
  Add(1, absl::InfiniteDuration());

  EXPECT_EQ(queue_.TakeExpired(CurlTransfer::Clock::now() +
                               std::chrono::hours(24 * 365 * 100)),
            nullptr);
  EXPECT_EQ(queue_.size(), 1);
}

TEST_F(AdmissionQueueTest, EarliestDeadlineIsThatOfTheSoonestToExpire) {
  Add(1, absl::Seconds(30));
  const auto deadline = Add(2, absl::Seconds(10));
  Add(3, absl::Seconds(20));

  EXPECT_THAT(queue_.EarliestDeadline(), Optional(deadline));
}

TEST_F(AdmissionQueueTest, EarliestDeadlineForgetsTransfersThatLeft) {
  Add(1, absl::Seconds(10));
  const auto deadline = Add(2, absl::Seconds(20));

  ASSERT_NE(queue_.Take(1), nullptr);

  EXPECT_THAT(queue_.EarliestDeadline(), Optional(deadline));
}

TEST_F(AdmissionQueueTest, TakeAllReturnsEveryWaitingTransferInArrivalOrder) {
  Add(3);
  Add(1);
  Add(4);
  Add(2);
  ASSERT_NE(queue_.Take(4), nullptr);

  std::vector<TransferId> ids;
  for (const auto& transfer : queue_.TakeAll()) ids.push_back(transfer->id());

  EXPECT_THAT(ids, ElementsAre(3, 1, 2));
  EXPECT_TRUE(queue_.empty());
  EXPECT_EQ(queue_.EarliestDeadline(), std::nullopt);
  EXPECT_THAT(queue_.TakeAll(), IsEmpty());
}

}  // namespace
}  // namespace gateway::http
