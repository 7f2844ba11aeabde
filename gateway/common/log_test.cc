#include "gateway/common/log.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

absl::Time SomeTime() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 28, 3, 59, 7),
                         absl::UTCTimeZone()) +
         absl::Milliseconds(123);
}

TEST(FormatLogLine, TextHasTimeLevelLetterMessageAndFields) {
  const LogField fields[] = {{"method", "Get"}, {"attempts", 2}};
  EXPECT_EQ(FormatLogLine(LogFormat::kText, SomeTime(), LogLevel::kWarning,
                          "rpc", fields),
            "2026-11-28T03:59:07.123Z W rpc method=Get attempts=2");
}

TEST(FormatLogLine, LinesOfOneSecondKeepTheirOwnMilliseconds) {
  const absl::Time second = SomeTime() - absl::Milliseconds(123);
  EXPECT_EQ(FormatLogLine(LogFormat::kText, second + absl::Milliseconds(5),
                          LogLevel::kInfo, "a", {}),
            "2026-11-28T03:59:07.005Z I a");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, second + absl::Milliseconds(999),
                          LogLevel::kInfo, "b", {}),
            "2026-11-28T03:59:07.999Z I b");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, second + absl::Microseconds(1500),
                          LogLevel::kInfo, "c", {}),
            "2026-11-28T03:59:07.001Z I c");
}

TEST(FormatLogLine, NextSecondAndAnEarlierOneAreFormattedAfresh) {
  const absl::Time second = SomeTime() - absl::Milliseconds(123);
  EXPECT_EQ(FormatLogLine(LogFormat::kText, second, LogLevel::kInfo, "a", {}),
            "2026-11-28T03:59:07.000Z I a");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, second + absl::Seconds(1),
                          LogLevel::kInfo, "b", {}),
            "2026-11-28T03:59:08.000Z I b");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, second - absl::Milliseconds(1),
                          LogLevel::kInfo, "c", {}),
            "2026-11-28T03:59:06.999Z I c");
}

TEST(FormatLogLine, TimesBefore1970RoundDownLikeLaterOnes) {
  EXPECT_EQ(
      FormatLogLine(LogFormat::kText, absl::UnixEpoch() - absl::Milliseconds(1),
                    LogLevel::kInfo, "a", {}),
      "1969-12-31T23:59:59.999Z I a");
}

TEST(FormatLogLine, TextQuotesValuesWithSpacesOrQuotesAndEmptyOnes) {
  const LogField fields[] = {
      {"a", "two words"}, {"b", "say \"hi\""}, {"c", ""}};
  EXPECT_EQ(FormatTextBody("m", fields),
            "m a=\"two words\" b=\"say \\\"hi\\\"\" c=\"\"");
}

TEST(FormatLogLine, TextMessageWithLineBreaksStaysOnOneLine) {
  const std::string line =
      FormatLogLine(LogFormat::kText, SomeTime(), LogLevel::kWarning,
                    "upstream said: bad\n2026-11-28T03:59:08.000Z E forged\r"
                    "\x1b[2Jcleared",
                    {});
  EXPECT_EQ(line.find_first_of("\n\r\x1b"), std::string::npos) << line;
  EXPECT_EQ(line,
            "2026-11-28T03:59:07.123Z W upstream said: bad\\n"
            "2026-11-28T03:59:08.000Z E forged\\r\\033[2Jcleared");
}

TEST(FormatLogLine, JsonHasNamedFieldsAndBareNumbers) {
  const LogField fields[] = {{"method", "Get"},
                             {"attempts", 2},
                             LogField::Number("latency_ms", "1.234")};
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, SomeTime(), LogLevel::kInfo, "rpc",
                          fields),
            R"({"time":"2026-11-28T03:59:07.123Z","level":"info","msg":"rpc",)"
            R"("method":"Get","attempts":2,"latency_ms":1.234})");
}

TEST(FormatLogLine, JsonEscapesControlBytesAndQuotes) {
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, SomeTime(), LogLevel::kError,
                          "a\"b\\c\nd\x01", {}),
            R"({"time":"2026-11-28T03:59:07.123Z","level":"error",)"
            R"("msg":"a\"b\\c\nd\u0001"})");
}

TEST(LogLevelFlag, KnowsTheFourLevels) {
  LogLevel level = LogLevel::kInfo;
  std::string error;
  EXPECT_TRUE(AbslParseFlag("debug", &level, &error));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_TRUE(AbslParseFlag("error", &level, &error));
  EXPECT_EQ(level, LogLevel::kError);
  EXPECT_FALSE(AbslParseFlag("verbose", &level, &error));
  EXPECT_EQ(error, "must be 'debug', 'info', 'warning' or 'error'");
}

TEST(LogLevelFlag, PrintsWhatItParses) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning,
                         LogLevel::kError}) {
    LogLevel parsed = LogLevel::kInfo;
    std::string error;
    EXPECT_TRUE(AbslParseFlag(AbslUnparseFlag(level), &parsed, &error));
    EXPECT_EQ(parsed, level);
  }
}

TEST(LogFormatFlag, KnowsTextAndJson) {
  LogFormat format = LogFormat::kText;
  std::string error;
  EXPECT_TRUE(AbslParseFlag("json", &format, &error));
  EXPECT_EQ(format, LogFormat::kJson);
  EXPECT_EQ(AbslUnparseFlag(format), "json");
  EXPECT_FALSE(AbslParseFlag("yaml", &format, &error));
  EXPECT_EQ(error, "must be 'text' or 'json'");
}

TEST(LogEnabled, FollowsTheMinimumLevel) {
  SetMinLogLevel(LogLevel::kWarning);
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  SetMinLogLevel(LogLevel::kInfo);
  EXPECT_TRUE(LogEnabled(LogLevel::kInfo));
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
}

}  // namespace
}  // namespace gateway
