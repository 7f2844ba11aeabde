#include "gateway/security/secret_scrubber.h"

#include <cstddef>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gateway/common/cut_marker.h"
#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::security {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "api-key-canary-4f1d8a2e";

// Matches a status the scrubber withheld a secret from: it says so in the
// reason of its google.rpc.ErrorInfo detail.
::testing::Matcher<absl::Status> MarkedWithheld() {
  return ::testing::ResultOf(
      "ErrorInfo reason",
      [](const absl::Status& status) {
        const auto info = GetDetail<google::rpc::ErrorInfo>(status);
        return info.has_value() ? info->reason() : std::string();
      },
      "CREDENTIAL_WITHHELD");
}

// A scrubber that knows kKey.
class SecretScrubberTest : public ::testing::Test {
 protected:
  SecretScrubberTest() { scrubber_.AddSecret(kKey); }

  SecretScrubber scrubber_;
};

TEST_F(SecretScrubberTest, StatusWithoutSecretsIsUnchanged) {
  absl::Status status = absl::NotFoundError("upload token \"toX\" not found");
  google::rpc::ResourceInfo info;
  info.set_resource_name("toX");
  AddDetail(status, info);
  EXPECT_EQ(scrubber_.Scrub(status), status);
}

TEST_F(SecretScrubberTest, KeyInTheMessageIsWithheldKeepingTheCode) {
  const absl::Status scrubbed = scrubber_.Scrub(absl::InvalidArgumentError(
      std::string("api.video rejected: unknown key ") + kKey));
  EXPECT_EQ(scrubbed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(scrubbed.ToString(), Not(HasSubstr(kKey)));
  EXPECT_THAT(scrubbed, MarkedWithheld());
}

TEST_F(SecretScrubberTest, KeyInADetailIsWithheld) {
  absl::Status status = absl::InternalError("api.video refused the key");
  google::rpc::ErrorInfo info;
  (*info.mutable_metadata())["title"] = std::string("bad key ") + kKey;
  AddDetail(status, info);
  const absl::Status scrubbed = scrubber_.Scrub(status);
  EXPECT_THAT(scrubbed, MarkedWithheld());
  EXPECT_FALSE(scrubber_.Contains(ToRpcStatus(scrubbed).SerializeAsString()));
}

TEST_F(SecretScrubberTest, BasicAuthEncodingOfTheKeyIsWithheldToo) {
  const std::string echoed =
      "got Authorization: Basic " + absl::Base64Escape(std::string(kKey) + ":");
  EXPECT_THAT(scrubber_.Scrub(absl::UnavailableError(echoed)),
              MarkedWithheld());
}

TEST_F(SecretScrubberTest, RotatedOutKeysAreStillLookedFor) {
  scrubber_.AddSecret("the-next-key-after-rotation");
  EXPECT_TRUE(scrubber_.Contains(kKey));
  EXPECT_TRUE(scrubber_.Contains("x the-next-key-after-rotation y"));
}

TEST_F(SecretScrubberTest, RedactBlanksEveryOccurrence) {
  EXPECT_EQ(scrubber_.Redact(std::string(kKey) + " and " + kKey),
            "[REDACTED] and [REDACTED]");
}

TEST(SecretScrubber, ShortSecretsAreIgnoredAsTheyMatchOrdinaryText) {
  SecretScrubber scrubber;
  scrubber.AddSecret("abc");
  EXPECT_FALSE(scrubber.Contains("abc"));
}

// Quoted text may be cut short (common/cut_marker.h), and the cut may fall
// inside a secret: its beginning is a leak too.
TEST_F(SecretScrubberTest, KeyCutShortByTruncationIsWithheld) {
  const std::string key(kKey);
  const std::string cut = absl::StrCat(
      "Unknown credential ", key.substr(0, key.size() - 5), kCutMarker);

  const absl::Status scrubbed =
      scrubber_.Scrub(absl::InvalidArgumentError(cut));

  EXPECT_THAT(scrubbed, MarkedWithheld());
  EXPECT_THAT(scrubbed.ToString(), Not(HasSubstr(key.substr(0, 8))));
}

TEST_F(SecretScrubberTest, KeyCutShortIsRedactedInTheLog) {
  const std::string key(kKey);

  EXPECT_EQ(
      scrubber_.Redact(absl::StrCat("bad ", key.substr(0, 10), kCutMarker)),
      absl::StrCat("bad [REDACTED]", kCutMarker));
}

TEST_F(SecretScrubberTest, TextCutShortAfterOrdinaryWordsIsKept) {
  const absl::Status status = absl::InvalidArgumentError(
      absl::StrCat("The attribute is invalid because", kCutMarker));

  EXPECT_EQ(scrubber_.Scrub(status), status);
}

// Bearer tokens: looked for until they expire, the most recent ones only.
class ExpiringSecretTest : public ::testing::Test {
 protected:
  const absl::Time t0_ = absl::FromUnixSeconds(1'800'000'000);
  absl::Time now_ = t0_;
  SecretScrubber scrubber_{[this] { return now_; }};
};

TEST_F(ExpiringSecretTest, TokenInAMessageIsWithheldWhileItIsValid) {
  scrubber_.AddExpiringSecret("access-token-canary-1", t0_ + absl::Hours(1));

  const absl::Status scrubbed = scrubber_.Scrub(absl::InvalidArgumentError(
      "Unknown credential Bearer access-token-canary-1"));

  EXPECT_THAT(scrubbed.ToString(), Not(HasSubstr("access-token-canary-1")));
  EXPECT_THAT(scrubbed, MarkedWithheld());
}

TEST_F(ExpiringSecretTest, TokenIsNoLongerLookedForOnceForgotten) {
  scrubber_.AddExpiringSecret("access-token-canary-1", t0_ + absl::Hours(1));

  now_ = t0_ + absl::Hours(1);

  EXPECT_FALSE(scrubber_.Contains("access-token-canary-1"));
}

TEST_F(ExpiringSecretTest, OnlyTheMostRecentTokensAreKept) {
  for (std::size_t i = 0; i <= SecretScrubber::kMaxExpiringSecrets; ++i) {
    scrubber_.AddExpiringSecret(absl::StrCat("refresh-token-", i),
                                absl::InfiniteFuture());
  }

  EXPECT_FALSE(scrubber_.Contains("refresh-token-0"));
  EXPECT_TRUE(scrubber_.Contains("refresh-token-1"));
  EXPECT_TRUE(scrubber_.Contains(
      absl::StrCat("refresh-token-", SecretScrubber::kMaxExpiringSecrets)));
}

TEST_F(ExpiringSecretTest, ExpiredTokensMakeRoomBeforeLiveOnesAreDropped) {
  // Fills the set exactly: one more without pruning would drop the live one.
  scrubber_.AddExpiringSecret("refresh-token-live", absl::InfiniteFuture());
  for (std::size_t i = 1; i < SecretScrubber::kMaxExpiringSecrets; ++i) {
    scrubber_.AddExpiringSecret(absl::StrCat("access-token-", i),
                                t0_ + absl::Minutes(1));
  }
  now_ = t0_ + absl::Minutes(2);

  scrubber_.AddExpiringSecret("access-token-new", t0_ + absl::Hours(1));

  EXPECT_TRUE(scrubber_.Contains("refresh-token-live"));
  EXPECT_TRUE(scrubber_.Contains("access-token-new"));
}

TEST_F(ExpiringSecretTest, PermanentSecretsAreNeverForgotten) {
  scrubber_.AddSecret(kKey);
  for (std::size_t i = 0; i <= SecretScrubber::kMaxExpiringSecrets; ++i) {
    scrubber_.AddExpiringSecret(absl::StrCat("access-token-", i),
                                t0_ + absl::Minutes(1));
  }

  now_ = t0_ + absl::Hours(1000);

  EXPECT_TRUE(scrubber_.Contains(kKey));
}

}  // namespace
}  // namespace gateway::security
