#include "gateway/common/log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gateway/common/batched_line_writer.h"
#include "gateway/common/enum_names.h"
#include "gateway/common/json_string.h"
#include "gateway/common/posix.h"

namespace gateway {
namespace {

std::atomic<LogFormat> log_format{LogFormat::kText};
std::atomic<LogLevel> min_log_level{LogLevel::kInfo};
// Set by SetLogFlushInterval; never destroyed, since threads may log until
// the process ends.
std::atomic<BatchedLineWriter*> batched_writer{nullptr};

constexpr EnumName<LogLevel> kLevelNames[] = {{LogLevel::kDebug, "debug"},
                                              {LogLevel::kInfo, "info"},
                                              {LogLevel::kWarning, "warning"},
                                              {LogLevel::kError, "error"}};

constexpr EnumName<LogFormat> kFormatNames[] = {{LogFormat::kText, "text"},
                                                {LogFormat::kJson, "json"}};

absl::string_view LevelName(LogLevel level) {
  return NameOf(level, kLevelNames);
}

// The text format's one-letter level: D, I, W or E.
char LevelLetter(LogLevel level) {
  const absl::string_view name = LevelName(level);
  return name.empty() ? '?' : absl::ascii_toupper(name.front());
}

// C0 controls (\n, \r, ESC, ...) and DEL: bytes that could end a text line
// or rewrite it on a terminal.
bool IsControlByte(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool NeedsQuotes(absl::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

LogField::LogField(absl::string_view key, std::int64_t number)
    : key(key), value(absl::StrCat(number)), is_number(true) {}

bool AbslParseFlag(absl::string_view text, LogLevel* level,
                   std::string* error) {
  return ParseEnumName(text, kLevelNames, level, error);
}

std::string AbslUnparseFlag(LogLevel level) {
  return std::string(LevelName(level));
}

bool AbslParseFlag(absl::string_view text, LogFormat* format,
                   std::string* error) {
  return ParseEnumName(text, kFormatNames, format, error);
}

std::string AbslUnparseFlag(LogFormat format) {
  return std::string(NameOf(format, kFormatNames));
}

void SetLogFormat(LogFormat format) { log_format.store(format); }
void SetMinLogLevel(LogLevel level) { min_log_level.store(level); }

bool LogEnabled(LogLevel level) {
  return level >= min_log_level.load(std::memory_order_relaxed);
}

namespace {

// Room for a whole access-log line, so that building one (for every call)
// allocates once.
constexpr std::size_t kTypicalLineSize = 256;

void AppendTextBody(std::string& out, absl::string_view message,
                    absl::Span<const LogField> fields) {
  if (std::any_of(message.begin(), message.end(),
                  [](unsigned char c) { return IsControlByte(c); })) {
    // A message may quote upstream text: escaped, it cannot forge lines.
    out += absl::Utf8SafeCEscape(message);
  } else {
    out.append(message.data(), message.size());
  }
  for (const LogField& field : fields) {
    absl::StrAppend(&out, " ", field.key, "=");
    if (!field.is_number && NeedsQuotes(field.value)) {
      AppendJsonString(out, field.value);
    } else {
      out += field.value;
    }
  }
}

// The line's time, e.g. "2026-11-28T03:59:07.123Z". absl::FormatTime costs
// more than the rest of an access-log line, and what it makes changes once
// a second, so each thread keeps the text of the last second it formatted.
void AppendTimestamp(std::string& out, absl::Time time) {
  thread_local std::int64_t cached_second =
      std::numeric_limits<std::int64_t>::min();
  thread_local std::string cached_text;                  // To the second.
  const std::int64_t millis = absl::ToUnixMillis(time);  // Rounded down.
  const std::int64_t second = millis / 1000 - (millis % 1000 < 0 ? 1 : 0);
  if (second != cached_second) {
    cached_text =
        absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second),
                         absl::UTCTimeZone());
    cached_second = second;
  }
  const auto milli = static_cast<int>(millis - second * 1000);
  out += cached_text;
  out += '.';
  out += static_cast<char>('0' + milli / 100);
  out += static_cast<char>('0' + milli / 10 % 10);
  out += static_cast<char>('0' + milli % 10);
  out += 'Z';
}

}  // namespace

std::string FormatTextBody(absl::string_view message,
                           absl::Span<const LogField> fields) {
  std::string body;
  body.reserve(kTypicalLineSize);
  AppendTextBody(body, message, fields);
  return body;
}

std::string FormatLogLine(LogFormat format, absl::Time time, LogLevel level,
                          absl::string_view message,
                          absl::Span<const LogField> fields) {
  std::string line;
  line.reserve(kTypicalLineSize);
  if (format == LogFormat::kText) {
    AppendTimestamp(line, time);
    line += ' ';
    line += LevelLetter(level);
    line += ' ';
    AppendTextBody(line, message, fields);
    return line;
  }
  line += R"({"time":")";
  AppendTimestamp(line, time);
  absl::StrAppend(&line, R"(","level":")", LevelName(level), R"(","msg":)");
  AppendJsonString(line, message);
  for (const LogField& field : fields) {
    line += ',';
    AppendJsonString(line, field.key);
    line += ':';
    if (field.is_number) {
      line += field.value;
    } else {
      AppendJsonString(line, field.value);
    }
  }
  line += '}';
  return line;
}

namespace {

// Lines written at once: someone may be waiting for them.
bool IsUrgent(LogLevel level) { return level >= LogLevel::kWarning; }

void Write(LogLevel level, absl::string_view message,
           absl::Span<const LogField> fields, bool urgent) {
  std::string line = FormatLogLine(log_format.load(std::memory_order_relaxed),
                                   absl::Now(), level, message, fields);
  line += '\n';
  if (BatchedLineWriter* writer =
          batched_writer.load(std::memory_order_acquire)) {
    if (urgent) {
      writer->WriteNow(line);
    } else {
      writer->Append(line);
    }
    return;
  }
  // Best effort: nothing useful can be done if stderr is gone.
  WriteFully(STDERR_FILENO, line);
}

}  // namespace

void Log(LogLevel level, absl::string_view message,
         absl::Span<const LogField> fields) {
  if (LogEnabled(level)) Write(level, message, fields, IsUrgent(level));
}

void LogLifecycle(absl::string_view message) {
  Write(LogLevel::kInfo, message, {}, /*urgent=*/true);
}

void SetLogFlushInterval(absl::Duration interval) {
  if (interval <= absl::ZeroDuration() ||
      batched_writer.load(std::memory_order_acquire) != nullptr) {
    return;
  }
  batched_writer.store(new BatchedLineWriter(STDERR_FILENO, interval),
                       std::memory_order_release);
  std::atexit(FlushLog);
}

void FlushLog() {
  if (BatchedLineWriter* writer =
          batched_writer.load(std::memory_order_acquire)) {
    writer->Flush();
  }
}

}  // namespace gateway
