#include "gateway/config/caller_weights_file.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/config_lines.h"
#include "gateway/common/files.h"

namespace gateway::config {

absl::StatusOr<absl::flat_hash_map<std::string, double>> ReadCallerWeightsFile(
    absl::string_view path) {
  absl::StatusOr<std::string> contents =
      ReadFile(path, "--caller_weights_file");
  if (!contents.ok()) return contents.status();
  absl::flat_hash_map<std::string, double> weights;
  for (const ConfigLine& line : ConfigLines(*contents)) {
    double weight = 0;
    // Weights far from 1 would let one caller's virtual time race ahead of
    // the others' by more than a double tells apart: keep them sane.
    if (line.fields.size() != 2 || !absl::SimpleAtod(line.fields[1], &weight) ||
        !std::isfinite(weight) || weight < 0.001 || weight > 1000) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ":", line.number,
                       ": expected \"<caller> <weight>\", the weight a number "
                       "from 0.001 to 1000"));
    }
    if (!weights.emplace(std::string(line.fields[0]), weight).second) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ":", line.number, ": caller \"", line.fields[0],
                       "\" listed twice"));
    }
  }
  return weights;
}

}  // namespace gateway::config
