// The upstream URLs of the upload-token operations, built only from checked
// parts: a base URL accepted by ParseBaseUrl, fixed path segments, escaped
// tokens and numbers.

#ifndef GATEWAY_APIVIDEO_ROUTES_H_
#define GATEWAY_APIVIDEO_ROUTES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway::apivideo {

// An upstream base URL such as "https://ws.api.video", split into checked
// parts. Only http and https; no user info, query or fragment.
struct BaseUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // as written; brackets kept for IPv6 literals
  std::string port;    // empty for the scheme's default
  std::string path;    // "" or "/prefix" without a trailing slash

  // "scheme://host[:port][path]", the prefix of every upstream URL.
  std::string ToString() const;
};

absl::StatusOr<BaseUrl> ParseBaseUrl(absl::string_view url);

enum class SortField { kDefault, kCreatedAt, kTtl };
enum class SortOrder { kAscending, kDescending };

// The query of GET /upload-tokens.
struct ListQuery {
  SortField sort_field = SortField::kDefault;  // kDefault: api.video's order
  SortOrder sort_order = SortOrder::kAscending;
  std::int32_t current_page = 1;  // 1-based
  std::int32_t page_size = 25;    // 1..100
};

// Percent-encodes everything but RFC 3986 unreserved characters, so that the
// result is always exactly one path segment.
std::string EscapePathSegment(absl::string_view segment);

// POST /upload-tokens and GET /upload-tokens without a query.
std::string TokenCollectionUrl(const std::string& base);
// GET /upload-tokens?sortBy=&sortOrder=&currentPage=&pageSize=
std::string ListTokensUrl(const std::string& base, const ListQuery& query);
// GET and DELETE /upload-tokens/{token}
std::string TokenUrl(const std::string& base, absl::string_view token);

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_ROUTES_H_
