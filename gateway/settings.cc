#include "gateway/settings.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace gateway {

absl::StatusOr<std::string> LoadPageTokenSecret(absl::string_view file) {
  std::ifstream in{std::string(file)};
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read --page_token_secret_file ", file));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  std::string secret(absl::StripAsciiWhitespace(contents.str()));
  // A short secret could be guessed, and page tokens forged offline.
  if (secret.size() < 16) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--page_token_secret_file ", file,
        " must hold at least 16 bytes (e.g. openssl rand -hex 32)"));
  }
  return secret;
}

absl::StatusOr<std::string> LoadApiKey(absl::string_view key_file,
                                       const char* env_value) {
  std::string key;
  if (!key_file.empty()) {
    std::ifstream in{std::string(key_file)};
    if (!in) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read --api_key_file ", key_file));
    }
    std::stringstream contents;
    contents << in.rdbuf();
    key = std::string(absl::StripAsciiWhitespace(contents.str()));
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

absl::StatusOr<apivideo::BaseUrl> CheckUpstreamUrl(absl::string_view url,
                                                   bool allow_plaintext,
                                                   std::string& warning) {
  absl::StatusOr<apivideo::BaseUrl> base = apivideo::ParseBaseUrl(url);
  if (!base.ok()) return base.status();
  if (base->scheme == "http") {
    if (!base->IsLoopback() && !allow_plaintext) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing plain http to ", base->host,
          ": the API key would cross the network unencrypted; use https, "
          "or pass --allow_plaintext_upstream if you really mean it"));
    }
    warning = absl::StrCat("upstream ", base->ToString(),
                           " is plain http: the API key is sent unencrypted");
  }
  return base;
}

}  // namespace gateway
