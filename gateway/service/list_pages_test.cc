#include "gateway/service/list_pages.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::service {
namespace {

using ::apivideo::uploadtokens::v1::ListUploadTokensRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensResponse;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Property;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

constexpr absl::string_view kSecret = "list-pages-test-secret";

// The fields named in the BadRequest of `status`, in order.
std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  if (!bad_request.has_value()) return fields;
  for (const auto& violation : bad_request->field_violations()) {
    fields.push_back(violation.field());
  }
  return fields;
}

ListUploadTokensRequest Request(std::int32_t page_size,
                                absl::string_view order_by = "",
                                absl::string_view page_token = "") {
  ListUploadTokensRequest request;
  request.set_page_size(page_size);
  request.set_order_by(std::string(order_by));
  request.set_page_token(std::string(page_token));
  return request;
}

// An upstream page holding `count` tokens.
apivideo::TokenPage Page(int count, int current_page, int pages_total,
                         int items_total) {
  apivideo::TokenPage page;
  for (int i = 0; i < count; ++i) {
    auto* token = page.tokens.Add();
    token->set_token(absl::StrCat("to", current_page, "x", i));
    token->set_ttl(60);
    token->mutable_created_at()->set_seconds(1606903999);
  }
  page.page = current_page;
  page.page_count = pages_total;
  page.total_tokens = items_total;
  return page;
}

class PlanListCallTest : public ::testing::Test {
 protected:
  PageTokenCodec codec_{kSecret};
};

TEST_F(PlanListCallTest, FirstPageDefaults) {
  const absl::StatusOr<ListPlan> plan = PlanListCall(Request(0), codec_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.page_size, 25);
  EXPECT_EQ(plan->query.current_page, 1);
  EXPECT_EQ(plan->query.sort_field, apivideo::SortField::kDefault);
  EXPECT_EQ(plan->order_by, "");
}

TEST_F(PlanListCallTest, PageSizeZeroMeansTwentyFive) {
  EXPECT_EQ(PlanListCall(Request(0), codec_)->query.page_size, 25);
}

TEST_F(PlanListCallTest, PageSizeOneIsKept) {
  EXPECT_EQ(PlanListCall(Request(1), codec_)->query.page_size, 1);
}

TEST_F(PlanListCallTest, PageSizeHundredIsKept) {
  EXPECT_EQ(PlanListCall(Request(100), codec_)->query.page_size, 100);
}

TEST_F(PlanListCallTest, PageSizeAboveHundredIsCappedAtHundred) {
  EXPECT_EQ(PlanListCall(Request(101), codec_)->query.page_size, 100);
  EXPECT_EQ(
      PlanListCall(Request(std::numeric_limits<std::int32_t>::max()), codec_)
          ->query.page_size,
      100);
}

TEST_F(PlanListCallTest, NegativePageSizeIsViolation) {
  const absl::StatusOr<ListPlan> plan = PlanListCall(Request(-1), codec_);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(plan.status()), ElementsAre("page_size"));
}

TEST_F(PlanListCallTest, OrderByIsParsedIntoQuery) {
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(10, "ttl desc"), codec_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.sort_field, apivideo::SortField::kTtl);
  EXPECT_EQ(plan->query.sort_order, apivideo::SortOrder::kDescending);
  EXPECT_EQ(plan->order_by, "ttl desc");
}

TEST_F(PlanListCallTest, BadOrderByIsViolation) {
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(10, "createdAt"), codec_);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(plan.status()), ElementsAre("order_by"));
}

TEST_F(PlanListCallTest, ReportsPageSizeAndOrderByViolationsTogether) {
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(-5, "size desc"), codec_);
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(ViolatedFields(plan.status()),
              UnorderedElementsAre("page_size", "order_by"));
}

TEST_F(PlanListCallTest, GarbagePageTokenIsPageTokenViolation) {
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(10, "", "garbage"), codec_);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(plan.status()), ElementsAre("page_token"));
}

