#include "gateway/http/epoll_socket_set.h"

#include <sys/epoll.h>

#include <cerrno>

namespace gateway::http {

void EpollSocketSet::Opened(int fd) {
  Socket fresh;
  fresh.connection = true;
  sockets_[fd] = fresh;
}

void EpollSocketSet::Closing(int fd) { sockets_.erase(fd); }

void EpollSocketSet::Watch(int fd, std::uint32_t events) {
  Socket& socket = sockets_[fd];
  socket.parked = false;
  if (socket.in_set && socket.events == events) return;
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  const int op = socket.in_set ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(epoll_fd_, op, fd, &event) != 0) {
    // Our view and the kernel's disagree only if a descriptor number was
    // reused behind our back (a socket closed without Closing()): fall back
    // to the other operation.
    if (errno == EEXIST) {
      epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
    } else if (errno == ENOENT) {
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
    }
  }
  socket.in_set = true;
  socket.events = events;
}

void EpollSocketSet::Unwatch(int fd) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) return;
  Socket& socket = it->second;
  if (socket.connection) {
    socket.parked = socket.in_set;
    return;
  }
  // Fails harmlessly if the socket is already closed, which took it out.
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  sockets_.erase(it);
}

bool EpollSocketSet::IsWatched(int fd) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end() || !it->second.parked) return true;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  it->second.in_set = false;
  it->second.parked = false;
  return false;
}

}  // namespace gateway::http
