#include "gateway/apivideo/upstream_text.h"

#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"

namespace gateway::apivideo {
namespace {

// A UTF-8 continuation byte: 10xxxxxx.
bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// A UTF-8 character is at most 4 bytes: a lead byte and up to 3
// continuation bytes.
constexpr std::size_t kMaxContinuationBytes = 3;

}  // namespace

std::string QuoteUpstreamText(absl::string_view text) {
  if (text.size() <= kMaxUpstreamTextBytes) return std::string(text);
  // text[cut] is the first byte left out. If it continues a character, the
  // character started before the cut: leave all of it out. Text that is not
  // UTF-8 (more continuation bytes in a row than a character has) is cut
  // where the limit falls.
  std::size_t cut = kMaxUpstreamTextBytes;
  for (std::size_t back = 0;
       back < kMaxContinuationBytes && cut > 0 && IsContinuationByte(text[cut]);
       ++back) {
    --cut;
  }
  if (IsContinuationByte(text[cut])) cut = kMaxUpstreamTextBytes;
  return absl::StrCat(text.substr(0, cut), kUpstreamTextCutMarker);
}

}  // namespace gateway::apivideo
