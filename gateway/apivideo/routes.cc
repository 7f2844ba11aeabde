#include "gateway/apivideo/routes.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

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

bool IsAllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// A dotted-quad 127.a.b.c. Not merely a "127." prefix: "127.0.0.1.nip.io" is
// a host name that resolves wherever its owner wants.
bool IsIpv4Loopback(absl::string_view host) {
  const std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  if (octets.size() != 4 || octets[0] != "127") return false;
  for (absl::string_view octet : octets) {
    int value = 0;
    if (octet.size() > 3 || !IsAllDigits(octet) ||
        !absl::SimpleAtoi(octet, &value) || value > 255) {
      return false;
    }
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

bool BaseUrl::IsLoopback() const {
  const std::string lower = absl::AsciiStrToLower(host);
  return lower == "localhost" || IsIpv4Loopback(lower) || lower == "[::1]";
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

  // Split host and port, minding IPv6 literals' colons.
  const auto port_colon = authority.rfind(':');
  if (port_colon != absl::string_view::npos &&
      authority.find(']', port_colon) == absl::string_view::npos) {
    parsed.port = std::string(authority.substr(port_colon + 1));
    authority = authority.substr(0, port_colon);
    int port_number = 0;
    // Digits only: SimpleAtoi alone also takes signs and whitespace.
    if (!IsAllDigits(parsed.port) ||
        !absl::SimpleAtoi(parsed.port, &port_number) || port_number < 1 ||
        port_number > 65535) {
      return BadUrl(url, "the port must be a number from 1 to 65535");
    }
  }
  if (!IsHostName(authority) && !IsBracketedIpv6(authority)) {
    return BadUrl(url, "the host name is not valid");
  }
  parsed.host = std::string(authority);

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
