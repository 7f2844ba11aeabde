#include "gateway/service/list_filter.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace gateway::service {
namespace {

constexpr absl::string_view kExpected =
    "must be empty or 'creator = \"<caller name>\"'";

// Reads a double-quoted string at the start of `text`, moving past it.
std::optional<std::string> ConsumeQuoted(absl::string_view& text) {
  if (!absl::ConsumePrefix(&text, "\"")) return std::nullopt;
  std::string value;
  while (!text.empty()) {
    const char c = text.front();
    text.remove_prefix(1);
    if (c == '"') return value;
    if (c == '\\') {
      if (text.empty() || (text.front() != '"' && text.front() != '\\')) {
        return std::nullopt;
      }
      value.push_back(text.front());
      text.remove_prefix(1);
    } else {
      value.push_back(c);
    }
  }
  return std::nullopt;  // no closing quote
}

}  // namespace

absl::StatusOr<ListFilter> ParseListFilter(absl::string_view text) {
  ListFilter filter;
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return filter;
  if (!absl::ConsumePrefix(&text, "creator")) {
    return absl::InvalidArgumentError(kExpected);
  }
  text = absl::StripLeadingAsciiWhitespace(text);
  if (!absl::ConsumePrefix(&text, "=")) {
    return absl::InvalidArgumentError(kExpected);
  }
  text = absl::StripLeadingAsciiWhitespace(text);
  std::optional<std::string> creator = ConsumeQuoted(text);
  if (!creator.has_value() || !absl::StripAsciiWhitespace(text).empty()) {
    return absl::InvalidArgumentError(kExpected);
  }
  filter.normalized = absl::StrCat(
      "creator = \"",
      absl::StrReplaceAll(*creator, {{"\\", "\\\\"}, {"\"", "\\\""}}), "\"");
  filter.creator = std::move(creator);
  return filter;
}

}  // namespace gateway::service
