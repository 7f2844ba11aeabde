// Who may call UploadTokenService.
//
// Two optional gates, for deployments with or without mTLS:
//   - an allowlist of client identities, matched against the SANs (DNS names
//     or URIs such as SPIFFE IDs) of the verified client certificate;
//     anyone else gets PERMISSION_DENIED;
//   - caller tokens: each caller sends `authorization: Bearer <token>`, and
//     the gateway knows only the SHA-256 of each token, under a name; a
//     missing or unknown token is UNAUTHENTICATED.
// The caller's name (or matched SAN) goes into the access log. With neither
// gate configured every caller is let in, as "" (anonymous).
//
// The logic works on plain values (PeerIdentity), so it is tested without a
// server; the gRPC edge extracts them from the call.

#ifndef GATEWAY_SECURITY_CALLER_POLICY_H_
#define GATEWAY_SECURITY_CALLER_POLICY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway::security {

// What the transport knows about the peer.
struct PeerIdentity {
  // True when the peer presented a certificate the server verified.
  bool authenticated = false;
  // Its subject alternative names: DNS names and URIs.
  std::vector<std::string> subject_alt_names;
};

class CallerPolicy {
 public:
  // Everyone is let in.
  CallerPolicy() = default;

  // `allowed_clients`: SANs allowed to call (empty: any verified or
  // unverified peer). `caller_token_hashes`: lowercase hex SHA-256 of a token
  // -> the caller's name (empty: no token needed).
  CallerPolicy(
      std::vector<std::string> allowed_clients,
      absl::flat_hash_map<std::string, std::string> caller_token_hashes);

  // The policy of `allowed_clients` and of the caller tokens file at
  // `caller_tokens_file` (none when empty): the gateway's --allowed_clients
  // and --caller_tokens_file.
  static absl::StatusOr<CallerPolicy> Load(
      std::vector<std::string> allowed_clients,
      const std::string& caller_tokens_file);

  // Reads a caller tokens file: one "<name> <sha256 hex>" per line, blank
  // lines and lines starting with '#' ignored. Errors name the file and line,
  // never a token.
  static absl::StatusOr<absl::flat_hash_map<std::string, std::string>>
  ReadCallerTokensFile(const std::string& path);

  // The caller's name for the access log, or PERMISSION_DENIED /
  // UNAUTHENTICATED with an ErrorInfo. `authorization` is the value of the
  // call's `authorization` metadata, if any.
  absl::StatusOr<std::string> Authorize(
      const PeerIdentity& peer,
      std::optional<absl::string_view> authorization) const;

  bool requires_client_identity() const { return !allowed_clients_.empty(); }
  bool requires_caller_token() const { return !token_hashes_.empty(); }

 private:
  absl::flat_hash_set<std::string> allowed_clients_;
  absl::flat_hash_map<std::string, std::string> token_hashes_;
};

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

}  // namespace gateway::security

#endif  // GATEWAY_SECURITY_CALLER_POLICY_H_
