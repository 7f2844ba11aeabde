#include "tests/testing/test_certificates.h"

#include <stdlib.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "tests/testing/subprocess.h"

namespace testing_support {

absl::StatusOr<std::unique_ptr<TestCertificates>> TestCertificates::Create() {
  char dir_template[] = "/tmp/gateway-test-certs-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    return absl::InternalError("mkdtemp failed");
  }
  std::unique_ptr<TestCertificates> certs(new TestCertificates(dir_template));
  absl::StatusOr<std::unique_ptr<Subprocess>> script =
      Subprocess::Start({"/bin/bash",
                         absl::StrCat(GATEWAY_TEST_SOURCE_DIR,
                                      "/tests/testing/make_test_certs.sh"),
                         certs->dir_});
  if (!script.ok()) return script.status();
  absl::StatusOr<int> exit_status = (*script)->Wait(absl::Seconds(60));
  if (!exit_status.ok()) return exit_status.status();
  if (!WIFEXITED(*exit_status) || WEXITSTATUS(*exit_status) != 0) {
    return absl::InternalError(
        absl::StrCat("make_test_certs.sh failed:\n", (*script)->Output()));
  }
  return certs;
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string TestCertificates::Path(const std::string& name) const {
  return absl::StrCat(dir_, "/", name);
}

std::string TestCertificates::Read(const std::string& name) const {
  std::ifstream in(Path(name));
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace testing_support
