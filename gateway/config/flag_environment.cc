#include "gateway/config/flag_environment.h"

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/config/flags.h"

namespace gateway::config {

std::string EnvironmentVariableFor(absl::string_view flag) {
  return absl::StrCat(kFlagEnvironmentPrefix, absl::AsciiStrToUpper(flag));
}

absl::StatusOr<FlagEnvironment> ApplyFlagEnvironment(
    const char* const* environment) {
  FlagEnvironment result;
  if (environment == nullptr) return result;
  for (const char* const* entry = environment; *entry != nullptr; ++entry) {
    const absl::string_view text(*entry);
    const std::size_t equals = text.find('=');
    if (equals == absl::string_view::npos) continue;
    const absl::string_view variable = text.substr(0, equals);
    if (!absl::StartsWith(variable, kFlagEnvironmentPrefix)) continue;
    const absl::string_view value = text.substr(equals + 1);
    absl::CommandLineFlag* flag = nullptr;
    // Names are matched exactly: the lower-case spelling of the variable
    // must give a flag whose own variable is this one.
    const std::string name =
        absl::AsciiStrToLower(variable.substr(kFlagEnvironmentPrefix.size()));
    for (absl::CommandLineFlag* candidate : GatewayFlags()) {
      if (candidate->Name() == name &&
          EnvironmentVariableFor(name) == variable) {
        flag = candidate;
        break;
      }
    }
    if (flag == nullptr) {
      result.unknown.emplace_back(variable);
      continue;
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "environment variable ", variable, " (--", name, "): ", error));
    }
    result.applied.push_back(
        FlagFromEnvironment{name, std::string(variable), flag->CurrentValue()});
  }
  return result;
}

}  // namespace gateway::config
