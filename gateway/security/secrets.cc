#include "gateway/security/secrets.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/files.h"

namespace gateway::security {

absl::StatusOr<std::string> LoadPageTokenSecret(absl::string_view file) {
  absl::StatusOr<std::string> contents =
      ReadFile(file, "--page_token_secret_file");
  if (!contents.ok()) return contents.status();
  std::string secret(absl::StripAsciiWhitespace(*contents));
  // A short secret could be guessed, and page tokens forged offline.
  if (secret.size() < 16) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--page_token_secret_file ", file,
        " must hold at least 16 bytes (e.g. openssl rand -hex 32)"));
  }
  return secret;
}

absl::StatusOr<std::string> LoadRedisPassword(absl::string_view file) {
  absl::StatusOr<std::string> contents =
      ReadFile(file, "--redis_password_file");
  if (!contents.ok()) return contents.status();
  std::string password(absl::StripAsciiWhitespace(*contents));
  if (password.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--redis_password_file ", file, " is empty"));
  }
  for (const char c : password) {
    if (absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--redis_password_file ", file, " holds a control character"));
    }
  }
  return password;
}

absl::StatusOr<std::string> LoadApiKey(absl::string_view key_file,
                                       const char* env_value) {
  std::string key;
  if (!key_file.empty()) {
    absl::StatusOr<std::string> contents = ReadFile(key_file, "--api_key_file");
    if (!contents.ok()) return contents.status();
    key = std::string(absl::StripAsciiWhitespace(*contents));
    if (key.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("--api_key_file ", key_file, " is empty"));
    }
  } else if (env_value != nullptr) {
    key = std::string(absl::StripAsciiWhitespace(env_value));
  }
  if (key.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no api.video API key: set ", kApiKeyEnvironmentVariable,
                     " or pass --api_key_file"));
  }
  for (char c : key) {
    // The key goes into an HTTP header; control characters would break it.
    if (absl::ascii_iscntrl(c)) {
      return absl::FailedPreconditionError(
          "the api.video API key contains control characters");
    }
  }
  return key;
}

}  // namespace gateway::security
