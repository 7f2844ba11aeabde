// ExtraCaCerts: CA certificates read once from a PEM file and added to the
// trust store of every TLS connection libcurl makes, on top of the system
// store. Used by CurlLoop for CurlLoopOptions::ca_file; load it at startup so
// that a bad file is a startup error, not a failure of every request.
//
// Why not CURLOPT_CAINFO: it *replaces* the system store, and we want to add
// a private CA (e.g. a test upstream's) without losing the public ones.

#ifndef GATEWAY_HTTP_EXTRA_CA_CERTS_H_
#define GATEWAY_HTTP_EXTRA_CA_CERTS_H_

#include <curl/curl.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gateway::http {

class ExtraCaCerts {
 public:
  // Reads every certificate in the PEM file at `path`. Fails if the file
  // cannot be read or holds no certificate.
  static absl::StatusOr<std::unique_ptr<ExtraCaCerts>> LoadPemFile(
      const std::string& path);

  ExtraCaCerts(const ExtraCaCerts&) = delete;
  ExtraCaCerts& operator=(const ExtraCaCerts&) = delete;
  ~ExtraCaCerts();

  // Adds the certificates to `ssl_ctx`'s X509 store. Certificates already
  // there are skipped silently (libcurl may hand us a cached, shared store).
  bool AddTo(SSL_CTX* ssl_ctx) const;

  // A CURLOPT_SSL_CTX_FUNCTION; CURLOPT_SSL_CTX_DATA must point to the
  // ExtraCaCerts, which must outlive the transfer.
  static CURLcode SslCtxCallback(CURL* easy, void* ssl_ctx, void* self);

 private:
  ExtraCaCerts() = default;

  std::vector<X509*> certs_;  // Owned.
};

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_EXTRA_CA_CERTS_H_
