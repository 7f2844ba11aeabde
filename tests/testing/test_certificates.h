// A throwaway CA and certificates for TLS tests, made fresh by
// make_test_certs.sh in a temporary directory removed afterwards.

#ifndef TESTS_TESTING_TEST_CERTIFICATES_H_
#define TESTS_TESTING_TEST_CERTIFICATES_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace testing_support {

class TestCertificates {
 public:
  static absl::StatusOr<std::unique_ptr<TestCertificates>> Create();
  ~TestCertificates();

  // The path of one of the files make_test_certs.sh writes, e.g. "ca.pem",
  // "server.key", "billing.pem".
  std::string Path(const std::string& name) const;
  // Its contents.
  std::string Read(const std::string& name) const;

 private:
  explicit TestCertificates(std::string dir) : dir_(std::move(dir)) {}
  const std::string dir_;
};

}  // namespace testing_support

#endif  // TESTS_TESTING_TEST_CERTIFICATES_H_
