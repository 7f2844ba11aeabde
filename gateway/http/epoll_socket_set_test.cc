#include "gateway/http/epoll_socket_set.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace gateway::http {
namespace {

// A real epoll set and a connected pair of sockets: `ours` stands for a
// socket libcurl owns, `peer` for the server's end.
class EpollSocketSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    ASSERT_GE(epoll_fd_, 0);
    int pair[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    ours_ = pair[0];
    peer_ = pair[1];
  }

  void TearDown() override {
    if (ours_ >= 0) close(ours_);
    if (peer_ >= 0) close(peer_);
    close(epoll_fd_);
  }

  // The descriptors epoll reports ready now, without waiting.
  std::vector<int> Ready() const {
    epoll_event events[8];
    const int n = epoll_wait(epoll_fd_, events, 8, 0);
    std::vector<int> fds;
    fds.reserve(n > 0 ? static_cast<std::size_t>(n) : 0);
    for (int i = 0; i < n; ++i) fds.push_back(events[i].data.fd);
    return fds;
  }

  // Whether the kernel has `fd` in the set, found without changing it.
  bool InKernelSet(int fd) const {
    epoll_event event{};
    event.data.fd = fd;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0) {
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      return false;
    }
    return errno == EEXIST;
  }

  // Closes both ends, which takes `ours_` out of the kernel's set, and puts
  // a new connected pair in their place, `ours_` under the same number.
  void ReplaceOursWithANewSocket() {
    int pair[2];  // Opened first, so that it gets other numbers.
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    ASSERT_EQ(close(ours_), 0);
    close(peer_);
    ASSERT_EQ(dup2(pair[0], ours_), ours_);
    close(pair[0]);
    peer_ = pair[1];
  }

  // Makes `ours_` a connection socket that was watched and no longer is.
  void Park(EpollSocketSet& sockets) const {
    sockets.Opened(ours_);
    sockets.Watch(ours_, EPOLLIN);
    sockets.Unwatch(ours_);
  }

  void PeerWrites() const { ASSERT_EQ(write(peer_, "x", 1), 1); }

  int epoll_fd_ = -1;
  int ours_ = -1;
  int peer_ = -1;
};

TEST_F(EpollSocketSetTest, WatchedSocketIsReportedWhenReadable) {
  EpollSocketSet sockets(epoll_fd_);
  sockets.Opened(ours_);
  sockets.Watch(ours_, EPOLLIN);
  EXPECT_TRUE(Ready().empty());

  PeerWrites();

  EXPECT_EQ(Ready(), std::vector<int>{ours_});
  EXPECT_TRUE(sockets.IsWatched(ours_));
}

TEST_F(EpollSocketSetTest, UnwatchedConnectionSocketStaysInTheSet) {
  EpollSocketSet sockets(epoll_fd_);
  sockets.Opened(ours_);
  sockets.Watch(ours_, EPOLLIN);

  sockets.Unwatch(ours_);

  EXPECT_TRUE(InKernelSet(ours_));
}

TEST_F(EpollSocketSetTest, ParkedSocketWatchedAgainIsReported) {
  EpollSocketSet sockets(epoll_fd_);
  Park(sockets);

  sockets.Watch(ours_, EPOLLIN);
  PeerWrites();

  EXPECT_EQ(Ready(), std::vector<int>{ours_});
  EXPECT_TRUE(sockets.IsWatched(ours_));
}

TEST_F(EpollSocketSetTest, ParkedSocketThatBecomesReadyLeavesTheSet) {
  EpollSocketSet sockets(epoll_fd_);
  Park(sockets);
  PeerWrites();
  ASSERT_EQ(Ready(), std::vector<int>{ours_});

  EXPECT_FALSE(sockets.IsWatched(ours_));

  EXPECT_FALSE(InKernelSet(ours_));
  EXPECT_TRUE(Ready().empty());
}

TEST_F(EpollSocketSetTest, SocketThatLeftTheSetIsAddedBackWhenWatched) {
  EpollSocketSet sockets(epoll_fd_);
  Park(sockets);
  PeerWrites();
  ASSERT_FALSE(sockets.IsWatched(ours_));

  sockets.Watch(ours_, EPOLLIN);

  EXPECT_EQ(Ready(), std::vector<int>{ours_});
  EXPECT_TRUE(sockets.IsWatched(ours_));
}

TEST_F(EpollSocketSetTest, ParkedSocketWatchedForOtherEventsGetsThem) {
  EpollSocketSet sockets(epoll_fd_);
  Park(sockets);

  sockets.Watch(ours_, EPOLLOUT);  // Writable at once; nothing to read.

  EXPECT_EQ(Ready(), std::vector<int>{ours_});
}

TEST_F(EpollSocketSetTest, SocketNotOpenedAsAConnectionLeavesTheSet) {
  EpollSocketSet sockets(epoll_fd_);
  sockets.Watch(ours_, EPOLLIN);  // No Opened(): libcurl's resolver pair.

  sockets.Unwatch(ours_);

  EXPECT_FALSE(InKernelSet(ours_));
}

TEST_F(EpollSocketSetTest, NumberOfAClosedSocketIsAddedAfreshWhenReused) {
  EpollSocketSet sockets(epoll_fd_);
  Park(sockets);
  sockets.Closing(ours_);
  ReplaceOursWithANewSocket();

  sockets.Watch(ours_, EPOLLIN);  // Not opened as a connection.
  PeerWrites();

  EXPECT_EQ(Ready(), std::vector<int>{ours_});
}

TEST_F(EpollSocketSetTest, OpenedForgetsAnEarlierSocketWithTheSameNumber) {
  EpollSocketSet sockets(epoll_fd_);
  Park(sockets);
  ReplaceOursWithANewSocket();  // Closed without Closing().

  sockets.Opened(ours_);
  sockets.Watch(ours_, EPOLLIN);
  PeerWrites();

  EXPECT_EQ(Ready(), std::vector<int>{ours_});
}

TEST_F(EpollSocketSetTest, EventForAnUnknownDescriptorGoesToLibcurl) {
  EpollSocketSet sockets(epoll_fd_);
  // E.g. a socket closed earlier in the same batch of events.
  EXPECT_TRUE(sockets.IsWatched(ours_));
}

}  // namespace
}  // namespace gateway::http
