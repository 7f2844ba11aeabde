#include "gateway/governance/token_purge.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/apivideo/testing/mock_upload_token_stub.h"
#include "gateway/apivideo/testing/stub_answers.h"
#include "gateway/governance/testing/recording_audit_trail.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
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
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::IsEmpty;
using Empty = ::google::protobuf::Empty;

class TokenPurgeTest : public ::testing::Test {
 protected:
  Answer<PurgeResult> Purge(std::vector<std::string> tokens,
                            int parallelism = 4) {
    PurgeOptions options;
    options.parallelism = parallelism;
    options.audit = &audit_;
    options.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    CallOptions call;
    call.caller = "ops";
    Answer<PurgeResult> answer;
    handle_ = StartPurge(upstream_, std::move(tokens), call, options,
                         answer.Callback());
    return answer;
  }
  void DeletesSucceed() {
    EXPECT_CALL(upstream_, Delete(_, _, _))
        .WillRepeatedly(AnswerWith<Empty>(Empty()));
  }

  MockUploadTokenStub upstream_;
  testing::RecordingAuditTrail audit_;
  std::shared_ptr<Cancellable> handle_;
};

TEST_F(TokenPurgeTest, DeletesEveryTokenAndSamplesThemInOrder) {
  DeletesSucceed();
  const Answer<PurgeResult> purged = Purge({"to1", "to2", "to3"});
  ASSERT_EQ(purged.times(), 1);
  ASSERT_TRUE(purged.value().ok()) << purged.value().status();
  EXPECT_EQ(purged.value()->count, 3);
  EXPECT_THAT(purged.value()->sample, ElementsAre("to1", "to2", "to3"));
}

TEST_F(TokenPurgeTest, NothingToDeleteEndsAtOnce) {
  const Answer<PurgeResult> purged = Purge({});
  ASSERT_TRUE(purged.value().ok());
  EXPECT_EQ(purged.value()->count, 0);
}

TEST_F(TokenPurgeTest, ATokenAlreadyGoneCountsAsDeleted) {
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to1")), _, _))
      .WillOnce(AnswerWith<Empty>(absl::NotFoundError("gone")));
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to2")), _, _))
      .WillOnce(AnswerWith<Empty>(Empty()));
  const Answer<PurgeResult> purged = Purge({"to1", "to2"});
  ASSERT_TRUE(purged.value().ok());
  EXPECT_EQ(purged.value()->count, 2);
}

TEST_F(TokenPurgeTest, TheFirstFailureStopsNewDeletes) {
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to1")), _, _))
      .WillOnce(AnswerWith<Empty>(Empty()));
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to2")), _, _))
      .WillOnce(AnswerWith<Empty>(absl::UnavailableError("api.video down")));
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to3")), _, _)).Times(0);
  const Answer<PurgeResult> purged = Purge({"to1", "to2", "to3"}, 1);
  ASSERT_EQ(purged.times(), 1);
  EXPECT_EQ(purged.code(), absl::StatusCode::kUnavailable);
}

TEST_F(TokenPurgeTest, AtMostParallelismDeletesAreInFlight) {
  HeldCall<Empty> first;
  HeldCall<Empty> second;
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to1")), _, _))
      .WillOnce(first.Action());
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to2")), _, _))
      .WillOnce(second.Action());
  const Answer<PurgeResult> purged = Purge({"to1", "to2", "to3"}, 2);
  ::testing::Mock::VerifyAndClearExpectations(&upstream_);

  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to3")), _, _))
      .WillOnce(AnswerWith<Empty>(Empty()));
  first.Complete(Empty());
  EXPECT_FALSE(purged.answered());
  second.Complete(Empty());
  ASSERT_TRUE(purged.value().ok());
  EXPECT_EQ(purged.value()->count, 3);
}

TEST_F(TokenPurgeTest, CancelCancelsTheDeletesInFlightAndEndsCancelled) {
  HeldCall<Empty> held;
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to1")), _, _))
      .WillOnce(held.Action());
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to2")), _, _)).Times(0);
  const Answer<PurgeResult> purged = Purge({"to1", "to2"}, 1);
  handle_->Cancel();
  EXPECT_EQ(held.handle->cancels(), 1);
  held.Complete(absl::CancelledError("aborted"));
  EXPECT_EQ(purged.code(), absl::StatusCode::kCancelled);
}

