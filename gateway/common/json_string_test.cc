#include "gateway/common/json_string.h"

#include <string>

#include "gtest/gtest.h"

namespace gateway {
namespace {

TEST(JsonString, QuotesPlainText) {
  EXPECT_EQ(JsonString("plain text"), R"("plain text")");
}

TEST(JsonString, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(JsonString(R"(a"b\c)"), R"("a\"b\\c")");
}

TEST(JsonString, EscapesControlCharacters) {
  EXPECT_EQ(JsonString(std::string("\n\r\t\x01\x1f\x7f", 6)),
            R"("\n\r\t\u0001\u001f\u007f")");
  EXPECT_EQ(JsonString(std::string("a\0b", 3)), R"("a\u0000b")");
}

TEST(JsonString, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(JsonString("caf\xc3\xa9 \xff \xed\xa0\x80 \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \\ufffd \\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\"");
}

TEST(JsonString, ReplacesTruncatedAndOverlongSequences) {
  EXPECT_EQ(JsonString("\xc3"), R"("\ufffd")");
  EXPECT_EQ(JsonString("\xc0\xaf"), R"("\ufffd\ufffd")");
  EXPECT_EQ(JsonString("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");
}

TEST(AppendJsonString, AppendsToWhatIsThere) {
  std::string out = "key=";
  AppendJsonString(out, "v");
  EXPECT_EQ(out, R"(key="v")");
}

}  // namespace
}  // namespace gateway
