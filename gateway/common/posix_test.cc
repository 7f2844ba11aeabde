#include "gateway/common/posix.h"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <string>
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

TEST(WriteFully, WritesMoreThanOnePipeBufferInPieces) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  // A pipe holds 64 KiB: a larger write returns after part of it, and the
  // rest must follow as the reader drains the pipe.
  const std::string text(std::size_t{256} * 1024, 'x');
  std::string read_back;
  std::thread reader([&] {
    char buffer[4096];
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0) {
      read_back.append(buffer, static_cast<std::size_t>(n));
    }
  });
  EXPECT_TRUE(WriteFully(fds[1], text));
  close(fds[1]);
  reader.join();
  close(fds[0]);
  EXPECT_EQ(read_back, text);
}

TEST(WriteFully, FailsOnAClosedDescriptor) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  close(fds[1]);
  EXPECT_FALSE(WriteFully(fds[1], "line\n"));
  EXPECT_EQ(errno, EBADF);
}

}  // namespace
}  // namespace gateway
