// "HOST:PORT" addresses and the loopback rule, in one place: the listen
// addresses of the gRPC and metrics servers, and the authority of the
// upstream's base URL, are all read here.

#ifndef GATEWAY_COMMON_HOST_PORT_H_
#define GATEWAY_COMMON_HOST_PORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway {

struct HostPort {
  // As written, without the brackets of an IPv6 literal: "localhost",
  // "127.0.0.1", "::1", "" (every address, for a listener).
  std::string host;
  int port = 0;
};

// Splits "HOST:PORT" or "[IPV6]:PORT" at the port's colon, keeping brackets,
// into `host` and `port`; `port` is empty when there is no port (a URL's
// authority may have none). Checks nothing else.
void SplitHostPort(absl::string_view address, absl::string_view& host,
                   absl::string_view& port);

// Parses "HOST:PORT" or "[IPV6]:PORT" with a port of 0 to 65535 (0: pick a
// free one). INVALID_ARGUMENT, quoting the address, when it is not one.
absl::StatusOr<HostPort> ParseHostPort(absl::string_view address);

// "host:port", or "[host]:port" for an IPv6 literal.
std::string FormatHostPort(absl::string_view host, int port);

// True for "localhost", 127.0.0.0/8 written as a dotted quad, and ::1, with
// or without brackets. Not for names that merely start like one
// ("127.0.0.1.nip.io" resolves wherever its owner wants).
bool IsLoopbackHost(absl::string_view host);

}  // namespace gateway

#endif  // GATEWAY_COMMON_HOST_PORT_H_
