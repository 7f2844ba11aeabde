// Each caller's rules on upload tokens (--caller_policy_file), and the
// decisions that depend on a request alone.
//
// The file holds a CallerPolicies message (caller_policies.proto) in text
// format. A caller's entry takes every field it leaves unset from
// default_policy; a caller not listed gets default_policy. What default
// policy leaves unset restricts nothing:
//   - max_ttl_seconds: no maximum;
//   - allow_no_expiry: true, unless a maximum applies (a maximum means that
//     tokens expire; `allow_no_expiry: true` lets a caller have both);
//   - default_ttl_seconds: the maximum when one applies, else 0;
//   - creates_per_minute, max_live_tokens: no limit (0 says the same);
//   - read_only: false; others: READ.
// Without a file (CallerRules()), every caller may do anything, others'
// tokens included: the gateway as it was before governance.
//
// Refusals carry the gateway's ErrorInfo (common/status_details.h) and name
// the caller and the limit, never a secret.

#ifndef GATEWAY_GOVERNANCE_CALLER_RULES_H_
#define GATEWAY_GOVERNANCE_CALLER_RULES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway::governance {

// What a caller may do with tokens it did not create.
enum class OthersAccess { kNone, kRead, kDelete };

// The rules of one caller, inheritance and defaults applied.
struct CallerLimits {
  // The longest ttl it may ask for; unset: no maximum.
  std::optional<std::int32_t> max_ttl_seconds;
  // The ttl of a Create that sets none; 0: never expires.
  std::int32_t default_ttl_seconds = 0;
  bool allow_no_expiry = true;
  // 0: no limit.
  int creates_per_minute = 0;
  int max_live_tokens = 0;
  bool read_only = false;
  OthersAccess others = OthersAccess::kDelete;
};

class CallerRules {
 public:
  // No file: every caller may do anything.
  CallerRules() = default;

  // The rules of a policy file's `text`; `source` names it in errors. A
  // text that does not parse, or whose values contradict each other, is
  // FAILED_PRECONDITION "caller policy file <source>:<line>:<column>: ...".
  static absl::StatusOr<CallerRules> Parse(absl::string_view text,
                                           absl::string_view source);
  // Parse of the file at `path`.
  static absl::StatusOr<CallerRules> Load(const std::string& path);

  // The rules of `caller`.
  const CallerLimits& For(absl::string_view caller) const;

 private:
  CallerLimits default_limits_;
  absl::flat_hash_map<std::string, CallerLimits> callers_;
};

// The ttl a Create by `caller` gets: `requested`, or the caller's default
// when unset. A ttl above the caller's maximum, or 0 when its tokens must
// expire, is INVALID_ARGUMENT (reason TTL_NOT_ALLOWED, a BadRequest on
// `ttl` naming the limit).
absl::StatusOr<std::int32_t> ResolveTtl(const CallerLimits& limits,
                                        absl::string_view caller,
                                        std::optional<std::int32_t> requested);

// PERMISSION_DENIED (CALLER_READ_ONLY) when a read-only caller calls `rpc`,
// which writes.
absl::Status CheckMayWrite(const CallerLimits& limits, absl::string_view caller,
                           absl::string_view rpc);

enum class TokenAccess { kRead, kDelete };

// Whether `caller` may read or delete `token`, created by `creator` (unset:
// not known, i.e. not created by the caller through the gateway): always
// its own; another's as far as `others` allows. PERMISSION_DENIED
// (NOT_TOKEN_CREATOR, a ResourceInfo naming the token and its creator)
// otherwise.
absl::Status CheckTokenAccess(const CallerLimits& limits,
                              absl::string_view caller, TokenAccess access,
                              absl::string_view token,
                              std::optional<absl::string_view> creator);

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_CALLER_RULES_H_
