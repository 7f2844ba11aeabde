// The caller policy in use, which a changed --caller_tokens_file replaces
// without a restart (revoking a leaked caller token must not wait for every
// replica to restart).
//
// Calls read the policy through Get(), each holding the policy they started
// with; ReloadCallerTokens() swaps in a new one whole. A tokens file that
// cannot be read, or that lost every token (which would let any caller in),
// leaves the policy in use.

#ifndef GATEWAY_SECURITY_CALLER_POLICY_STORE_H_
#define GATEWAY_SECURITY_CALLER_POLICY_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "gateway/security/caller_policy.h"

namespace gateway::security {

class CallerPolicyStore {
 public:
  // The policy of --allowed_clients and --caller_tokens_file (none when
  // empty), as CallerPolicy::Load reads it.
  static absl::StatusOr<std::unique_ptr<CallerPolicyStore>> Load(
      std::vector<std::string> allowed_clients, std::string caller_tokens_file);

  // A store of `policy`, with no file to reload.
  explicit CallerPolicyStore(CallerPolicy policy);

  // The policy in use. Thread-safe.
  std::shared_ptr<const CallerPolicy> Get() const;

  // Puts `policy` in use. Thread-safe.
  void Replace(CallerPolicy policy);

  // Reads the caller tokens file again and puts the policy it makes in use.
  // Thread-safe.
  absl::Status ReloadCallerTokens();

  const std::string& caller_tokens_file() const { return caller_tokens_file_; }

 private:
  CallerPolicyStore(std::vector<std::string> allowed_clients,
                    std::string caller_tokens_file, CallerPolicy policy);

  const std::vector<std::string> allowed_clients_;
  const std::string caller_tokens_file_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const CallerPolicy> policy_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::security

#endif  // GATEWAY_SECURITY_CALLER_POLICY_STORE_H_
