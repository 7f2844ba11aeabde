#include "gateway/governance/governing_upload_token_stub.h"

#include <memory>
#include <string>

#include "gateway/apivideo/testing/mock_upload_token_stub.h"
#include "gateway/apivideo/testing/stub_answers.h"
#include "gateway/common/status_details.h"
#include "gateway/common/testing/temp_file.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::gateway::apivideo::CallOptions;
using ::gateway::apivideo::TokenPage;
using ::gateway::apivideo::UploadToken;
using ::gateway::apivideo::testing::Answer;
using ::gateway::apivideo::testing::AnswerWith;
using ::gateway::apivideo::testing::HeldCall;
using ::gateway::apivideo::testing::MockUploadTokenStub;
using ::gateway::testing::TempFile;
using ::testing::_;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

UploadToken Token(const std::string& name, int ttl = 0) {
  UploadToken token;
  token.set_token(name);
  token.set_ttl(ttl);
  token.mutable_created_at()->set_seconds(absl::ToUnixSeconds(kNow));
  if (ttl > 0) {
    token.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(kNow) + ttl);
  }
  return token;
}

CallOptions As(const std::string& caller) {
  CallOptions options;
  options.caller = caller;
  return options;
}

class GoverningUploadTokenStubTest : public ::testing::Test {
 protected:
  // A stub under the rules of a caller policy file holding `policies`; no
  // file when empty.
  void Make(const std::string& policies) {
    if (!policies.empty()) file_ = std::make_unique<TempFile>(policies);
    absl::StatusOr<std::unique_ptr<CallerRulesStore>> rules =
        CallerRulesStore::Load(file_ != nullptr ? file_->path() : "");
    ASSERT_TRUE(rules.ok()) << rules.status();
    rules_ = *std::move(rules);
    stub_ = std::make_unique<GoverningUploadTokenStub>(
        upstream_, *rules_, ownership_, create_rate_, nullptr,
        [this] { return now_; });
  }

  // `caller` creates `token` through the stub.
  Answer<UploadToken> Create(const std::string& caller,
                             const UploadToken& token) {
    EXPECT_CALL(upstream_, Create(token.ttl(), _, _))
        .WillOnce(AnswerWith<UploadToken>(token))
        .RetiresOnSaturation();
    Answer<UploadToken> answer;
    stub_->Create(token.ttl(), As(caller), answer.Callback());
    return answer;
  }
  Answer<UploadToken> Get(const std::string& caller, const std::string& token) {
    Answer<UploadToken> answer;
    stub_->Get(token, As(caller), answer.Callback());
    return answer;
  }
  Answer<google::protobuf::Empty> Delete(const std::string& caller,
                                         const std::string& token) {
    Answer<google::protobuf::Empty> answer;
    stub_->Delete(token, As(caller), answer.Callback());
    return answer;
  }

  absl::Time now_ = kNow;
  MockUploadTokenStub upstream_;
  std::unique_ptr<TempFile> file_;
  std::unique_ptr<CallerRulesStore> rules_;
  OwnershipIndex ownership_;
  CreateRateLimiter create_rate_;
  std::unique_ptr<GoverningUploadTokenStub> stub_;
};

TEST_F(GoverningUploadTokenStubTest, ACreatedTokenComesBackWithItsCreator) {
  Make("");
  Answer<UploadToken> created = Create("web", Token("to1", 3600));
  ASSERT_TRUE(created.value().ok()) << created.value().status();
  EXPECT_EQ(created.value()->creator(), "web");
  ASSERT_TRUE(ownership_.Find("to1", kNow).has_value());
  EXPECT_EQ(ownership_.Find("to1", kNow)->creator, "web");
  EXPECT_EQ(ownership_.Find("to1", kNow)->expires_at, kNow + absl::Hours(1));
}

TEST_F(GoverningUploadTokenStubTest,
       CreatesBeyondTheCallersRatePerMinuteAreRefusedBeforeGoingUpstream) {
  Make(R"(callers { name: "web" creates_per_minute: 2 })");
  ASSERT_TRUE(Create("web", Token("to1")).value().ok());
  ASSERT_TRUE(Create("web", Token("to2")).value().ok());
  Answer<UploadToken> refused;
  stub_->Create(0, As("web"), refused.Callback());  // no upstream call expected
  ASSERT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(GetDetail<google::rpc::QuotaFailure>(refused.value().status())
                  .has_value());
  EXPECT_TRUE(
      GetDetail<google::rpc::RetryInfo>(refused.value().status()).has_value());
  // Another caller has a rate of its own.
  EXPECT_TRUE(Create("ops", Token("to3")).value().ok());
}

TEST_F(GoverningUploadTokenStubTest,
       ACreateBeyondMaxLiveTokensIsRefusedUntilATokenExpires) {
  Make(R"(callers { name: "web" max_live_tokens: 1 })");
  ASSERT_TRUE(Create("web", Token("to1", 600)).value().ok());
  Answer<UploadToken> refused;
  stub_->Create(600, As("web"), refused.Callback());
  ASSERT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  const absl::Status& status = refused.value().status();
  const auto failure = GetDetail<google::rpc::QuotaFailure>(status);
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->violations(0).subject(), "caller:web");
  const auto retry = GetDetail<google::rpc::RetryInfo>(status);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 600);
  const auto info = GetDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "CALLER_LIVE_TOKENS_EXCEEDED");

  now_ = kNow + absl::Minutes(10);
  EXPECT_TRUE(Create("web", Token("to2", 600)).value().ok());
}

