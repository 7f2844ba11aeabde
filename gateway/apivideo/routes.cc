#include "gateway/apivideo/routes.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gateway/common/host_port.h"

namespace gateway::apivideo {
namespace {

bool IsUnreserved(char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

bool IsHostName(absl::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

bool IsBracketedIpv6(absl::string_view host) {
  if (host.size() < 3 || host.front() != '[' || host.back() != ']') {
    return false;
  }
  for (char c : host.substr(1, host.size() - 2)) {
    if (!absl::ascii_isxdigit(c) && c != ':' && c != '.') return false;
  }
  return true;
}

absl::Status BadUrl(absl::string_view url, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid api.video base URL \"", url, "\": ", why));
}

absl::string_view SortFieldName(SortField field) {
  return field == SortField::kTtl ? "ttl" : "createdAt";
}

}  // namespace

std::string BaseUrl::ToString() const {
  std::string url = absl::StrCat(scheme, "://", host);
  if (!port.empty()) absl::StrAppend(&url, ":", port);
  absl::StrAppend(&url, path);
  return url;
}

absl::StatusOr<BaseUrl> ParseBaseUrl(absl::string_view url) {
  BaseUrl parsed;
  absl::string_view rest = url;
  if (absl::ConsumePrefix(&rest, "https://")) {
    parsed.scheme = "https";
  } else if (absl::ConsumePrefix(&rest, "http://")) {
    parsed.scheme = "http";
  } else {
    return BadUrl(url, "it must start with https:// or http://");
  }
  if (rest.find_first_of("?#@") != absl::string_view::npos) {
    return BadUrl(url, "user info, queries and fragments are not allowed");
  }
  const auto path_start = rest.find('/');
  absl::string_view authority = rest.substr(0, path_start);
  absl::string_view path =
      path_start == absl::string_view::npos ? "" : rest.substr(path_start);

  absl::string_view host;
  absl::string_view port;
  SplitHostPort(authority, host, port);
  if (!port.empty() || authority.size() != host.size()) {
    absl::StatusOr<HostPort> host_port = ParseHostPort(authority);
    if (!host_port.ok() || host_port->port < 1) {
      return BadUrl(url, "the port must be a number from 1 to 65535");
    }
    parsed.port = std::string(port);
  }
  if (!IsHostName(host) && !IsBracketedIpv6(host)) {
    return BadUrl(url, "the host name is not valid");
  }
  parsed.host = std::string(host);

  while (absl::ConsumeSuffix(&path, "/")) {
  }
  for (char c : path) {
    if (!IsUnreserved(c) && c != '/') {
      return BadUrl(url, "the path may hold only letters, digits, '-._~/'");
    }
  }
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment == "." || segment == "..") {
      return BadUrl(url, "the path may not hold '.' or '..' segments");
    }
  }
  parsed.path = std::string(path);
  return parsed;
}

std::string EscapePathSegment(absl::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string escaped;
  escaped.reserve(segment.size());
  for (unsigned char c : segment) {
    if (IsUnreserved(static_cast<char>(c)) && c != '.') {
      escaped.push_back(static_cast<char>(c));
    } else {
      // '.' too, so that "." and ".." can never become dot segments.
      escaped.push_back('%');
      escaped.push_back(kHex[c >> 4]);
      escaped.push_back(kHex[c & 0xF]);
    }
  }
  return escaped;
}

std::string TokenCollectionUrl(const std::string& base) {
  return absl::StrCat(base, "/upload-tokens");
}

std::string ListTokensUrl(const std::string& base, const ListQuery& query) {
  std::string url = absl::StrCat(base, "/upload-tokens?");
  if (query.sort_field != SortField::kDefault) {
    absl::StrAppend(
        &url, "sortBy=", SortFieldName(query.sort_field), "&sortOrder=",
        query.sort_order == SortOrder::kDescending ? "desc" : "asc", "&");
  }
  absl::StrAppend(&url, "currentPage=", query.current_page,
                  "&pageSize=", query.page_size);
  return url;
}

std::string TokenUrl(const std::string& base, absl::string_view token) {
  return absl::StrCat(base, "/upload-tokens/", EscapePathSegment(token));
}

}  // namespace gateway::apivideo
