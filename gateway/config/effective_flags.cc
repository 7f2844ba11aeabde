#include "gateway/config/effective_flags.h"

#include "absl/flags/commandlineflag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/config/flags.h"

namespace gateway::config {

std::string RedactFlagValue(absl::string_view name, absl::string_view value) {
  for (absl::string_view secret_suffix :
       {"_password", "_secret", "_key", "_token"}) {
    if (absl::EndsWith(name, secret_suffix) && !value.empty()) {
      return std::string(kRedacted);
    }
  }
  // scheme://user:password@host...: the userinfo goes.
  const std::size_t scheme_end = value.find("://");
  if (scheme_end == absl::string_view::npos) return std::string(value);
  const std::size_t authority = scheme_end + 3;
  const std::size_t authority_end = value.find_first_of("/?#", authority);
  const absl::string_view host_part =
      value.substr(authority, authority_end == absl::string_view::npos
                                  ? absl::string_view::npos
                                  : authority_end - authority);
  const std::size_t at = host_part.rfind('@');
  if (at == absl::string_view::npos) return std::string(value);
  return absl::StrCat(value.substr(0, authority), kRedacted,
                      value.substr(authority + at));
}

std::vector<EffectiveFlag> EffectiveFlags() {
  std::vector<EffectiveFlag> flags;
  for (const absl::CommandLineFlag* flag : GatewayFlags()) {
    flags.push_back(
        EffectiveFlag{std::string(flag->Name()),
                      RedactFlagValue(flag->Name(), flag->CurrentValue())});
  }
  return flags;
}

}  // namespace gateway::config
