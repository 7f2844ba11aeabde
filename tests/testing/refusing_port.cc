#include "tests/testing/refusing_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace testing_support {

absl::StatusOr<std::unique_ptr<RefusingPort>> RefusingPort::Open() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): sockets API
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (::bind(fd, generic, sizeof(address)) != 0 ||
      ::getsockname(fd, generic, &length) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd);
    return absl::InternalError(absl::StrCat("bind: ", error));
  }
  return std::unique_ptr<RefusingPort>(
      new RefusingPort(fd, ntohs(address.sin_port)));
}

RefusingPort::~RefusingPort() { ::close(fd_); }

std::string RefusingPort::url() const {
  return absl::StrCat("http://127.0.0.1:", port_);
}

}  // namespace testing_support
