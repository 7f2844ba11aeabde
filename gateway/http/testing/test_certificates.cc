#include "gateway/http/testing/test_certificates.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gateway::http::testing {
namespace {

// The CA needs CA:TRUE and keyCertSign, or OpenSSL refuses it as an issuer.
constexpr absl::string_view kCaConfig = R"([req]
distinguished_name = dn
prompt = no
[dn]
CN = gateway test CA
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
)";

// libcurl checks the host against subjectAltName, never the CN.
constexpr absl::string_view kServerExtensions =
    "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
    "basicConstraints = CA:FALSE\n"
    "extendedKeyUsage = serverAuth\n";

bool WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream out(path);
  out << contents;
  return static_cast<bool>(out);
}

}  // namespace

absl::StatusOr<TestCertificates> MakeTestCertificates() {
  const char* tmp =
      std::getenv("TEST_TMPDIR");  // NOLINT(concurrency-mt-unsafe)
  std::string pattern =
      absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/test_certs.XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError("mkdtemp failed");
  }
  TestCertificates certs;
  certs.directory = pattern;
  const std::string& dir = certs.directory;
  certs.ca_cert_file = dir + "/ca.pem";
  certs.server_cert_file = dir + "/server.pem";
  certs.server_key_file = dir + "/server.key";
  if (!WriteFile(dir + "/ca.cnf", kCaConfig) ||
      !WriteFile(dir + "/server.ext", kServerExtensions)) {
    return absl::InternalError("cannot write the openssl configuration");
  }

  // P-256 keys: much faster to make than RSA.
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1";
  const std::vector<std::string> commands = {
      absl::StrCat("openssl req -x509 -new -nodes ", key, " -config ", dir,
                   "/ca.cnf -extensions v3_ca -days 2 -keyout ", dir,
                   "/ca.key -out ", certs.ca_cert_file),
      absl::StrCat("openssl req -new -nodes ", key,
                   " -subj /CN=127.0.0.1 -keyout ", certs.server_key_file,
                   " -out ", dir, "/server.csr"),
      absl::StrCat("openssl x509 -req -in ", dir, "/server.csr -CA ",
                   certs.ca_cert_file, " -CAkey ", dir,
                   "/ca.key -CAcreateserial -days 2 -extfile ", dir,
                   "/server.ext -out ", certs.server_cert_file),
  };
  for (const std::string& command : commands) {
    const std::string quiet =
        absl::StrCat(command, " >>", dir, "/openssl.log 2>&1");
    // NOLINTNEXTLINE(cert-env33-c,concurrency-mt-unsafe): test-only helper.
    if (std::system(quiet.c_str()) != 0) {
      return absl::InternalError(
          absl::StrCat("openssl failed; see ", dir, "/openssl.log"));
    }
  }
  return certs;
}

}  // namespace gateway::http::testing
