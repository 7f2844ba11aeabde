// Reads --caller_weights_file: how the account's quota is weighted among
// callers when demand exceeds it (apivideo/quota_steward.h).
//
// One "<caller> <weight>" per line, the caller as the caller policy names it
// (a caller token's name, a client certificate's SAN, or "anonymous"), the
// weight a positive number (1 for callers not listed). Blank lines and lines
// starting with '#' are ignored.
//
//   # billing gets twice the share of anyone else
//   billing 2
//   batch-reports 0.5

#ifndef GATEWAY_CONFIG_CALLER_WEIGHTS_FILE_H_
#define GATEWAY_CONFIG_CALLER_WEIGHTS_FILE_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway::config {

// The weights in `path`, or FAILED_PRECONDITION naming the file and line.
absl::StatusOr<absl::flat_hash_map<std::string, double>> ReadCallerWeightsFile(
    absl::string_view path);

}  // namespace gateway::config

#endif  // GATEWAY_CONFIG_CALLER_WEIGHTS_FILE_H_
