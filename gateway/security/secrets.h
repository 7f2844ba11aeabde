// The gateway's own secrets, read at start-up (and, for the key, again on
// rotation): the api.video API key and the page-token signing secret. Error
// messages name where a secret was looked for, never the secret.

#ifndef GATEWAY_SECURITY_SECRETS_H_
#define GATEWAY_SECURITY_SECRETS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway::security {

// The environment variable the API key is read from.
inline constexpr char kApiKeyEnvironmentVariable[] = "APIVIDEO_API_KEY";

// The api.video key: the contents of `key_file` if it is not empty, else
// `env_value` (the environment variable's value, or null). Surrounding
// whitespace is dropped; a key with control characters (it goes into an
// HTTP header) is refused.
absl::StatusOr<std::string> LoadApiKey(absl::string_view key_file,
                                       const char* env_value);

// The secret page tokens are signed with, from `file`: surrounding
// whitespace dropped, at least 16 bytes left.
absl::StatusOr<std::string> LoadPageTokenSecret(absl::string_view file);

// The password of the Redis server the replicas share state through, from
// `file`: surrounding whitespace dropped; empty or with control characters
// (it goes into a command line of the protocol) is refused.
absl::StatusOr<std::string> LoadRedisPassword(absl::string_view file);

}  // namespace gateway::security

#endif  // GATEWAY_SECURITY_SECRETS_H_
