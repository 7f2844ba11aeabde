// JSON string literals, for the few places that write JSON by hand (log
// lines, api.video's auth request bodies) rather than through protobuf.

#ifndef GATEWAY_COMMON_JSON_STRING_H_
#define GATEWAY_COMMON_JSON_STRING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gateway {

// Appends `text` to `out` as a JSON string, quotes included: quotes and
// backslashes escaped, \n \r \t as such, other control characters as
// \u00XX. Bytes that are not valid UTF-8 become U+FFFD, so the result is
// always valid JSON.
void AppendJsonString(std::string& out, absl::string_view text);

// The same as a new string.
std::string JsonString(absl::string_view text);

}  // namespace gateway

#endif  // GATEWAY_COMMON_JSON_STRING_H_
