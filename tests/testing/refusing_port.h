// A loopback port that refuses every connection, for as long as the object
// lives: a TCP socket bound to it and never listening, so the kernel answers
// each connect with a reset (ECONNREFUSED) and no other process can take the
// port meanwhile. Tests that need "nothing answers there" use it instead of
// guessing a port that nothing listens on.

#ifndef TESTS_TESTING_REFUSING_PORT_H_
#define TESTS_TESTING_REFUSING_PORT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace testing_support {

class RefusingPort {
 public:
  static absl::StatusOr<std::unique_ptr<RefusingPort>> Open();
  ~RefusingPort();

  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT".
  std::string url() const;

 private:
  RefusingPort(int fd, int port) : fd_(fd), port_(port) {}

  const int fd_;
  const int port_;
};

}  // namespace testing_support

#endif  // TESTS_TESTING_REFUSING_PORT_H_
