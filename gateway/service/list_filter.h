// The `filter` of ListUploadTokens: the subset of AIP-160 the gateway
// understands.
//
//   ""                     every token
//   creator = "web"        the tokens the caller "web" created through the
//                          gateway
//   creator = ""           the tokens of no known creator (created outside
//                          the gateway, or before it kept creators)
//
// Spaces around the tokens are free; the name is a double-quoted string in
// which \" and \\ stand for a quote and a backslash.

#ifndef GATEWAY_SERVICE_LIST_FILTER_H_
#define GATEWAY_SERVICE_LIST_FILTER_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway::service {

struct ListFilter {
  // The creator asked for; unset: every token; empty: no known creator.
  std::optional<std::string> creator;
  // The filter written one way, for page tokens: "" or `creator = "web"`.
  std::string normalized;
};

// The filter `text` means, or why it is not one: a description for a
// BadRequest violation on `filter`.
absl::StatusOr<ListFilter> ParseListFilter(absl::string_view text);

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_LIST_FILTER_H_