TEST_F(PlanListCallTest, PageTokenContinuesAtRecordedOffset) {
  const std::string token = codec_.Encode({"created_at asc", 50});
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(25, "created_at", token), codec_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.current_page, 3);  // items 50..74
  EXPECT_EQ(plan->query.page_size, 25);
}

TEST_F(PlanListCallTest, PageTokenWorksWithEquivalentOrderBySpelling) {
  const std::string token = codec_.Encode({"created_at asc", 25});
  EXPECT_TRUE(
      PlanListCall(Request(25, " created_at  asc ", token), codec_).ok());
}

TEST_F(PlanListCallTest, RejectsPageTokenFromAnotherOrderBy) {
  const std::string token = codec_.Encode({"created_at asc", 25});
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(25, "created_at desc", token), codec_);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(plan.status()), ElementsAre("page_token"));
}

TEST_F(PlanListCallTest, RejectsDefaultOrderTokenUsedWithExplicitOrder) {
  const std::string token = codec_.Encode({"", 25});
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(25, "created_at", token), codec_);
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(ViolatedFields(plan.status()), ElementsAre("page_token"));
}

TEST_F(PlanListCallTest, RejectsPageTokenFromAnotherDeployment) {
  const std::string token = PageTokenCodec("other-key").Encode({"", 25});
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(25, "", token), codec_);
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(ViolatedFields(plan.status()), ElementsAre("page_token"));
}

TEST_F(PlanListCallTest, AcceptsNewPageSizeThatDividesOffset) {
  const std::string token = codec_.Encode({"", 50});  // after 2 pages of 25
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(10, "", token), codec_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.page_size, 10);
  EXPECT_EQ(plan->query.current_page, 6);  // items 50..59
}

TEST_F(PlanListCallTest, RejectsNewPageSizeThatDoesNotDivideOffset) {
  const std::string token = codec_.Encode({"", 50});
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(20, "", token), codec_);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(plan.status()), ElementsAre("page_size"));
}

TEST_F(PlanListCallTest, DefaultPageSizeIsCheckedAgainstOffset) {
  const std::string token = codec_.Encode({"", 30});
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(0, "", token), codec_);
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(ViolatedFields(plan.status()), ElementsAre("page_size"));
}

TEST_F(PlanListCallTest, RejectsPageBeyondInt32) {
  // Page offset / 1 + 1 = 2^31.
  const std::int64_t offset = std::numeric_limits<std::int32_t>::max();
  const std::string token = codec_.Encode({"", offset});
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(1, "", token), codec_);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(plan.status()), ElementsAre("page_token"));
}

TEST_F(PlanListCallTest, AcceptsLastPageThatFitsInt32) {
  const std::int64_t offset =
      static_cast<std::int64_t>(std::numeric_limits<std::int32_t>::max()) - 1;
  const std::string token = codec_.Encode({"", offset});
  const absl::StatusOr<ListPlan> plan =
      PlanListCall(Request(1, "", token), codec_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.current_page, std::numeric_limits<std::int32_t>::max());
}

class BuildListResponseTest : public ::testing::Test {
 protected:
  ListPlan PlanFor(const ListUploadTokensRequest& request) {
    absl::StatusOr<ListPlan> plan = PlanListCall(request, codec_);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return *plan;
  }

  PageTokenCodec codec_{kSecret};
};

TEST_F(BuildListResponseTest, NonLastPageGetsTokenForNextOffset) {
  const ListPlan plan = PlanFor(Request(10, "ttl desc"));
  ListUploadTokensResponse response;
  BuildListResponse(plan, Page(10, 1, 3, 25), codec_, response);
  ASSERT_FALSE(response.next_page_token().empty());
  const absl::StatusOr<PageCursor> cursor =
      codec_.Decode(response.next_page_token());
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->offset, 10);
  EXPECT_EQ(cursor->order_by, "ttl desc");
}

