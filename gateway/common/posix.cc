#include "gateway/common/posix.h"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace gateway {

absl::Status ErrnoStatus(absl::StatusCode code, absl::string_view what) {
  const int error = errno;
  return {code, absl::StrCat(
                    what, ": ",
                    std::error_code(error, std::generic_category()).message())};
}

void BlockSigpipeOnThisThread() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

bool WriteFully(int fd, absl::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

}  // namespace gateway
