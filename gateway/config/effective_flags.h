// The configuration a gateway runs with, for its start-up log line: every
// flag of the gateway's own with its value, secrets redacted.
//
// No flag holds a secret today: the API key, the page-token secret, the Redis
// password and the callers' bearer tokens are read from files (or the key
// from $APIVIDEO_API_KEY), and only the files' paths are flags. The
// redaction is for what an operator may still put into a value: credentials
// in a URL (https://user:password@host) and any flag whose name ends in
// _password, _secret, _key or _token.

#ifndef GATEWAY_CONFIG_EFFECTIVE_FLAGS_H_
#define GATEWAY_CONFIG_EFFECTIVE_FLAGS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gateway::config {

inline constexpr absl::string_view kRedacted = "REDACTED";

struct EffectiveFlag {
  std::string name;
  // The current value in the flag's text form, redacted.
  std::string value;
};

// Every flag of flags.h, sorted by name.
std::vector<EffectiveFlag> EffectiveFlags();

// `value` of the flag `name` as it may be logged.
std::string RedactFlagValue(absl::string_view name, absl::string_view value);

}  // namespace gateway::config

#endif  // GATEWAY_CONFIG_EFFECTIVE_FLAGS_H_
