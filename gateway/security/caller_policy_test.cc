#include "gateway/security/caller_policy.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include "gateway/common/status_details.h"
#include "gateway/common/testing/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::security {
namespace {

using ::gateway::testing::ErrorReason;

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "caller-token-7f3a9e";

PeerIdentity VerifiedPeer(std::vector<std::string> sans) {
  return PeerIdentity{true, std::move(sans)};
}

TEST(Sha256Hex, MatchesTheKnownDigestOfAbc) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CallerPolicy, WithoutGatesEveryoneIsAnonymous) {
  const CallerPolicy policy;
  absl::StatusOr<std::string> caller = policy.Authorize({}, std::nullopt);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(*caller, "");
}

TEST(CallerPolicy, AllowedSanIsLetInUnderThatName) {
  const CallerPolicy policy({"billing.internal", "spiffe://corp/ns/a/sa/b"},
                            {});
  absl::StatusOr<std::string> caller = policy.Authorize(
      VerifiedPeer({"other.internal", "spiffe://corp/ns/a/sa/b"}),
      std::nullopt);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(*caller, "spiffe://corp/ns/a/sa/b");
}

TEST(CallerPolicy, UnlistedSanIsPermissionDenied) {
  const CallerPolicy policy({"billing.internal"}, {});
  absl::StatusOr<std::string> caller =
      policy.Authorize(VerifiedPeer({"intruder.internal"}), std::nullopt);
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(caller.status()), "CALLER_NOT_ALLOWED");
}

TEST(CallerPolicy, UnverifiedPeerIsPermissionDeniedEvenWithAListedName) {
  const CallerPolicy policy({"billing.internal"}, {});
  absl::StatusOr<std::string> caller =
      policy.Authorize(PeerIdentity{false, {"billing.internal"}}, std::nullopt);
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(CallerPolicy, KnownCallerTokenGivesItsName) {
  const CallerPolicy policy({}, {{Sha256Hex(kToken), "billing"}});
  absl::StatusOr<std::string> caller =
      policy.Authorize({}, std::string("Bearer ") + kToken);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(*caller, "billing");
}

TEST(CallerPolicy, MissingCallerTokenIsUnauthenticated) {
  const CallerPolicy policy({}, {{Sha256Hex(kToken), "billing"}});
  absl::StatusOr<std::string> caller = policy.Authorize({}, std::nullopt);
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ErrorReason(caller.status()), "CALLER_TOKEN_MISSING");
}

TEST(CallerPolicy, UnknownCallerTokenIsUnauthenticatedAndNotEchoed) {
  const CallerPolicy policy({}, {{Sha256Hex(kToken), "billing"}});
  const std::string wrong = "wrong-token-55aa";
  absl::StatusOr<std::string> caller = policy.Authorize({}, "Bearer " + wrong);
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ErrorReason(caller.status()), "CALLER_TOKEN_INVALID");
  EXPECT_THAT(caller.status().ToString(), Not(HasSubstr(wrong)));
}

TEST(CallerPolicy, NonBearerAuthorizationIsMissingToken) {
  const CallerPolicy policy({}, {{Sha256Hex(kToken), "billing"}});
  absl::StatusOr<std::string> caller =
      policy.Authorize({}, std::string("Basic ") + kToken);
  EXPECT_EQ(ErrorReason(caller.status()), "CALLER_TOKEN_MISSING");
}

TEST(CallerPolicy, BothGatesMustPassAndNameBoth) {
  const CallerPolicy policy({"billing.internal"},
                            {{Sha256Hex(kToken), "billing"}});
  EXPECT_EQ(policy.Authorize(VerifiedPeer({"billing.internal"}), std::nullopt)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  absl::StatusOr<std::string> caller = policy.Authorize(
      VerifiedPeer({"billing.internal"}), std::string("Bearer ") + kToken);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(*caller, "billing@billing.internal");
}

class CallerTokensFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& contents) {
    // Per process: ctest runs the cases in parallel, each in its own.
    path_ = ::testing::TempDir() + "/caller_tokens_test_" +
            std::to_string(getpid()) + ".txt";
    std::ofstream(path_) << contents;
    return path_;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

TEST_F(CallerTokensFileTest, ReadsNamesAndHashesSkippingComments) {
  const std::string hash = Sha256Hex(kToken);
  auto hashes = CallerPolicy::ReadCallerTokensFile(
      Write("# who may call\n\nbilling " + hash + "\n"));
  ASSERT_TRUE(hashes.ok()) << hashes.status();
  ASSERT_EQ(hashes->size(), 1u);
  EXPECT_EQ(hashes->at(hash), "billing");
}

TEST_F(CallerTokensFileTest, MalformedLineNamesTheLineNotItsText) {
  auto hashes = CallerPolicy::ReadCallerTokensFile(
      Write("billing not-a-hash-but-a-plain-token-4242\n"));
  EXPECT_FALSE(hashes.ok());
  EXPECT_THAT(hashes.status().message(), HasSubstr(":1:"));
  EXPECT_THAT(hashes.status().message(),
              Not(HasSubstr("not-a-hash-but-a-plain-token-4242")));
}

TEST_F(CallerTokensFileTest, DuplicateHashIsAnError) {
  const std::string hash = Sha256Hex(kToken);
  EXPECT_FALSE(CallerPolicy::ReadCallerTokensFile(
                   Write("a " + hash + "\nb " + hash + "\n"))
                   .ok());
}

TEST_F(CallerTokensFileTest, LoadedPolicyAsksForTheFilesTokens) {
  absl::StatusOr<CallerPolicy> policy =
      CallerPolicy::Load({}, Write("billing " + Sha256Hex(kToken) + "\n"));
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_TRUE(policy->requires_caller_token());
  EXPECT_FALSE(policy->requires_client_identity());
  const absl::StatusOr<std::string> caller =
      policy->Authorize(PeerIdentity(), std::string("Bearer ") + kToken);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(*caller, "billing");
}

TEST(CallerPolicyLoad, WithoutATokensFileLetsEveryoneIn) {
  absl::StatusOr<CallerPolicy> policy = CallerPolicy::Load({}, "");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_FALSE(policy->requires_caller_token());
  EXPECT_TRUE(policy->Authorize(PeerIdentity(), std::nullopt).ok());
}

TEST(CallerPolicyLoad, UnreadableTokensFileIsAnError) {
  EXPECT_EQ(
      CallerPolicy::Load({}, "/nonexistent/caller_tokens").status().code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST(CallerTokensFile, MissingFileIsAnError) {
  EXPECT_FALSE(
      CallerPolicy::ReadCallerTokensFile("/nonexistent/caller_tokens").ok());
}

}  // namespace
}  // namespace gateway::security
