#include "gateway/common/posix.h"

#include <pthread.h>

#include <cerrno>
#include <csignal>
#include <thread>

#include "gtest/gtest.h"

namespace gateway {
namespace {

bool SigpipeBlockedOnThisThread() {
  sigset_t current;
  pthread_sigmask(SIG_BLOCK, nullptr, &current);
  return sigismember(&current, SIGPIPE) == 1;
}

TEST(ErrnoStatus, SaysWhatFailedAndWhyWithTheGivenCode) {
  errno = ENOENT;
  const absl::Status status =
      ErrnoStatus(absl::StatusCode::kUnavailable, "open /x");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "open /x: No such file or directory");
}

TEST(BlockSigpipeOnThisThread, BlocksItHereAndInThreadsStartedLater) {
  bool blocked_in_child = false;
  std::thread([&] {
    BlockSigpipeOnThisThread();
    std::thread([&] {
      blocked_in_child = SigpipeBlockedOnThisThread();
    }).join();
    EXPECT_TRUE(SigpipeBlockedOnThisThread());
  }).join();
  EXPECT_TRUE(blocked_in_child);
}

}  // namespace
}  // namespace gateway
