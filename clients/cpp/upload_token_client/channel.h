// A channel to the gateway the way the deployment expects one: every replica
// used (round_robin over what the target resolves to, e.g. the headless
// Service's `dns:///…` name), TLS or mTLS, the caller's bearer token on every
// call, and reads retried by gRPC itself when a replica is unavailable.
#ifndef UPLOAD_TOKEN_CLIENT_CHANNEL_H_
#define UPLOAD_TOKEN_CLIENT_CHANNEL_H_

#include <grpcpp/channel.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace upload_token_client {

// PEM text, not file names: ReadPemFile reads a file.
struct TlsOptions {
  // The CAs that may sign the gateway's certificate; empty: the system's.
  std::string root_certificates_pem;
  // For mTLS (the gateway's --client_ca_file): both or neither.
  std::string client_certificate_chain_pem;
  std::string client_private_key_pem;
};

struct ChannelOptions {
  // Where the gateway is: "dns:///upload-token-gateway.ns.svc:50051" (every
  // replica behind a headless Service), "host:port", "unix:/path".
  std::string target;
  // Plaintext when absent: only for a gateway on the same host.
  std::optional<TlsOptions> tls;
  // The caller's token (the gateway's --caller_tokens_file), sent as
  // `authorization: Bearer <token>` on every call. Needs `tls`: a credential
  // is never sent in clear.
  std::string bearer_token;
};

// The service config every channel gets: round_robin, and up to 3 attempts of
// GetUploadToken and ListUploadTokens on UNAVAILABLE (a replica gone or
// restarting). Create, Delete and Purge are not retried here: Create is
// retried by UploadTokenClient with its request_id, which makes a retry safe.
std::string DefaultServiceConfigJson();

// A channel to `options.target`; INVALID_ARGUMENT for options that cannot
// make one (no target, half a client certificate, a token without TLS).
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ChannelOptions& options);

// The contents of a PEM file, or NOT_FOUND / PERMISSION_DENIED naming it.
absl::StatusOr<std::string> ReadPemFile(const std::string& path);

}  // namespace upload_token_client

#endif  // UPLOAD_TOKEN_CLIENT_CHANNEL_H_
