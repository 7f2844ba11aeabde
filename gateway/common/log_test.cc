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

TEST(FormatLogLine, TextQuotesValuesWithSpacesOrQuotesAndEmptyOnes) {
  const LogField fields[] = {
      {"a", "two words"}, {"b", "say \"hi\""}, {"c", ""}};
  EXPECT_EQ(FormatTextBody("m", fields),
            "m a=\"two words\" b=\"say \\\"hi\\\"\" c=\"\"");
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

TEST(ParseLogLevel, KnowsTheFourLevels) {
  LogLevel level = LogLevel::kInfo;
  EXPECT_TRUE(ParseLogLevel("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_TRUE(ParseLogLevel("error", &level));
  EXPECT_EQ(level, LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("verbose", &level));
}

TEST(ParseLogFormat, KnowsTextAndJson) {
  LogFormat format = LogFormat::kText;
  EXPECT_TRUE(ParseLogFormat("json", &format));
  EXPECT_EQ(format, LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("yaml", &format));
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
