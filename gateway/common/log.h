// Leveled logging to stderr, one line per call, as text or as JSON (this
// Abseil has no absl/log). A line is written with a single write(2), so
// lines from different threads never interleave. Never pass secrets.
//
// One call is one line whatever the message holds (messages may quote
// api.video's text): JSON escapes every control byte; the text format writes
// a message that holds a C0 control byte (\n, \r, ESC, ...) or DEL C-escaped
// with absl::Utf8SafeCEscape ("\n", "\033"; quotes and backslashes are
// escaped too, UTF-8 is kept), and any other message as it is. Values of
// fields are quoted and escaped when they hold such bytes, in both formats.
//
//   text: 2026-11-28T03:59:07.123Z I rpc method=GetUploadToken code=OK
//   json: {"time":"2026-11-28T03:59:07.123Z","level":"info","msg":"rpc",
//          "method":"GetUploadToken","code":"OK"}

#ifndef GATEWAY_COMMON_LOG_H_
#define GATEWAY_COMMON_LOG_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace gateway {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

// Flag parsing (absl/flags): "debug", "info", "warning", "error"; "text",
// "json". Anything else is refused with `error` saying what is accepted.
bool AbslParseFlag(absl::string_view text, LogLevel* level, std::string* error);
std::string AbslUnparseFlag(LogLevel level);
bool AbslParseFlag(absl::string_view text, LogFormat* format,
                   std::string* error);
std::string AbslUnparseFlag(LogFormat format);

// Set once at start-up, before other threads log. Defaults: text, info.
void SetLogFormat(LogFormat format);
void SetMinLogLevel(LogLevel level);
// Lines at debug and info level (the access log's) wait in memory and are
// written a batch at a time, every `interval` (BatchedLineWriter); warnings,
// errors and LogLifecycle lines are written at once, after whatever waits.
// Zero (the default) writes every line at once. Set once at start-up; what
// waits is written at exit(3) too.
void SetLogFlushInterval(absl::Duration interval);
// Writes the lines that wait, if any, before returning.
void FlushLog();
// Whether a line at `level` would be written.
bool LogEnabled(LogLevel level);

// One named value of a structured line.
struct LogField {
  LogField(absl::string_view key, absl::string_view value)
      : key(key), value(value) {}
  LogField(absl::string_view key, std::int64_t number);
  // A number already formatted, e.g. "1.234": bare in JSON.
  static LogField Number(absl::string_view key, std::string formatted) {
    LogField field(key, absl::string_view());
    field.value = std::move(formatted);
    field.is_number = true;
    return field;
  }

  absl::string_view key;
  std::string value;
  bool is_number = false;
};

void Log(LogLevel level, absl::string_view message,
         absl::Span<const LogField> fields = {});

// For the few lines that mark the process's life (listening, stopped):
// written whatever the minimum level, since scripts and orchestration wait
// for them.
void LogLifecycle(absl::string_view message);

inline void LogInfo(absl::string_view message) {
  Log(LogLevel::kInfo, message);
}
inline void LogWarning(absl::string_view message) {
  Log(LogLevel::kWarning, message);
}
inline void LogError(absl::string_view message) {
  Log(LogLevel::kError, message);
}

// The message and fields as the text format writes them after the time and
// level: "rpc method=GetUploadToken code=OK". A message holding a control
// byte is C-escaped (see the top of this file); a value that is empty or
// holds a space, quote or control byte is quoted.
std::string FormatTextBody(absl::string_view message,
                           absl::Span<const LogField> fields);

// The whole line, without the newline: what Log writes at `time`.
std::string FormatLogLine(LogFormat format, absl::Time time, LogLevel level,
                          absl::string_view message,
                          absl::Span<const LogField> fields);

}  // namespace gateway

#endif  // GATEWAY_COMMON_LOG_H_