TEST_F(BuildListResponseTest, MovesTokensInOrder) {
  const ListPlan plan = PlanFor(Request(3));
  ListUploadTokensResponse response;
  BuildListResponse(plan, Page(3, 1, 1, 3), codec_, response);
  EXPECT_THAT(
      response.upload_tokens(),
      ElementsAre(
          Property(&::apivideo::uploadtokens::v1::UploadToken::token, "to1x0"),
          Property(&::apivideo::uploadtokens::v1::UploadToken::token, "to1x1"),
          Property(&::apivideo::uploadtokens::v1::UploadToken::token,
                   "to1x2")));
}

TEST_F(BuildListResponseTest, SetsTotalSizeFromItemsTotal) {
  const ListPlan plan = PlanFor(Request(10));
  ListUploadTokensResponse response;
  BuildListResponse(plan, Page(10, 1, 5, 47), codec_, response);
  EXPECT_EQ(response.total_size(), 47);
}

TEST_F(BuildListResponseTest, ExactLastPageHasNoNextToken) {
  const ListPlan plan = PlanFor(Request(10));
  ListUploadTokensResponse response;
  BuildListResponse(plan, Page(10, 1, 1, 10), codec_, response);
  EXPECT_THAT(response.next_page_token(), IsEmpty());
  EXPECT_THAT(response.upload_tokens(), SizeIs(10));
}

TEST_F(BuildListResponseTest, EmptyPageHasNoNextTokenEvenIfMorePagesCounted) {
  const ListPlan plan = PlanFor(Request(10));
  ListUploadTokensResponse response;
  BuildListResponse(plan, Page(0, 1, 4, 40), codec_, response);
  EXPECT_THAT(response.next_page_token(), IsEmpty());
  EXPECT_THAT(response.upload_tokens(), IsEmpty());
}

TEST_F(BuildListResponseTest, EmptyListingHasNoNextTokenAndZeroTotal) {
  const ListPlan plan = PlanFor(Request(0));
  ListUploadTokensResponse response;
  BuildListResponse(plan, Page(0, 1, 0, 0), codec_, response);
  EXPECT_THAT(response.next_page_token(), IsEmpty());
  EXPECT_EQ(response.total_size(), 0);
}

TEST_F(BuildListResponseTest, WalksHundredAndOneTokensInPagesOfHundred) {
  // Page 1: 100 tokens of 101.
  const ListPlan first = PlanFor(Request(100, "created_at"));
  EXPECT_EQ(first.query.current_page, 1);
  ListUploadTokensResponse response;
  BuildListResponse(first, Page(100, 1, 2, 101), codec_, response);
  EXPECT_THAT(response.upload_tokens(), SizeIs(100));
  EXPECT_EQ(response.total_size(), 101);
  ASSERT_FALSE(response.next_page_token().empty());

  // Page 2: the last token.
  const ListPlan second =
      PlanFor(Request(100, "created_at", response.next_page_token()));
  EXPECT_EQ(second.query.current_page, 2);
  EXPECT_EQ(second.query.page_size, 100);
  ListUploadTokensResponse last;
  BuildListResponse(second, Page(1, 2, 2, 101), codec_, last);
  EXPECT_THAT(last.upload_tokens(), SizeIs(1));
  EXPECT_EQ(last.total_size(), 101);
  EXPECT_THAT(last.next_page_token(), IsEmpty());
}

TEST_F(BuildListResponseTest, PageSizeAboveHundredWalksLikeHundred) {
  const ListPlan first = PlanFor(Request(500));
  ListUploadTokensResponse response;
  BuildListResponse(first, Page(100, 1, 2, 101), codec_, response);
  const ListPlan second = PlanFor(Request(500, "", response.next_page_token()));
  EXPECT_EQ(second.query.current_page, 2);
}

}  // namespace
}  // namespace gateway::service
