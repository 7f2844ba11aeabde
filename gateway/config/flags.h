// The gateway's command-line flags: one flag per setting of GatewayConfig,
// each flag's default read from a default GatewayConfig, so that no default
// is written twice. `upload_token_gateway --helpfull` lists them with their
// defaults; `--flagfile=FILE` reads flags from a file, one per line. Each
// flag can also come from the environment (flag_environment.h).

#ifndef GATEWAY_CONFIG_FLAGS_H_
#define GATEWAY_CONFIG_FLAGS_H_

#include <vector>

#include "absl/flags/commandlineflag.h"
#include "gateway/config/gateway_config.h"

namespace gateway::config {

// The configuration the flags describe. Call after absl::ParseCommandLine;
// check the result with Validate().
GatewayConfig ConfigFromFlags();

// The flags defined here, the gateway's own (not abseil's --flagfile,
// --help...), sorted by name.
std::vector<absl::CommandLineFlag*> GatewayFlags();

}  // namespace gateway::config

#endif  // GATEWAY_CONFIG_FLAGS_H_
