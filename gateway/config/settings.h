// Start-up settings that need checking before anything runs: the upstream
// base URL.

#ifndef GATEWAY_CONFIG_SETTINGS_H_
#define GATEWAY_CONFIG_SETTINGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/apivideo/routes.h"

namespace gateway::config {

// Parses the upstream base URL and applies the transport rule: https always;
// plain http only to a loopback host, or anywhere when `allow_plaintext` is
// set (the API key would then cross the network readable by anyone on the
// path). `warning` receives a line to log when plain http is used.
absl::StatusOr<apivideo::BaseUrl> CheckUpstreamUrl(absl::string_view url,
                                                   bool allow_plaintext,
                                                   std::string& warning);

}  // namespace gateway::config

#endif  // GATEWAY_CONFIG_SETTINGS_H_
