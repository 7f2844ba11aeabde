#include "gateway/apivideo/upstream_text.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

TEST(QuoteUpstreamText, TextWithinTheLimitIsQuotedWhole) {
  const std::string at_limit(kMaxUpstreamTextBytes, 'a');
  EXPECT_EQ(QuoteUpstreamText(at_limit), at_limit);
  EXPECT_EQ(QuoteUpstreamText("Too many requests."), "Too many requests.");
  EXPECT_EQ(QuoteUpstreamText(""), "");
}

TEST(QuoteUpstreamText, LongerTextKeepsTheLimitAndIsMarked) {
  const std::string text = absl::StrCat(std::string(kMaxUpstreamTextBytes, 'a'),
                                        std::string(1 << 20, 'b'));
  EXPECT_EQ(QuoteUpstreamText(text),
            absl::StrCat(std::string(kMaxUpstreamTextBytes, 'a'),
                         kUpstreamTextCutMarker));
}

TEST(QuoteUpstreamText, CharacterEndingAtTheLimitIsKept) {
  // "é" (2 bytes) fills bytes 255 and 256: the limit ends after it.
  const std::string kept =
      absl::StrCat(std::string(kMaxUpstreamTextBytes - 2, 'a'), "\xc3\xa9");
  EXPECT_EQ(QuoteUpstreamText(absl::StrCat(kept, "zzz")),
            absl::StrCat(kept, kUpstreamTextCutMarker));
}

TEST(QuoteUpstreamText, TextThatIsNotUtf8IsCutAtTheLimit) {
  const std::string text(kMaxUpstreamTextBytes + 10, '\x80');
  EXPECT_EQ(QuoteUpstreamText(text),
            absl::StrCat(std::string(kMaxUpstreamTextBytes, '\x80'),
                         kUpstreamTextCutMarker));
}

}  // namespace
}  // namespace gateway::apivideo
