#include "gateway/security/secret_scrubber.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::security {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "api-key-canary-4f1d8a2e";

std::string ReasonOf(const absl::Status& status) {
  const auto info = GetDetail<google::rpc::ErrorInfo>(status);
  return info.has_value() ? info->reason() : "";
}

TEST(SecretScrubber, StatusWithoutSecretsIsUnchanged) {
  SecretScrubber scrubber;
  scrubber.AddSecret(kKey);
  absl::Status status = absl::NotFoundError("upload token \"toX\" not found");
  google::rpc::ResourceInfo info;
  info.set_resource_name("toX");
  AddDetail(status, info);
  EXPECT_EQ(scrubber.Scrub(status), status);
}

TEST(SecretScrubber, KeyInTheMessageIsWithheldKeepingTheCode) {
  SecretScrubber scrubber;
  scrubber.AddSecret(kKey);
  const absl::Status scrubbed = scrubber.Scrub(absl::InvalidArgumentError(
      std::string("api.video rejected: unknown key ") + kKey));
  EXPECT_EQ(scrubbed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(scrubbed.ToString(), Not(HasSubstr(kKey)));
  EXPECT_EQ(ReasonOf(scrubbed), "CREDENTIAL_WITHHELD");
}

TEST(SecretScrubber, KeyInADetailIsWithheld) {
  SecretScrubber scrubber;
  scrubber.AddSecret(kKey);
  absl::Status status = absl::InternalError("api.video refused the key");
  google::rpc::ErrorInfo info;
  (*info.mutable_metadata())["title"] = std::string("bad key ") + kKey;
  AddDetail(status, info);
  const absl::Status scrubbed = scrubber.Scrub(status);
  EXPECT_EQ(ReasonOf(scrubbed), "CREDENTIAL_WITHHELD");
  EXPECT_FALSE(scrubber.Contains(ToRpcStatus(scrubbed).SerializeAsString()));
}

TEST(SecretScrubber, BasicAuthEncodingOfTheKeyIsWithheldToo) {
  SecretScrubber scrubber;
  scrubber.AddSecret(kKey);
  const std::string echoed =
      "got Authorization: Basic " + absl::Base64Escape(std::string(kKey) + ":");
  EXPECT_EQ(ReasonOf(scrubber.Scrub(absl::UnavailableError(echoed))),
            "CREDENTIAL_WITHHELD");
}

TEST(SecretScrubber, RotatedOutKeysAreStillLookedFor) {
  SecretScrubber scrubber;
  scrubber.AddSecret(kKey);
  scrubber.AddSecret("the-next-key-after-rotation");
  EXPECT_TRUE(scrubber.Contains(kKey));
  EXPECT_TRUE(scrubber.Contains("x the-next-key-after-rotation y"));
}

TEST(SecretScrubber, ShortSecretsAreIgnoredAsTheyMatchOrdinaryText) {
  SecretScrubber scrubber;
  scrubber.AddSecret("abc");
  EXPECT_FALSE(scrubber.Contains("abc"));
}

TEST(SecretScrubber, RedactBlanksEveryOccurrence) {
  SecretScrubber scrubber;
  scrubber.AddSecret(kKey);
  EXPECT_EQ(scrubber.Redact(std::string(kKey) + " and " + kKey),
            "[REDACTED] and [REDACTED]");
}

}  // namespace
}  // namespace gateway::security
