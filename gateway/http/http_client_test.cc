#include "gateway/http/http_client.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace gateway::http {
namespace {

TEST(RequestMayHaveBeenSentTest, TrueForAnUnmarkedError) {
  EXPECT_TRUE(RequestMayHaveBeenSent(absl::UnavailableError("lost")));
}

TEST(RequestMayHaveBeenSentTest, FalseOnceMarkedNotSent) {
  const absl::Status status =
      MarkRequestNotSent(absl::UnavailableError("refused"));

  EXPECT_FALSE(RequestMayHaveBeenSent(status));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "refused");
}

TEST(RequestMayHaveBeenSentTest, MarkSurvivesCopies) {
  const absl::Status status =
      MarkRequestNotSent(absl::DeadlineExceededError("late"));
  absl::Status copy;
  copy = status;

  EXPECT_FALSE(RequestMayHaveBeenSent(copy));
}

TEST(RequestMayHaveBeenSentTest, MarkingOkChangesNothing) {
  const absl::Status status = MarkRequestNotSent(absl::OkStatus());

  EXPECT_TRUE(status.ok());
  EXPECT_TRUE(RequestMayHaveBeenSent(status));
}

}  // namespace
}  // namespace gateway::http
