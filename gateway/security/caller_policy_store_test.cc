#include "gateway/security/caller_policy_store.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/common/testing/temp_file.h"
#include "gtest/gtest.h"

namespace gateway::security {
namespace {

using ::gateway::testing::TempFile;

constexpr char kOldToken[] = "old-caller-token-3c1d";
constexpr char kNewToken[] = "new-caller-token-8b2e";

std::string TokensFile(absl::string_view name, absl::string_view token) {
  return absl::StrCat("# name sha256\n", name, " ", Sha256Hex(token), "\n");
}

// Whether the store's current policy lets `token` in.
bool LetsIn(const CallerPolicyStore& store, absl::string_view token) {
  return store.Get()->Authorize({}, absl::StrCat("Bearer ", token)).ok();
}

class CallerPolicyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<CallerPolicyStore>> store =
        CallerPolicyStore::Load({}, file_.path());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_TRUE(LetsIn(*store_, kOldToken));
  }

  TempFile file_{TokensFile("billing", kOldToken)};
  std::unique_ptr<CallerPolicyStore> store_;
};

TEST_F(CallerPolicyStoreTest, ReloadRevokesARemovedToken) {
  file_.Replace(TokensFile("billing", kNewToken));

  ASSERT_TRUE(store_->ReloadCallerTokens().ok());

  EXPECT_FALSE(LetsIn(*store_, kOldToken));
  EXPECT_TRUE(LetsIn(*store_, kNewToken));
}

TEST_F(CallerPolicyStoreTest, AFileWithoutTokensKeepsThePolicyInUse) {
  file_.Replace("# every token removed\n");

  EXPECT_EQ(store_->ReloadCallerTokens().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(LetsIn(*store_, kOldToken));
  EXPECT_FALSE(LetsIn(*store_, kNewToken));
}

TEST_F(CallerPolicyStoreTest, AnUnreadableFileKeepsThePolicyInUse) {
  file_.Replace("billing not-a-sha256\n");

  EXPECT_FALSE(store_->ReloadCallerTokens().ok());
  EXPECT_TRUE(LetsIn(*store_, kOldToken));
}

TEST_F(CallerPolicyStoreTest, ACallKeepsThePolicyItStartedWith) {
  const std::shared_ptr<const CallerPolicy> held = store_->Get();
  file_.Replace(TokensFile("billing", kNewToken));

  ASSERT_TRUE(store_->ReloadCallerTokens().ok());

  EXPECT_TRUE(held->Authorize({}, absl::StrCat("Bearer ", kOldToken)).ok());
}

}  // namespace
}  // namespace gateway::security
