// Flags from the environment, 12-factor style. Every flag of the gateway's
// own (flags.h) can also be set by an environment variable whose name is
// derived from the flag's: the prefix UPLOAD_TOKEN_GATEWAY_ and the flag's
// name in upper case (--log_level: UPLOAD_TOKEN_GATEWAY_LOG_LEVEL).
//
// Apply the environment before absl::ParseCommandLine: the command line (and
// a --flagfile it names) then overrides it, so a flag beats the environment,
// which beats the default. A prefixed variable that names no flag is
// reported, not refused: Kubernetes' service links put variables such as
// UPLOAD_TOKEN_GATEWAY_SERVICE_HOST into pods of a namespace that has a
// Service of that name.

#ifndef GATEWAY_CONFIG_FLAG_ENVIRONMENT_H_
#define GATEWAY_CONFIG_FLAG_ENVIRONMENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway::config {

inline constexpr absl::string_view kFlagEnvironmentPrefix =
    "UPLOAD_TOKEN_GATEWAY_";

// The environment variable that sets `flag`.
std::string EnvironmentVariableFor(absl::string_view flag);

struct FlagFromEnvironment {
  std::string flag;
  std::string variable;
  // The flag's value as the variable set it (the flag's own text form).
  std::string value;
};

struct FlagEnvironment {
  // In the order of the environment.
  std::vector<FlagFromEnvironment> applied;
  // Variables with the prefix that name no flag of the gateway's.
  std::vector<std::string> unknown;
};

// Sets the gateway's flags from `environment`, a null-terminated array of
// "NAME=value" entries (as `environ`). INVALID_ARGUMENT, naming the variable
// and what the flag accepts, when a value does not parse; flags set before
// the failure keep their new values (start-up stops anyway).
absl::StatusOr<FlagEnvironment> ApplyFlagEnvironment(
    const char* const* environment);

}  // namespace gateway::config

#endif  // GATEWAY_CONFIG_FLAG_ENVIRONMENT_H_
