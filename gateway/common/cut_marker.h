// What the gateway appends to text it cut short before quoting it
// (apivideo/upstream_text.h). The secret scrubber looks for the beginning of
// a secret right before it (security/secret_scrubber.h): a cut can fall
// inside a quoted secret, and what is left of it is no longer the whole.

#ifndef GATEWAY_COMMON_CUT_MARKER_H_
#define GATEWAY_COMMON_CUT_MARKER_H_

#include "absl/strings/string_view.h"

namespace gateway {

// Plain ASCII, so that it reads the same in every client and log.
inline constexpr absl::string_view kCutMarker = "...(truncated)";

}  // namespace gateway

#endif  // GATEWAY_COMMON_CUT_MARKER_H_