TEST_F(TokenPurgeTest, EachTokenGoneIsAnAuditEvent) {
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to1")), _, _))
      .WillOnce(AnswerWith<Empty>(Empty()));
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to2")), _, _))
      .WillOnce(AnswerWith<Empty>(absl::NotFoundError("gone")));
  Purge({"to1", "to2"}, 1);
  ASSERT_EQ(audit_.events().size(), 2u);
  EXPECT_EQ(audit_.events()[0].rpc(), "PurgeUploadTokens");
  EXPECT_EQ(audit_.events()[0].caller(), "ops");
  EXPECT_EQ(audit_.events()[0].token(), "to1");
  EXPECT_EQ(audit_.events()[0].outcome(), "OK");
  EXPECT_EQ(audit_.events()[0].trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(audit_.events()[1].token(), "to2");
  EXPECT_EQ(audit_.events()[1].outcome(), "NOT_FOUND");
}

TEST(CheckPurgeAccess, ACallerMayPurgeItsOwnTokens) {
  CallerLimits limits;
  limits.others = OthersAccess::kNone;
  EXPECT_TRUE(CheckPurgeAccess(limits, "web", "web", /*force=*/true).ok());
}

TEST(CheckPurgeAccess, AnothersTokensNeedDeleteOnOthers) {
  CallerLimits limits;
  limits.others = OthersAccess::kRead;
  EXPECT_EQ(CheckPurgeAccess(limits, "ops", "web", /*force=*/true).code(),
            absl::StatusCode::kPermissionDenied);
  limits.others = OthersAccess::kDelete;
  EXPECT_TRUE(CheckPurgeAccess(limits, "ops", "web", /*force=*/true).ok());
}

TEST(CheckPurgeAccess, ADryRunOfAnothersTokensNeedsReadOnOthers) {
  CallerLimits limits;
  limits.others = OthersAccess::kRead;
  EXPECT_TRUE(CheckPurgeAccess(limits, "ops", "web", /*force=*/false).ok());
  limits.others = OthersAccess::kNone;
  EXPECT_EQ(CheckPurgeAccess(limits, "ops", "web", /*force=*/false).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CheckPurgeAccess, TheTokensOfNoKnownCreatorAreOthers) {
  CallerLimits limits;
  limits.others = OthersAccess::kRead;
  const absl::Status refused =
      CheckPurgeAccess(limits, "web", "", /*force=*/true);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.message(),
              ::testing::HasSubstr("the upload tokens of no known creator"));
  EXPECT_TRUE(CheckPurgeAccess(limits, "web", "", /*force=*/false).ok());
}

// ---- The tokens of no known creator -----------------------------------------

const absl::Time kCutOff = absl::FromUnixSeconds(1'800'000'000);

// One page of api.video's listing: `unowned` of no known creator, created
// before the cut-off, and one token of web's.
TokenPage ListingWith(const std::vector<std::string>& unowned) {
  TokenPage page;
  page.page = 1;
  page.page_count = 1;
  for (const std::string& name : unowned) {
    UploadToken* token = page.tokens.Add();
    token->set_token(name);
    *token->mutable_created_at() =
        google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
            absl::ToUnixNanos(kCutOff - absl::Hours(1)));
  }
  UploadToken* owned = page.tokens.Add();
  owned->set_token("web1");
  owned->set_creator("web");
  *owned->mutable_created_at() = page.tokens.Get(0).created_at();
  return page;
}

class UnownedTokenPurgeTest : public TokenPurgeTest {
 protected:
  Answer<PurgeResult> PurgeUnowned(bool force) {
    PurgeOptions options;
    options.audit = &audit_;
    CallOptions call;
    call.caller = "ops";
    Answer<PurgeResult> answer;
    handle_ = StartUnownedTokenPurge(upstream_, call, options, kCutOff, force,
                                     answer.Callback());
    return answer;
  }
};

TEST_F(UnownedTokenPurgeTest, DeletesExactlyTheTokensOfNoKnownCreator) {
  EXPECT_CALL(upstream_, List(_, _, _))
      .WillOnce(AnswerWith<TokenPage>(ListingWith({"to1", "to2"})));
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to1")), _, _))
      .WillOnce(AnswerWith<Empty>(Empty()));
  EXPECT_CALL(upstream_, Delete(Eq(absl::string_view("to2")), _, _))
      .WillOnce(AnswerWith<Empty>(Empty()));
  const Answer<PurgeResult> purged = PurgeUnowned(/*force=*/true);
  ASSERT_EQ(purged.times(), 1);
  ASSERT_TRUE(purged.value().ok()) << purged.value().status();
  EXPECT_EQ(purged.value()->count, 2);
  EXPECT_THAT(purged.value()->sample, ElementsAre("to1", "to2"));
  ASSERT_EQ(audit_.events().size(), 2u);
  EXPECT_EQ(audit_.events()[0].token(), "to1");
}

TEST_F(UnownedTokenPurgeTest, ADryRunCountsAndDeletesNothing) {
  EXPECT_CALL(upstream_, List(_, _, _))
      .WillOnce(AnswerWith<TokenPage>(ListingWith({"to1", "to2", "to3"})));
  EXPECT_CALL(upstream_, Delete(_, _, _)).Times(0);
  const Answer<PurgeResult> counted = PurgeUnowned(/*force=*/false);
  ASSERT_TRUE(counted.value().ok());
  EXPECT_EQ(counted.value()->count, 3);
  EXPECT_THAT(counted.value()->sample, ElementsAre("to1", "to2", "to3"));
  EXPECT_THAT(audit_.events(), IsEmpty());
}

TEST_F(UnownedTokenPurgeTest, AListingThatFailsDeletesNothing) {
  EXPECT_CALL(upstream_, List(_, _, _))
      .WillOnce(
          AnswerWith<TokenPage>(absl::UnavailableError("api.video down")));
  EXPECT_CALL(upstream_, Delete(_, _, _)).Times(0);
  const Answer<PurgeResult> purged = PurgeUnowned(/*force=*/true);
  ASSERT_EQ(purged.times(), 1);
  EXPECT_EQ(purged.code(), absl::StatusCode::kUnavailable);
}

TEST_F(UnownedTokenPurgeTest, ACancelDuringTheListingDeletesNothing) {
  HeldCall<TokenPage> listing;
  EXPECT_CALL(upstream_, List(_, _, _)).WillOnce(listing.Action());
  EXPECT_CALL(upstream_, Delete(_, _, _)).Times(0);
  const Answer<PurgeResult> purged = PurgeUnowned(/*force=*/true);
  handle_->Cancel();
  EXPECT_EQ(listing.handle->cancels(), 1);
  listing.Complete(ListingWith({"to1"}));
  ASSERT_EQ(purged.times(), 1);
  EXPECT_EQ(purged.code(), absl::StatusCode::kCancelled);
}

TEST_F(UnownedTokenPurgeTest, ACancelDuringTheDeletesCancelsThem) {
  EXPECT_CALL(upstream_, List(_, _, _))
      .WillOnce(AnswerWith<TokenPage>(ListingWith({"to1"})));
  HeldCall<Empty> deletion;
  EXPECT_CALL(upstream_, Delete(_, _, _)).WillOnce(deletion.Action());
  const Answer<PurgeResult> purged = PurgeUnowned(/*force=*/true);
  handle_->Cancel();
  EXPECT_EQ(deletion.handle->cancels(), 1);
  deletion.Complete(absl::CancelledError("cancelled"));
  ASSERT_EQ(purged.times(), 1);
  EXPECT_EQ(purged.code(), absl::StatusCode::kCancelled);
}

TEST(CountedForPurgeTest, CountsEveryTokenAndSamplesTheFirstHundred) {
  std::vector<std::string> tokens;
  tokens.reserve(150);
  for (int i = 0; i < 150; ++i) tokens.push_back(absl::StrCat("to", i));
  const PurgeResult counted = CountedForPurge(tokens);
  EXPECT_EQ(counted.count, 150);
  ASSERT_EQ(counted.sample.size(), static_cast<std::size_t>(kMaxPurgeSample));
  EXPECT_EQ(counted.sample.front(), "to0");
  EXPECT_EQ(counted.sample.back(), "to99");
}

}  // namespace
}  // namespace gateway::governance
