// How much of api.video's own text (a problem's title, detail, type and
// names, a JSON parser's complaint about a body) the gateway quotes.
//
// An error body may be as large as the response cap (1 MiB). Quoted whole, it
// would go into the status message (sent as `grpc-message`) and again into
// the status details (`grpc-status-details-bin`), and a client whose metadata
// limit is 8 KiB (gRPC C-core, Java) would see a transport error instead of
// the status. So every piece of upstream text is cut to at most
// kMaxUpstreamTextBytes where it is quoted, in a message or a detail alike.
//
// The cut falls on a UTF-8 code-point boundary at or before the limit, never
// inside a multibyte character, and is marked by kUpstreamTextCutMarker
// (plain ASCII, so that it reads the same in every client and log): a cut
// piece is at most kMaxUpstreamTextBytes + kUpstreamTextCutMarker.size()
// bytes. Text within the limit is quoted unchanged. Nothing is escaped
// here: the log escapes control bytes when it writes a line (common/log.h).

#ifndef GATEWAY_APIVIDEO_UPSTREAM_TEXT_H_
#define GATEWAY_APIVIDEO_UPSTREAM_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "gateway/common/cut_marker.h"

namespace gateway::apivideo {

// The most bytes of one piece of upstream text that are quoted.
inline constexpr std::size_t kMaxUpstreamTextBytes = 256;

// What a cut piece ends with.
inline constexpr absl::string_view kUpstreamTextCutMarker = kCutMarker;

// `text` if it is at most kMaxUpstreamTextBytes long; otherwise its longest
// prefix of at most that many bytes that ends on a UTF-8 code-point
// boundary, followed by kUpstreamTextCutMarker.
std::string QuoteUpstreamText(absl::string_view text);

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_UPSTREAM_TEXT_H_
