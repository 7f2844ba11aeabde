#include "gateway/security/caller_policy.h"

#include <openssl/evp.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/common/config_lines.h"
#include "gateway/common/files.h"
#include "gateway/common/status_details.h"

namespace gateway::security {
namespace {

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

}  // namespace

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{size} * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

CallerPolicy::CallerPolicy(
    std::vector<std::string> allowed_clients,
    absl::flat_hash_map<std::string, std::string> caller_token_hashes)
    : allowed_clients_(allowed_clients.begin(), allowed_clients.end()),
      token_hashes_(std::move(caller_token_hashes)) {}

absl::StatusOr<CallerPolicy> CallerPolicy::Load(
    std::vector<std::string> allowed_clients,
    const std::string& caller_tokens_file) {
  absl::flat_hash_map<std::string, std::string> token_hashes;
  if (!caller_tokens_file.empty()) {
    absl::StatusOr<absl::flat_hash_map<std::string, std::string>> read =
        ReadCallerTokensFile(caller_tokens_file);
    if (!read.ok()) return read.status();
    token_hashes = *std::move(read);
  }
  return CallerPolicy(std::move(allowed_clients), std::move(token_hashes));
}

absl::StatusOr<absl::flat_hash_map<std::string, std::string>>
CallerPolicy::ReadCallerTokensFile(const std::string& path) {
  absl::StatusOr<std::string> contents =
      ReadFile(path, "the caller tokens file");
  if (!contents.ok()) return contents.status();
  absl::flat_hash_map<std::string, std::string> hashes;
  for (const ConfigLine& line : ConfigLines(*contents)) {
    const std::vector<absl::string_view>& fields = line.fields;
    if (fields.size() != 2 || fields[1].size() != 64 ||
        !IsLowerHex(fields[1])) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, ":", line.number,
          ": expected \"<name> <lowercase hex SHA-256 of the token>\""));
    }
    if (!hashes.emplace(std::string(fields[1]), std::string(fields[0]))
             .second) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ":", line.number, ": the same token hash twice"));
    }
  }
  return hashes;
}

absl::StatusOr<std::string> CallerPolicy::Authorize(
    const PeerIdentity& peer,
    std::optional<absl::string_view> authorization) const {
  std::string identity;
  if (!allowed_clients_.empty()) {
    if (peer.authenticated) {
      for (const std::string& san : peer.subject_alt_names) {
        if (allowed_clients_.contains(san)) {
          identity = san;
          break;
        }
      }
    }
    if (identity.empty()) {
      return MakeError(
          absl::StatusCode::kPermissionDenied,
          peer.authenticated
              ? "the client certificate names no identity allowed to call "
                "this service (--allowed_clients)"
              : "this service needs a verified client certificate",
          "CALLER_NOT_ALLOWED");
    }
  }
  if (!token_hashes_.empty()) {
    absl::string_view token;
    if (authorization.has_value()) {
      token = *authorization;
      if (!absl::ConsumePrefix(&token, "Bearer ") &&
          !absl::ConsumePrefix(&token, "bearer ")) {
        token = {};
      }
    }
    if (token.empty()) {
      return MakeError(absl::StatusCode::kUnauthenticated,
                       "send the caller token as 'authorization: Bearer "
                       "<token>' metadata",
                       "CALLER_TOKEN_MISSING");
    }
    const auto found = token_hashes_.find(Sha256Hex(token));
    if (found == token_hashes_.end()) {
      return MakeError(absl::StatusCode::kUnauthenticated,
                       "the caller token is not one this gateway knows",
                       "CALLER_TOKEN_INVALID");
    }
    identity = identity.empty() ? found->second
                                : absl::StrCat(found->second, "@", identity);
  }
  return identity;
}

}  // namespace gateway::security
