#include "gateway/app/build_info.h"

#include <dlfcn.h>
#include <sys/types.h>

#include <cstddef>

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

std::string MallocText() {
  // Looked up rather than linked: the binary links jemalloc, the tests and
  // sanitized builds do not (gateway/app/CMakeLists.txt).
  using Mallctl = int (*)(const char*, void*, std::size_t*, void*, std::size_t);
  auto* mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  if (mallctl == nullptr) return "malloc: the C library's";
  const char* version = nullptr;
  std::size_t version_size = sizeof(version);
  ssize_t dirty_decay_ms = 0;
  std::size_t decay_size = sizeof(dirty_decay_ms);
  if (mallctl("version", &version, &version_size, nullptr, 0) != 0 ||
      mallctl("opt.dirty_decay_ms", &dirty_decay_ms, &decay_size, nullptr, 0) !=
          0) {
    return "malloc: jemalloc";
  }
  return absl::StrCat("malloc: jemalloc ", version, " (dirty_decay_ms ",
                      dirty_decay_ms, ")");
}

std::string VersionText() {
  const BuildInfo& info = GetBuildInfo();
  return absl::StrCat(
      "upload_token_gateway ", info.version, " (commit ", info.commit, ", ",
      info.build_type, ")\n", "gRPC ", grpc::Version(), "\n", "Protobuf ",
      google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION), "\n",
      "libcurl ", curl_version_info(CURLVERSION_NOW)->version, "\n",
      MallocText(), "\n");
}

}  // namespace gateway::app
