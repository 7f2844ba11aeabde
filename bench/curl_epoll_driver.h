// Drives libcurl's socket interface from one epoll set, as the gateway's
// CurlLoop does, with nothing else in the way: the floors of the benchmark
// (floor_curl.cc --epoll, floor_server.cc --relay) share it so that they
// measure the same HTTP client.

#ifndef BENCH_CURL_EPOLL_DRIVER_H_
#define BENCH_CURL_EPOLL_DRIVER_H_

#include <curl/curl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace bench {

// What libcurl's socket interface needs: the epoll set it asks to watch
// sockets in, and the deadline of its one timer. An extra descriptor
// (`wake_fd`, e.g. an eventfd) may share the set; Wait reports it instead of
// handing it to libcurl.
class CurlEpollDriver {
 public:
  using Clock = std::chrono::steady_clock;

  explicit CurlEpollDriver(CURLM* multi)
      : multi_(multi), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, OnSocket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, OnTimer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  }
  CurlEpollDriver(const CurlEpollDriver&) = delete;
  CurlEpollDriver& operator=(const CurlEpollDriver&) = delete;
  ~CurlEpollDriver() { close(epoll_fd_); }

  // Watches `fd` for input beside libcurl's sockets.
  void WatchWakeFd(int fd) {
    wake_fd_ = fd;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
  }

  // Waits up to 100 ms (less when libcurl's timer is due sooner) for socket
  // events, hands them to libcurl, then runs libcurl's timer if it is due.
  // Returns whether the wake descriptor was ready; the caller drains it.
  bool Turn() {
    int wait_ms = 100;
    if (timer_.has_value()) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(*timer_ - Clock::now())
              .count();
      wait_ms = static_cast<int>(std::clamp<decltype(left)>(left, 0, 100));
    }
    epoll_event events[256];
    const int ready = epoll_wait(epoll_fd_, events, 256, wait_ms);
    bool woken = false;
    for (int i = 0; i < ready; ++i) {
      if (events[i].data.fd == wake_fd_) {
        woken = true;
        continue;
      }
      int action = 0;
      if ((events[i].events & (EPOLLIN | EPOLLHUP)) != 0) {
        action |= CURL_CSELECT_IN;
      }
      if ((events[i].events & EPOLLOUT) != 0) action |= CURL_CSELECT_OUT;
      if ((events[i].events & EPOLLERR) != 0) action |= CURL_CSELECT_ERR;
      curl_multi_socket_action(multi_, events[i].data.fd, action, &running_);
    }
    RunTimerIfDue();
    return woken;
  }

  // Runs libcurl's timer if it is due: after curl_multi_add_handle, whose
  // 0 ms timer starts the transfer without waiting for another turn.
  void RunTimerIfDue() {
    if (timer_.has_value() && Clock::now() >= *timer_) {
      timer_.reset();
      curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running_);
    }
  }

  // Transfers libcurl has not finished.
  int running() const { return running_; }

 private:
  static int OnSocket(CURL* /*easy*/, curl_socket_t socket, int what,
                      void* self, void* /*socket_data*/) {
    auto* driver = static_cast<CurlEpollDriver*>(self);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(driver->epoll_fd_, EPOLL_CTL_DEL, socket, nullptr);
      return 0;
    }
    epoll_event event{};
    event.data.fd = socket;
    if ((what & CURL_POLL_IN) != 0) event.events |= EPOLLIN;
    if ((what & CURL_POLL_OUT) != 0) event.events |= EPOLLOUT;
    if (epoll_ctl(driver->epoll_fd_, EPOLL_CTL_MOD, socket, &event) != 0) {
      epoll_ctl(driver->epoll_fd_, EPOLL_CTL_ADD, socket, &event);
    }
    return 0;
  }

  static int OnTimer(CURLM* /*multi*/, long timeout_ms, void* self) {
    auto* driver = static_cast<CurlEpollDriver*>(self);
    if (timeout_ms < 0) {
      driver->timer_.reset();
    } else {
      driver->timer_ = Clock::now() + std::chrono::milliseconds(timeout_ms);
    }
    return 0;
  }

  CURLM* const multi_;
  const int epoll_fd_;
  int wake_fd_ = -1;
  int running_ = 0;
  std::optional<Clock::time_point> timer_;
};

}  // namespace bench

#endif  // BENCH_CURL_EPOLL_DRIVER_H_
