#include "upload_token_client/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace upload_token_client {

std::string DefaultServiceConfigJson() {
  // gRPC's retry policy (gRFC A6). The backoff spans ~0.1 s to 1 s: long
  // enough for a Service's endpoints to drop a replica that went away.
  return R"json({
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [
      {"service": "apivideo.uploadtokens.v1.UploadTokenService",
       "method": "GetUploadToken"},
      {"service": "apivideo.uploadtokens.v1.UploadTokenService",
       "method": "ListUploadTokens"}
    ],
    "retryPolicy": {
      "maxAttempts": 3,
      "initialBackoff": "0.1s",
      "maxBackoff": "1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})json";
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ChannelOptions& options) {
  if (options.target.empty()) {
    return absl::InvalidArgumentError("the channel needs a target");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.tls) {
    const TlsOptions& tls = *options.tls;
    if (tls.client_certificate_chain_pem.empty() !=
        tls.client_private_key_pem.empty()) {
      return absl::InvalidArgumentError(
          "mTLS needs both the client certificate chain and its private key");
    }
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls.root_certificates_pem;
    ssl.pem_cert_chain = tls.client_certificate_chain_pem;
    ssl.pem_private_key = tls.client_private_key_pem;
    credentials = grpc::SslCredentials(ssl);
    if (!options.bearer_token.empty()) {
      credentials = grpc::CompositeChannelCredentials(
          credentials, grpc::AccessTokenCredentials(options.bearer_token));
    }
  } else {
    if (!options.bearer_token.empty()) {
      return absl::InvalidArgumentError(
          "a bearer token is sent only over TLS: set ChannelOptions::tls");
    }
    credentials = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments arguments;
  arguments.SetServiceConfigJSON(DefaultServiceConfigJson());
  // A service config published in DNS TXT records must not replace ours.
  arguments.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
  return grpc::CreateCustomChannel(options.target, credentials, arguments);
}

absl::StatusOr<std::string> ReadPemFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error = errno;
    std::string message =
        absl::StrCat("cannot read ", path, ": ", std::strerror(error));
    return error == EACCES ? absl::PermissionDeniedError(message)
                           : absl::NotFoundError(message);
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

}  // namespace upload_token_client
