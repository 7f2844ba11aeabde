#include "gateway/service/upstream_deadline.h"

#include "gateway/common/status_details.h"
#include "gtest/gtest.h"

namespace gateway::service {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
constexpr absl::Duration kCap = absl::Seconds(30);

TEST(UpstreamDeadline, NoCallerDeadlineIsTheCap) {
  EXPECT_EQ(*UpstreamDeadline(absl::InfiniteFuture(), kNow, kCap), kNow + kCap);
}

TEST(UpstreamDeadline, ShorterCallerDeadlineWins) {
  EXPECT_EQ(*UpstreamDeadline(kNow + absl::Seconds(2), kNow, kCap),
            kNow + absl::Seconds(2));
}

TEST(UpstreamDeadline, LongerCallerDeadlineIsCapped) {
  EXPECT_EQ(*UpstreamDeadline(kNow + absl::Hours(1), kNow, kCap), kNow + kCap);
}

TEST(UpstreamDeadline, PassedDeadlineIsDeadlineExceededWithReason) {
  const absl::StatusOr<absl::Time> deadline =
      UpstreamDeadline(kNow, kNow, kCap);
  ASSERT_EQ(deadline.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(GetDetail<google::rpc::ErrorInfo>(deadline.status())->reason(),
            "DEADLINE_EXCEEDED");
}

}  // namespace
}  // namespace gateway::service
