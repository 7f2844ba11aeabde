// Which build of the gateway this is: the version (the VERSION file), the
// git commit it was built from and the build type, all set at build time
// (cmake/WriteBuildInfo.cmake; gateway/app/BUILD for Bazel), and the
// versions of the libraries that matter most when reading a bug report.
// Shown by --version, the start-up log line and gateway_build_info.

#ifndef GATEWAY_APP_BUILD_INFO_H_
#define GATEWAY_APP_BUILD_INFO_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gateway::app {

struct BuildInfo {
  absl::string_view version;  // "1.1.0"
  absl::string_view commit;   // a short hash, maybe "-dirty"; or "unknown"
  absl::string_view build_type;
};

const BuildInfo& GetBuildInfo();

// The allocator this process runs on: "malloc: jemalloc 5.3.0-...
// (dirty_decay_ms 1000)" (the binary), or "malloc: the C library's".
std::string MallocText();

// What --version prints: the build, then gRPC's, Protobuf's and libcurl's
// versions, then MallocText(), one a line.
std::string VersionText();

}  // namespace gateway::app

#endif  // GATEWAY_APP_BUILD_INFO_H_
