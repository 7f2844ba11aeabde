// EpollSocketSet: which of libcurl's sockets an epoll set watches, and for
// what. CurlLoop forwards libcurl's socket callbacks here.
//
// It keeps a pooled connection's socket in the set between transfers
// ("parked"): libcurl says CURL_POLL_REMOVE when a transfer ends and asks for
// the same socket again when the next transfer reuses the connection, so
// deleting and re-adding it would cost two epoll_ctl calls per request on a
// busy keep-alive connection. Parking is safe only for sockets whose close
// this class hears of, so it applies to the connection sockets opened through
// CURLOPT_OPENSOCKETFUNCTION and closed through CURLOPT_CLOSESOCKETFUNCTION;
// any other socket (the threaded resolver's wake-up pair) leaves the set at
// CURL_POLL_REMOVE, as libcurl may close it without telling anyone.
//
// Not thread-safe: use it on the thread that drives libcurl.

#ifndef GATEWAY_HTTP_EPOLL_SOCKET_SET_H_
#define GATEWAY_HTTP_EPOLL_SOCKET_SET_H_

#include <cstdint>

#include "absl/container/flat_hash_map.h"

namespace gateway::http {

class EpollSocketSet {
 public:
  // `epoll_fd` is not owned and must outlive this object.
  explicit EpollSocketSet(int epoll_fd) : epoll_fd_(epoll_fd) {}

  EpollSocketSet(const EpollSocketSet&) = delete;
  EpollSocketSet& operator=(const EpollSocketSet&) = delete;

  // `fd` was just opened for a connection. Forgets anything known about an
  // earlier socket with the same number.
  void Opened(int fd);
  // `fd`, opened through Opened(), is about to be closed; closing takes it
  // out of the epoll set.
  void Closing(int fd);

  // Watches `fd` for `events` (EPOLLIN and/or EPOLLOUT) from now on. Makes
  // no system call when a parked socket is asked for the events it already
  // has.
  void Watch(int fd, std::uint32_t events);
  // Stops reporting `fd`'s events to libcurl: a connection socket stays in
  // the set, parked; any other socket leaves it.
  void Unwatch(int fd);

  // Whether an event epoll reported for `fd` is for libcurl. A parked socket
  // that becomes ready (the peer closed the idle connection, or wrote to it)
  // is taken out of the set, since a level-triggered set would report it on
  // every turn; libcurl finds out when it next checks the connection.
  bool IsWatched(int fd);

 private:
  struct Socket {
    std::uint32_t events = 0;  // Registered in the epoll set, if in_set.
    bool in_set = false;
    bool parked = false;      // In the set, but not watched.
    bool connection = false;  // Came through Opened(): may be parked.
  };

  const int epoll_fd_;
  absl::flat_hash_map<int, Socket> sockets_;
};

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_EPOLL_SOCKET_SET_H_
