#include "gateway/security/caller_policy_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"

namespace gateway::security {

absl::StatusOr<std::unique_ptr<CallerPolicyStore>> CallerPolicyStore::Load(
    std::vector<std::string> allowed_clients, std::string caller_tokens_file) {
  absl::StatusOr<CallerPolicy> policy =
      CallerPolicy::Load(allowed_clients, caller_tokens_file);
  if (!policy.ok()) return policy.status();
  return std::unique_ptr<CallerPolicyStore>(
      new CallerPolicyStore(std::move(allowed_clients),
                            std::move(caller_tokens_file), *std::move(policy)));
}

CallerPolicyStore::CallerPolicyStore(std::vector<std::string> allowed_clients,
                                     std::string caller_tokens_file,
                                     CallerPolicy policy)
    : allowed_clients_(std::move(allowed_clients)),
      caller_tokens_file_(std::move(caller_tokens_file)),
      policy_(std::make_shared<const CallerPolicy>(std::move(policy))) {}

CallerPolicyStore::CallerPolicyStore(CallerPolicy policy)
    : CallerPolicyStore({}, "", std::move(policy)) {}

void CallerPolicyStore::Replace(CallerPolicy policy) {
  auto in_use = std::make_shared<const CallerPolicy>(std::move(policy));
  absl::MutexLock lock(&mu_);
  policy_ = std::move(in_use);
}

std::shared_ptr<const CallerPolicy> CallerPolicyStore::Get() const {
  absl::MutexLock lock(&mu_);
  return policy_;
}

absl::Status CallerPolicyStore::ReloadCallerTokens() {
  if (caller_tokens_file_.empty()) {
    return absl::FailedPreconditionError("no --caller_tokens_file to reload");
  }
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> hashes =
      CallerPolicy::ReadCallerTokensFile(caller_tokens_file_);
  if (!hashes.ok()) return hashes.status();
  if (hashes->empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--caller_tokens_file ", caller_tokens_file_,
                     " holds no tokens, which would let every caller in"));
  }
  const std::size_t count = hashes->size();
  Replace(CallerPolicy(allowed_clients_, *std::move(hashes)));
  LogInfo(absl::StrCat("--caller_tokens_file ", caller_tokens_file_,
                       " changed: ", count, " caller tokens from now on"));
  return absl::OkStatus();
}

}  // namespace gateway::security
