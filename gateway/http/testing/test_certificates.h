// Throwaway TLS material for tests: a private CA and a server certificate it
// signed for 127.0.0.1 and localhost, made with the `openssl` command-line
// tool (about 0.2 s). Pair with FakeHttpServer's TlsFiles and
// CurlLoopOptions::ca_file.

#ifndef GATEWAY_HTTP_TESTING_TEST_CERTIFICATES_H_
#define GATEWAY_HTTP_TESTING_TEST_CERTIFICATES_H_

#include <string>

#include "absl/status/statusor.h"

namespace gateway::http::testing {

struct TestCertificates {
  std::string directory;         // Holds every file below; caller removes it.
  std::string ca_cert_file;      // PEM; the trust anchor.
  std::string server_cert_file;  // PEM; leaf only, signed by the CA.
  std::string server_key_file;   // PEM, unencrypted.
};

// Creates the files in a new directory under $TEST_TMPDIR (or /tmp).
// Fails if the openssl tool is missing or fails.
absl::StatusOr<TestCertificates> MakeTestCertificates();

}  // namespace gateway::http::testing

#endif  // GATEWAY_HTTP_TESTING_TEST_CERTIFICATES_H_
