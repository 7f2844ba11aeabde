#include "gateway/config/caller_weights_file.h"

#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/common/files.h"

namespace gateway::config {

absl::StatusOr<absl::flat_hash_map<std::string, double>> ReadCallerWeightsFile(
    absl::string_view path) {
  absl::StatusOr<std::string> contents =
      ReadFile(path, "--caller_weights_file");
  if (!contents.ok()) return contents.status();
  absl::flat_hash_map<std::string, double> weights;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(*contents, '\n')) {
    ++number;
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || absl::StartsWith(text, "#")) continue;
    const std::vector<absl::string_view> fields =
        absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    double weight = 0;
    // Weights far from 1 would let one caller's virtual time race ahead of
    // the others' by more than a double tells apart: keep them sane.
    if (fields.size() != 2 || !absl::SimpleAtod(fields[1], &weight) ||
        !std::isfinite(weight) || weight < 0.001 || weight > 1000) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ":", number,
                       ": expected \"<caller> <weight>\", the weight a number "
                       "from 0.001 to 1000"));
    }
    if (!weights.emplace(std::string(fields[0]), weight).second) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, ":", number, ": caller \"", fields[0], "\" listed twice"));
    }
  }
  return weights;
}

}  // namespace gateway::config
