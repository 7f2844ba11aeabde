// The gateway's command-line flags: one flag per setting of GatewayConfig,
// each flag's default read from a default GatewayConfig, so that no default
// is written twice. `upload_token_gateway --helpfull` lists them with their
// defaults; `--flagfile=FILE` reads flags from a file, one per line.

#ifndef GATEWAY_CONFIG_FLAGS_H_
#define GATEWAY_CONFIG_FLAGS_H_

#include "gateway/config/gateway_config.h"

namespace gateway::config {

// The configuration the flags describe. Call after absl::ParseCommandLine;
// check the result with Validate().
GatewayConfig ConfigFromFlags();

}  // namespace gateway::config

#endif  // GATEWAY_CONFIG_FLAGS_H_
