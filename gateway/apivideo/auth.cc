#include "gateway/apivideo/auth.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace gateway::apivideo {

BasicAuthenticator::BasicAuthenticator(absl::string_view api_key)
    : header_value_(absl::StrCat(
          "Basic ", absl::Base64Escape(absl::StrCat(api_key, ":")))) {}

void BasicAuthenticator::Authorize(Callback done) {
  std::move(done)(header_value_);
}

}  // namespace gateway::apivideo
