// Start-up settings that need checking before anything runs: the api.video
// key and the upstream base URL.

#ifndef GATEWAY_SETTINGS_H_
#define GATEWAY_SETTINGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/apivideo/routes.h"

namespace gateway {

// The environment variable the API key is read from.
inline constexpr char kApiKeyEnvironmentVariable[] = "APIVIDEO_API_KEY";

// The api.video key: the contents of `key_file` if it is not empty, else
// `env_value` (the environment variable's value, or null). Surrounding
// whitespace is dropped. Error messages never contain the key.
absl::StatusOr<std::string> LoadApiKey(absl::string_view key_file,
                                       const char* env_value);

// The secret page tokens are signed with, from `file`: surrounding
// whitespace dropped, at least 16 bytes left. Error messages never contain
// it.
absl::StatusOr<std::string> LoadPageTokenSecret(absl::string_view file);

// Parses the upstream base URL and applies the transport rule: https always;
// plain http only to a loopback host, or anywhere when `allow_plaintext` is
// set (the API key would then cross the network readable by anyone on the
// path). `warning` receives a line to log when plain http is used.
absl::StatusOr<apivideo::BaseUrl> CheckUpstreamUrl(absl::string_view url,
                                                   bool allow_plaintext,
                                                   std::string& warning);

}  // namespace gateway

#endif  // GATEWAY_SETTINGS_H_
