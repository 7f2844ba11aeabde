#include "gateway/common/config_lines.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace gateway {

std::vector<ConfigLine> ConfigLines(absl::string_view contents) {
  std::vector<ConfigLine> lines;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++number;
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || absl::StartsWith(text, "#")) continue;
    lines.push_back({number, absl::StrSplit(text, absl::ByAnyChar(" \t"),
                                            absl::SkipEmpty())});
  }
  return lines;
}

}  // namespace gateway
