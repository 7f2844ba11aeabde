// NghttpdServer: runs nghttp2's `nghttpd` (Debian package nghttp2-server) as
// a child process, to test HTTP/2 clients against a real HTTP/2 server:
// cleartext with prior knowledge, or TLS with ALPN. FakeHttpServer speaks
// HTTP/1.1 only. Start() fails with kNotFound where the tool is not installed
// (scripts/install-deps.sh installs it; a test should fail, not skip).

#ifndef GATEWAY_HTTP_TESTING_NGHTTPD_SERVER_H_
#define GATEWAY_HTTP_TESTING_NGHTTPD_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/http/testing/fake_http_server.h"

namespace gateway::http::testing {

class NghttpdServer {
 public:
  // Serves the files under `docroot` on 127.0.0.1 (POST bodies are echoed).
  // Returns once the port accepts connections.
  static absl::StatusOr<std::unique_ptr<NghttpdServer>> Start(
      const std::string& docroot,
      std::optional<FakeHttpServer::TlsFiles> tls = std::nullopt);

  NghttpdServer(const NghttpdServer&) = delete;
  NghttpdServer& operator=(const NghttpdServer&) = delete;

  // Terminates the process and reaps it.
  ~NghttpdServer();

  // "http://127.0.0.1:<port>" (or https) followed by `path`.
  std::string Url(absl::string_view path) const;

 private:
  NghttpdServer(pid_t pid, int port, bool tls)
      : pid_(pid), port_(port), tls_(tls) {}

  const pid_t pid_;
  const int port_;
  const bool tls_;
};

}  // namespace gateway::http::testing

#endif  // GATEWAY_HTTP_TESTING_NGHTTPD_SERVER_H_
