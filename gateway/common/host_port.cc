#include "gateway/common/host_port.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gateway {
namespace {

bool IsAllDigits(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

absl::string_view StripBrackets(absl::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

bool IsIpv4Loopback(absl::string_view host) {
  const std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  if (octets.size() != 4 || octets[0] != "127") return false;
  return std::all_of(octets.begin(), octets.end(), [](absl::string_view octet) {
    int value = 0;
    return octet.size() <= 3 && IsAllDigits(octet) &&
           absl::SimpleAtoi(octet, &value) && value <= 255;
  });
}

}  // namespace

void SplitHostPort(absl::string_view address, absl::string_view& host,
                   absl::string_view& port) {
  const std::size_t colon = address.rfind(':');
  // A colon inside an IPv6 literal's brackets is not the port's.
  if (colon == absl::string_view::npos ||
      address.find(']', colon) != absl::string_view::npos) {
    host = address;
    port = {};
    return;
  }
  host = address.substr(0, colon);
  port = address.substr(colon + 1);
}

absl::StatusOr<HostPort> ParseHostPort(absl::string_view address) {
  absl::string_view host;
  absl::string_view port;
  SplitHostPort(address, host, port);
  HostPort parsed;
  // Digits only: SimpleAtoi alone also takes signs and whitespace.
  if (port.size() > 5 || !IsAllDigits(port) ||
      !absl::SimpleAtoi(port, &parsed.port) || parsed.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", address, "\" is not HOST:PORT with a port from 0 to 65535"));
  }
  const bool bracketed = absl::StartsWith(host, "[");
  host = StripBrackets(host);
  // An IPv6 literal must be bracketed, or its last group would pass for
  // the port.
  if (!bracketed && absl::StrContains(host, ':')) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", address, "\": write an IPv6 address in brackets, [::1]:PORT"));
  }
  parsed.host = std::string(host);
  return parsed;
}

std::string FormatHostPort(absl::string_view host, int port) {
  if (absl::StrContains(host, ':')) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

bool IsLoopbackHost(absl::string_view host) {
  const std::string lower = absl::AsciiStrToLower(StripBrackets(host));
  return lower == "localhost" || lower == "::1" || IsIpv4Loopback(lower);
}

}  // namespace gateway
