#include "gateway/apivideo/auth.h"

#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

absl::StatusOr<std::string> AuthorizeOnce(Authenticator& authenticator) {
  int calls = 0;
  absl::StatusOr<std::string> header = absl::UnknownError("never called");
  authenticator.Authorize([&](absl::StatusOr<std::string> value) {
    ++calls;
    header = std::move(value);
  });
  EXPECT_EQ(calls, 1);
  return header;
}

TEST(BasicAuthenticator, HeaderIsBasicWithKeyAsUserAndEmptyPassword) {
  BasicAuthenticator authenticator("apivideo-test-key");
  // base64("apivideo-test-key:"), computed independently.
  EXPECT_EQ(AuthorizeOnce(authenticator).value_or(""),
            "Basic YXBpdmlkZW8tdGVzdC1rZXk6");
}

TEST(BasicAuthenticator, PadsBase64) {
  BasicAuthenticator authenticator("key");
  // base64("key:") = "a2V5Og==".
  EXPECT_EQ(AuthorizeOnce(authenticator).value_or(""), "Basic a2V5Og==");
}

TEST(BasicAuthenticator, GivesSameHeaderEveryTime) {
  BasicAuthenticator authenticator("key");
  EXPECT_EQ(AuthorizeOnce(authenticator).value_or("1"),
            AuthorizeOnce(authenticator).value_or("2"));
}

}  // namespace
}  // namespace gateway::apivideo
