#include "gateway/app/build_info.h"

#include "absl/strings/str_cat.h"
#include "curl/curl.h"
#include "gateway/app/build_info.inc"
#include "google/protobuf/stubs/common.h"
#include "grpcpp/grpcpp.h"

namespace gateway::app {

const BuildInfo& GetBuildInfo() {
  static const BuildInfo kInfo{GATEWAY_VERSION, GATEWAY_COMMIT,
                               GATEWAY_BUILD_TYPE};
  return kInfo;
}

std::string VersionText() {
  const BuildInfo& info = GetBuildInfo();
  return absl::StrCat(
      "upload_token_gateway ", info.version, " (commit ", info.commit, ", ",
      info.build_type, ")\n", "gRPC ", grpc::Version(), "\n", "Protobuf ",
      google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION), "\n",
      "libcurl ", curl_version_info(CURLVERSION_NOW)->version, "\n");
}

}  // namespace gateway::app
