// Minimal leveled logging to stderr, one line per call (this Abseil has no
// absl/log). Lines are written with a single write(2), so lines from
// different threads never interleave. Never pass secrets.

#ifndef GATEWAY_LOG_H_
#define GATEWAY_LOG_H_

#include "absl/strings/string_view.h"

namespace gateway {

enum class LogLevel { kInfo, kWarning, kError };

// "2026-11-28T03:59:07.123Z I message\n" on stderr.
void Log(LogLevel level, absl::string_view message);

inline void LogInfo(absl::string_view message) {
  Log(LogLevel::kInfo, message);
}
inline void LogWarning(absl::string_view message) {
  Log(LogLevel::kWarning, message);
}
inline void LogError(absl::string_view message) {
  Log(LogLevel::kError, message);
}

}  // namespace gateway

#endif  // GATEWAY_LOG_H_
