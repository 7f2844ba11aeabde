#include "gateway/common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace gateway {

absl::StatusOr<std::string> ReadFile(absl::string_view path,
                                     absl::string_view what) {
  const auto cannot_read = [&] {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", what, " ", path));
  };
  const int fd = ::open(std::string(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cannot_read();
  std::string contents;
  struct stat info {};
  bool ok = ::fstat(fd, &info) == 0 && !S_ISDIR(info.st_mode);
  if (ok && info.st_size > 0) {
    contents.reserve(static_cast<std::size_t>(info.st_size));
  }
  char buffer[4096];
  while (ok) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    contents.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (!ok) return cannot_read();
  return contents;
}

}  // namespace gateway
