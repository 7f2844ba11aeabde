#include "gateway/apivideo/auth.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace gateway::apivideo {

namespace {

std::string BasicHeader(absl::string_view api_key) {
  return absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat(api_key, ":")));
}

}  // namespace

BasicAuthenticator::BasicAuthenticator(absl::string_view api_key)
    : header_value_(BasicHeader(api_key)) {}

void BasicAuthenticator::Authorize(Callback done) {
  std::string header;
  {
    absl::MutexLock lock(&mu_);
    header = header_value_;
  }
  std::move(done)(std::move(header));
}

void BasicAuthenticator::SetApiKey(absl::string_view api_key) {
  std::string header = BasicHeader(api_key);
  absl::MutexLock lock(&mu_);
  header_value_ = std::move(header);
}

}  // namespace gateway::apivideo