TEST_F(GoverningUploadTokenStubTest,
       ACreateInFlightCountsAgainstMaxLiveTokens) {
  Make(R"(callers { name: "web" max_live_tokens: 1 })");
  HeldCall<UploadToken> held;
  EXPECT_CALL(upstream_, Create(_, _, _)).WillOnce(held.Action());
  Answer<UploadToken> first;
  stub_->Create(60, As("web"), first.Callback());
  Answer<UploadToken> second;
  stub_->Create(60, As("web"), second.Callback());
  EXPECT_EQ(second.code(), absl::StatusCode::kResourceExhausted);
  held.Complete(Token("to1", 60));
  EXPECT_TRUE(first.value().ok());
}

TEST_F(GoverningUploadTokenStubTest, AFailedCreateGivesBackItsPlace) {
  Make(R"(callers { name: "web" max_live_tokens: 1 })");
  EXPECT_CALL(upstream_, Create(_, _, _))
      .WillOnce(AnswerWith<UploadToken>(absl::UnavailableError("down")))
      .RetiresOnSaturation();
  Answer<UploadToken> failed;
  stub_->Create(60, As("web"), failed.Callback());
  ASSERT_EQ(failed.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(Create("web", Token("to1", 60)).value().ok());
}

TEST_F(GoverningUploadTokenStubTest,
       ReadingAnotherCallersTokenIsRefusedWhenOthersIsNone) {
  Make(R"(callers { name: "web" others: NONE })");
  ASSERT_TRUE(Create("ops", Token("to1")).value().ok());
  EXPECT_CALL(upstream_, Get(_, _, _)).Times(0);
  Answer<UploadToken> refused = Get("web", "to1");
  ASSERT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  const auto info = GetDetail<google::rpc::ErrorInfo>(refused.value().status());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "NOT_TOKEN_CREATOR");
}

TEST_F(GoverningUploadTokenStubTest,
       ATokenOfNoKnownCreatorIsAnotherCallersWhenOthersIsNone) {
  Make(R"(callers { name: "web" others: NONE })");
  EXPECT_CALL(upstream_, Get(_, _, _)).Times(0);
  EXPECT_EQ(Get("web", "made-elsewhere").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(GoverningUploadTokenStubTest, ACallerReadsItsOwnTokenWithItsCreator) {
  Make(R"(callers { name: "web" others: NONE })");
  ASSERT_TRUE(Create("web", Token("to1")).value().ok());
  EXPECT_CALL(upstream_, Get(absl::string_view("to1"), _, _))
      .WillOnce(AnswerWith<UploadToken>(Token("to1")));
  Answer<UploadToken> read = Get("web", "to1");
  ASSERT_TRUE(read.value().ok()) << read.value().status();
  EXPECT_EQ(read.value()->creator(), "web");
}

TEST_F(GoverningUploadTokenStubTest,
       DeletingAnotherCallersTokenIsRefusedWhenOthersIsRead) {
  Make(R"(callers { name: "web" others: READ })");
  ASSERT_TRUE(Create("ops", Token("to1")).value().ok());
  EXPECT_CALL(upstream_, Delete(_, _, _)).Times(0);
  EXPECT_EQ(Delete("web", "to1").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(ownership_.Find("to1", kNow).has_value());
}

TEST_F(GoverningUploadTokenStubTest,
       DeletingAnotherCallersTokenIsAllowedWhenOthersIsDelete) {
  Make(R"(callers { name: "ops" others: DELETE })");
  ASSERT_TRUE(Create("web", Token("to1")).value().ok());
  EXPECT_CALL(upstream_, Delete(absl::string_view("to1"), _, _))
      .WillOnce(AnswerWith<google::protobuf::Empty>(google::protobuf::Empty()));
  EXPECT_TRUE(Delete("ops", "to1").value().ok());
  EXPECT_FALSE(ownership_.Find("to1", kNow).has_value());
}

TEST_F(GoverningUploadTokenStubTest, WithoutAPolicyFileAnyCallerMayDelete) {
  Make("");
  ASSERT_TRUE(Create("web", Token("to1")).value().ok());
  EXPECT_CALL(upstream_, Delete(absl::string_view("to1"), _, _))
      .WillOnce(AnswerWith<google::protobuf::Empty>(google::protobuf::Empty()));
  EXPECT_TRUE(Delete("ops", "to1").value().ok());
}

TEST_F(GoverningUploadTokenStubTest,
       ATokenApiVideoNoLongerKnowsLeavesTheIndex) {
  Make("");
  ASSERT_TRUE(Create("web", Token("to1")).value().ok());
  EXPECT_CALL(upstream_, Get(absl::string_view("to1"), _, _))
      .WillOnce(AnswerWith<UploadToken>(absl::NotFoundError("gone")));
  EXPECT_EQ(Get("web", "to1").code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(ownership_.Find("to1", kNow).has_value());
}

TEST_F(GoverningUploadTokenStubTest, AListedTokenCarriesItsKnownCreator) {
  Make("");
  ASSERT_TRUE(Create("web", Token("to1")).value().ok());
  TokenPage page;
  *page.tokens.Add() = Token("to1");
  *page.tokens.Add() = Token("made-elsewhere");
  EXPECT_CALL(upstream_, List(_, _, _)).WillOnce(AnswerWith<TokenPage>(page));
  Answer<TokenPage> listed;
  stub_->List({}, As("ops"), listed.Callback());
  ASSERT_TRUE(listed.value().ok()) << listed.value().status();
  EXPECT_EQ(listed.value()->tokens[0].creator(), "web");
  EXPECT_EQ(listed.value()->tokens[1].creator(), "");
}

}  // namespace
}  // namespace gateway::governance
