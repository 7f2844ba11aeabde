#include "gateway/config/settings.h"

#include "absl/strings/str_cat.h"

namespace gateway::config {

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

}  // namespace gateway::config
