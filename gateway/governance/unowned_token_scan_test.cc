#include "gateway/governance/unowned_token_scan.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gateway/apivideo/testing/mock_upload_token_stub.h"
#include "gateway/apivideo/testing/stub_answers.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::gateway::apivideo::CallOptions;
using ::gateway::apivideo::ListQuery;
using ::gateway::apivideo::SortField;
using ::gateway::apivideo::SortOrder;
using ::gateway::apivideo::TokenPage;
using ::gateway::apivideo::UploadToken;
using ::gateway::apivideo::testing::Answer;
using ::gateway::apivideo::testing::AnswerWith;
using ::gateway::apivideo::testing::HeldCall;
using ::gateway::apivideo::testing::MockUploadTokenStub;
using ::testing::_;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

UploadToken Token(const std::string& name, absl::Time created_at,
                  const std::string& creator = "") {
  UploadToken token;
  token.set_token(name);
  token.set_creator(creator);
  *token.mutable_created_at() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
          absl::ToUnixNanos(created_at));
  return token;
}

TokenPage Page(std::int32_t page, std::int32_t page_count,
               std::vector<UploadToken> tokens) {
  TokenPage result;
  result.page = page;
  result.page_count = page_count;
  for (UploadToken& token : tokens) *result.tokens.Add() = std::move(token);
  return result;
}

auto PageNumber(std::int32_t page) {
  return Field(&ListQuery::current_page, page);
}

class UnownedTokenScanTest : public ::testing::Test {
 protected:
  Answer<std::vector<std::string>> Scan() {
    UnownedTokenScanOptions options;
    options.created_before = kNow - absl::Minutes(1);
    CallOptions call;
    call.caller = "ops";
    Answer<std::vector<std::string>> answer;
    handle_ =
        StartUnownedTokenScan(upstream_, call, options, answer.Callback());
    return answer;
  }

  MockUploadTokenStub upstream_;
  std::shared_ptr<Cancellable> handle_;
};

TEST_F(UnownedTokenScanTest, KeepsTheTokensOfNoKnownCreatorOnEveryPage) {
  const absl::Time old = kNow - absl::Hours(1);
  EXPECT_CALL(upstream_, List(PageNumber(1), _, _))
      .WillOnce(AnswerWith<TokenPage>(
          Page(1, 2, {Token("to1", old), Token("to2", old, "web")})));
  EXPECT_CALL(upstream_, List(PageNumber(2), _, _))
      .WillOnce(AnswerWith<TokenPage>(Page(2, 2, {Token("to3", old)})));
  const Answer<std::vector<std::string>> found = Scan();
  ASSERT_EQ(found.times(), 1);
  ASSERT_TRUE(found.value().ok()) << found.value().status();
  EXPECT_THAT(*found.value(), ElementsAre("to1", "to3"));
}

TEST_F(UnownedTokenScanTest, AsksForTheOldestFirstAHundredAPage) {
  EXPECT_CALL(upstream_,
              List(AllOf(Field(&ListQuery::sort_field, SortField::kCreatedAt),
                         Field(&ListQuery::sort_order, SortOrder::kAscending),
                         Field(&ListQuery::page_size, 100), PageNumber(1)),
                   _, _))
      .WillOnce(AnswerWith<TokenPage>(Page(1, 1, {})));
  EXPECT_TRUE(Scan().value().ok());
}

TEST_F(UnownedTokenScanTest, LeavesOutTokensCreatedSinceTheCutOff) {
  EXPECT_CALL(upstream_, List(_, _, _))
      .WillOnce(AnswerWith<TokenPage>(
          Page(1, 1,
               {Token("old", kNow - absl::Minutes(2)),
                Token("at-the-cut-off", kNow - absl::Minutes(1)),
                Token("young", kNow - absl::Seconds(5))})));
  EXPECT_THAT(*Scan().value(), ElementsAre("old"));
}

TEST_F(UnownedTokenScanTest, LeavesOutATokenWithoutACreationTime) {
  UploadToken undated;
  undated.set_token("undated");
  TokenPage page = Page(1, 1, {});
  *page.tokens.Add() = undated;
  EXPECT_CALL(upstream_, List(_, _, _)).WillOnce(AnswerWith<TokenPage>(page));
  EXPECT_THAT(*Scan().value(), IsEmpty());
}

TEST_F(UnownedTokenScanTest, AnEmptyPageEndsTheScan) {
  EXPECT_CALL(upstream_, List(PageNumber(1), _, _))
      .WillOnce(AnswerWith<TokenPage>(Page(1, 5, {})));
  EXPECT_THAT(*Scan().value(), IsEmpty());
}

TEST_F(UnownedTokenScanTest, AFailedPageEndsTheScanWithItsError) {
  EXPECT_CALL(upstream_, List(PageNumber(1), _, _))
      .WillOnce(AnswerWith<TokenPage>(
          Page(1, 3, {Token("to1", kNow - absl::Hours(1))})));
  EXPECT_CALL(upstream_, List(PageNumber(2), _, _))
      .WillOnce(AnswerWith<TokenPage>(
          absl::ResourceExhaustedError("read window used up")));
  const Answer<std::vector<std::string>> found = Scan();
  ASSERT_EQ(found.times(), 1);
  EXPECT_EQ(found.code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(UnownedTokenScanTest, PagesAreAskedForOneAfterAnotherAsTheCaller) {
  HeldCall<TokenPage> first;
  EXPECT_CALL(upstream_, List(PageNumber(1), _, _)).WillOnce(first.Action());
  const Answer<std::vector<std::string>> found = Scan();
  EXPECT_EQ(first.options.caller, "ops");
  // Page 2 is asked for only once page 1 answered: no expectation for it
  // yet, so asking earlier would fail here.
  ::testing::Mock::VerifyAndClearExpectations(&upstream_);
  HeldCall<TokenPage> second;
  EXPECT_CALL(upstream_, List(PageNumber(2), _, _)).WillOnce(second.Action());
  first.Complete(Page(1, 2, {Token("to1", kNow - absl::Hours(1))}));
  EXPECT_FALSE(found.answered());
  second.Complete(Page(2, 2, {Token("to2", kNow - absl::Hours(1))}));
  ASSERT_EQ(found.times(), 1);
  EXPECT_THAT(*found.value(), ElementsAre("to1", "to2"));
}

TEST_F(UnownedTokenScanTest, CancellingCancelsThePageInFlight) {
  HeldCall<TokenPage> first;
  EXPECT_CALL(upstream_, List(_, _, _)).WillOnce(first.Action());
  const Answer<std::vector<std::string>> found = Scan();
  handle_->Cancel();
  EXPECT_EQ(first.handle->cancels(), 1);
  first.Complete(absl::CancelledError("cancelled"));
  ASSERT_EQ(found.times(), 1);
  EXPECT_EQ(found.code(), absl::StatusCode::kCancelled);
}

TEST_F(UnownedTokenScanTest, ACancelBetweenPagesAsksForNoMore) {
  HeldCall<TokenPage> first;
  EXPECT_CALL(upstream_, List(PageNumber(1), _, _)).WillOnce(first.Action());
  const Answer<std::vector<std::string>> found = Scan();
  handle_->Cancel();
  // The page answers anyway (the cancel came too late for it).
  first.Complete(Page(1, 3, {Token("to1", kNow - absl::Hours(1))}));
  ASSERT_EQ(found.times(), 1);
  EXPECT_EQ(found.code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace gateway::governance
