#include "gateway/common/posix.h"

#include <pthread.h>

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

}  // namespace gateway
