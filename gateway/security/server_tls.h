// The gateway's own TLS: server certificates and, for mTLS, the CA that
// client certificates must chain to.

#ifndef GATEWAY_SECURITY_SERVER_TLS_H_
#define GATEWAY_SECURITY_SERVER_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace gateway::security {

struct ServerTlsFiles {
  // PEM certificate chain and private key; both empty: plaintext.
  std::string cert_file;
  std::string key_file;
  // PEM CA bundle. When set, every client must present a certificate that
  // chains to it (mTLS), or the handshake fails.
  std::string client_ca_file;
};

// Plaintext credentials when no certificate is given, TLS (or mTLS)
// otherwise. Errors name the file that could not be used, never its
// contents.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsFiles& files);

}  // namespace gateway::security

#endif  // GATEWAY_SECURITY_SERVER_TLS_H_
