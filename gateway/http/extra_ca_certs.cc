#include "gateway/http/extra_ca_certs.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <memory>
#include <string>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gateway::http {

absl::StatusOr<std::unique_ptr<ExtraCaCerts>> ExtraCaCerts::LoadPemFile(
    const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"),
                                                &BIO_free);
  if (bio == nullptr) {
    ERR_clear_error();
    return absl::NotFoundError(absl::StrCat("cannot read the CA file ", path));
  }
  auto certs = absl::WrapUnique(new ExtraCaCerts());
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs->certs_.push_back(cert);
  }
  // Reading stops with a "no start line" error at the end of the file; any
  // other error means a damaged file.
  const auto error = ERR_peek_last_error();
  ERR_clear_error();
  if (ERR_GET_REASON(error) != PEM_R_NO_START_LINE || certs->certs_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the CA file ", path, " is not a PEM file of certificates"));
  }
  return certs;
}

ExtraCaCerts::~ExtraCaCerts() {
  for (X509* cert : certs_) X509_free(cert);
}

bool ExtraCaCerts::AddTo(SSL_CTX* ssl_ctx) const {
  X509_STORE* store = SSL_CTX_get_cert_store(ssl_ctx);
  if (store == nullptr) return false;
  // OpenSSL >= 1.1.1 returns success for a certificate already present.
  const bool added = std::all_of(
      certs_.begin(), certs_.end(),
      [store](X509* cert) { return X509_STORE_add_cert(store, cert) == 1; });
  if (!added) ERR_clear_error();
  return added;
}

CURLcode ExtraCaCerts::SslCtxCallback(CURL* /*easy*/, void* ssl_ctx,
                                      void* self) {
  return static_cast<const ExtraCaCerts*>(self)->AddTo(
             static_cast<SSL_CTX*>(ssl_ctx))
             ? CURLE_OK
             : CURLE_SSL_CACERT_BADFILE;
}

}  // namespace gateway::http
