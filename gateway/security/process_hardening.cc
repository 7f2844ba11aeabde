#include "gateway/security/process_hardening.h"

#include <string.h>  // NOLINT(modernize-deprecated-headers): explicit_bzero
#include <sys/resource.h>

#include <cstdlib>

#include "gateway/common/posix.h"

namespace gateway::security {

void WipeEnvironmentVariable(const char* name) {
  char* value = std::getenv(name);
  if (value == nullptr) return;
  // explicit_bzero, unlike memset, is not optimized away.
  explicit_bzero(value, strlen(value));
  unsetenv(name);
}

absl::Status DisableCoreDumps() {
  const rlimit none{0, 0};
  if (setrlimit(RLIMIT_CORE, &none) != 0) {
    return ErrnoStatus(absl::StatusCode::kInternal,
                       "setrlimit(RLIMIT_CORE, 0)");
  }
  return absl::OkStatus();
}

}  // namespace gateway::security
