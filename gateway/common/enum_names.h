// Enums spelled as words, for flags and log lines: one table of (value,
// name) pairs per enum, and the two directions over it.
//
//   constexpr EnumName<LogFormat> kLogFormatNames[] = {
//       {LogFormat::kText, "text"}, {LogFormat::kJson, "json"}};
//   bool AbslParseFlag(absl::string_view text, LogFormat* format,
//                      std::string* error) {
//     return ParseEnumName(text, kLogFormatNames, format, error);
//   }

#ifndef GATEWAY_COMMON_ENUM_NAMES_H_
#define GATEWAY_COMMON_ENUM_NAMES_H_

#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gateway {

template <typename Enum>
struct EnumName {
  Enum value;
  absl::string_view name;
};

// The name of `value` in `names`; empty if it has none.
template <typename Enum, std::size_t N>
absl::string_view NameOf(Enum value, const EnumName<Enum> (&names)[N]) {
  for (const EnumName<Enum>& entry : names) {
    if (entry.value == value) return entry.name;
  }
  return {};
}

// Sets `value` to the value named `text` and returns true; else sets
// `error` to "must be 'a', 'b' or 'c'" and returns false.
template <typename Enum, std::size_t N>
bool ParseEnumName(absl::string_view text, const EnumName<Enum> (&names)[N],
                   Enum* value, std::string* error) {
  for (const EnumName<Enum>& entry : names) {
    if (entry.name == text) {
      *value = entry.value;
      return true;
    }
  }
  *error = "must be ";
  for (std::size_t i = 0; i < N; ++i) {
    const char* separator = i == 0 ? "" : i + 1 == N ? " or " : ", ";
    absl::StrAppend(error, separator, "'", names[i].name, "'");
  }
  return false;
}

}  // namespace gateway

#endif  // GATEWAY_COMMON_ENUM_NAMES_H_
