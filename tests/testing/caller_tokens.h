// Callers told apart by caller tokens (--caller_tokens_file), for the
// integration tests of how the gateway shares the account among them.

#ifndef TESTS_TESTING_CALLER_TOKENS_H_
#define TESTS_TESTING_CALLER_TOKENS_H_

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/security/caller_policy.h"
#include "grpcpp/client_context.h"

namespace testing_support {

// Writes a --caller_tokens_file naming each (caller, token) pair.
inline void WriteCallerTokensFile(
    const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& callers) {
  std::ofstream file(path);
  for (const auto& [name, token] : callers) {
    file << name << " " << gateway::security::Sha256Hex(token) << "\n";
  }
}

// The call comes from the caller whose token is `caller_token`.
inline void Authenticate(grpc::ClientContext& context,
                         const std::string& caller_token) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", caller_token));
}

}  // namespace testing_support

#endif  // TESTS_TESTING_CALLER_TOKENS_H_
