#include "gateway/service/list_pages.h"

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/status_details.h"
#include "gateway/common/testing/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::service {
namespace {

using ::apivideo::uploadtokens::v1::ListUploadTokensRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensResponse;
using ::gateway::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr absl::string_view kSecret = "list-pages-test-secret";

// Matches a plan refused as an invalid request whose BadRequest names the
// fields that `fields` matches.
::testing::Matcher<absl::StatusOr<ListPlan>> IsRejectedFor(
    ::testing::Matcher<std::vector<std::string>> fields) {
  return ::testing::ResultOf(
      "status",
      [](const absl::StatusOr<ListPlan>& plan) { return plan.status(); },
      ::testing::AllOf(::testing::Property("code", &absl::Status::code,
                                           absl::StatusCode::kInvalidArgument),
                       ::testing::ResultOf("BadRequest field names",
                                           ViolatedFields, fields)));
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

class ListPagesTest : public ::testing::Test {
 protected:
  // PlanListCall for a request with these fields.
  absl::StatusOr<ListPlan> Plan(std::int32_t page_size,
                                absl::string_view order_by = "",
                                absl::string_view page_token = "") {
    ListUploadTokensRequest request;
    request.set_page_size(page_size);
    request.set_order_by(std::string(order_by));
    request.set_page_token(std::string(page_token));
    return PlanListCall(request, codec_);
  }

  PageTokenCodec codec_{kSecret};
};

class PlanListCallTest : public ListPagesTest {};

TEST_F(PlanListCallTest, FirstPageDefaults) {
  const absl::StatusOr<ListPlan> plan = Plan(0);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.page_size, 25);
  EXPECT_EQ(plan->query.current_page, 1);
  EXPECT_EQ(plan->query.sort_field, apivideo::SortField::kDefault);
  EXPECT_EQ(plan->order_by, "");
}

struct PageSizeCase {
  const char* name;
  std::int32_t requested;
  int planned;
};

void PrintTo(const PageSizeCase& c, std::ostream* os) { *os << c.requested; }

const PageSizeCase kPageSizeCases[] = {
    {"ZeroMeansTwentyFive", 0, 25},
    {"OneIsKept", 1, 1},
    {"HundredIsKept", 100, 100},
    {"AboveHundredIsCappedAtHundred", 101, 100},
    {"Int32MaxIsCappedAtHundred", std::numeric_limits<std::int32_t>::max(),
     100},
};

class PlanListCallPageSizeTest
    : public ListPagesTest,
      public ::testing::WithParamInterface<PageSizeCase> {};

TEST_P(PlanListCallPageSizeTest, IsThePlannedPageSize) {
  const absl::StatusOr<ListPlan> plan = Plan(GetParam().requested);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.page_size, GetParam().planned);
}

INSTANTIATE_TEST_SUITE_P(
    PageSize, PlanListCallPageSizeTest, ::testing::ValuesIn(kPageSizeCases),
    [](const ::testing::TestParamInfo<PageSizeCase>& info) {
      return std::string(info.param.name);
    });

TEST_F(PlanListCallTest, NegativePageSizeIsViolation) {
  EXPECT_THAT(Plan(-1), IsRejectedFor(ElementsAre("page_size")));
}

TEST_F(PlanListCallTest, OrderByIsParsedIntoQuery) {
  const absl::StatusOr<ListPlan> plan = Plan(10, "ttl desc");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.sort_field, apivideo::SortField::kTtl);
  EXPECT_EQ(plan->query.sort_order, apivideo::SortOrder::kDescending);
  EXPECT_EQ(plan->order_by, "ttl desc");
}

TEST_F(PlanListCallTest, BadOrderByIsViolation) {
  EXPECT_THAT(Plan(10, "createdAt"), IsRejectedFor(ElementsAre("order_by")));
}

TEST_F(PlanListCallTest, ReportsPageSizeAndOrderByViolationsTogether) {
  EXPECT_THAT(
      Plan(-5, "size desc"),
      IsRejectedFor(::testing::UnorderedElementsAre("page_size", "order_by")));
}

TEST_F(PlanListCallTest, GarbagePageTokenIsPageTokenViolation) {
  EXPECT_THAT(Plan(10, "", "garbage"),
              IsRejectedFor(ElementsAre("page_token")));
}

TEST_F(PlanListCallTest, PageTokenContinuesAtRecordedOffset) {
  const absl::StatusOr<ListPlan> plan =
      Plan(25, "created_at", codec_.Encode({"created_at asc", 50, ""}));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.current_page, 3);  // items 50..74
  EXPECT_EQ(plan->query.page_size, 25);
}

TEST_F(PlanListCallTest, PageTokenWorksWithEquivalentOrderBySpelling) {
  const std::string token = codec_.Encode({"created_at asc", 25, ""});
  EXPECT_TRUE(Plan(25, " created_at  asc ", token).ok());
}

TEST_F(PlanListCallTest, RejectsPageTokenFromAnotherOrderBy) {
  const std::string token = codec_.Encode({"created_at asc", 25, ""});
  EXPECT_THAT(Plan(25, "created_at desc", token),
              IsRejectedFor(ElementsAre("page_token")));
}

TEST_F(PlanListCallTest, RejectsDefaultOrderTokenUsedWithExplicitOrder) {
  const std::string token = codec_.Encode({"", 25, ""});
  EXPECT_THAT(Plan(25, "created_at", token),
              IsRejectedFor(ElementsAre("page_token")));
}

TEST_F(PlanListCallTest, RejectsPageTokenFromAnotherDeployment) {
  const std::string token = PageTokenCodec("other-key").Encode({"", 25, ""});
  EXPECT_THAT(Plan(25, "", token), IsRejectedFor(ElementsAre("page_token")));
}

TEST_F(PlanListCallTest, AcceptsNewPageSizeThatDividesOffset) {
  const std::string token = codec_.Encode({"", 50, ""});  // after 2 pages of 25
  const absl::StatusOr<ListPlan> plan = Plan(10, "", token);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.page_size, 10);
  EXPECT_EQ(plan->query.current_page, 6);  // items 50..59
}

TEST_F(PlanListCallTest, RejectsNewPageSizeThatDoesNotDivideOffset) {
  const std::string token = codec_.Encode({"", 50, ""});
  EXPECT_THAT(Plan(20, "", token), IsRejectedFor(ElementsAre("page_size")));
}

TEST_F(PlanListCallTest, DefaultPageSizeIsCheckedAgainstOffset) {
  const std::string token = codec_.Encode({"", 30, ""});
  EXPECT_THAT(Plan(0, "", token), IsRejectedFor(ElementsAre("page_size")));
}

TEST_F(PlanListCallTest, RejectsPageBeyondInt32) {
  // Page offset / 1 + 1 = 2^31.
  const std::int64_t offset = std::numeric_limits<std::int32_t>::max();
  EXPECT_THAT(Plan(1, "", codec_.Encode({"", offset, ""})),
              IsRejectedFor(ElementsAre("page_token")));
}

TEST_F(PlanListCallTest, AcceptsLastPageThatFitsInt32) {
  const std::int64_t offset =
      static_cast<std::int64_t>(std::numeric_limits<std::int32_t>::max()) - 1;
  const absl::StatusOr<ListPlan> plan =
      Plan(1, "", codec_.Encode({"", offset, ""}));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->query.current_page, std::numeric_limits<std::int32_t>::max());
}

class BuildListResponseTest : public ListPagesTest {
 protected:
  // The response BuildListResponse makes of `page`, fetched for a request
  // with these fields.
  ListUploadTokensResponse Respond(const apivideo::TokenPage& page,
                                   std::int32_t page_size,
                                   absl::string_view order_by = "",
                                   absl::string_view page_token = "") {
    const absl::StatusOr<ListPlan> plan = Plan(page_size, order_by, page_token);
    EXPECT_TRUE(plan.ok()) << plan.status();
    ListUploadTokensResponse response;
    if (plan.ok()) BuildListResponse(*plan, page, codec_, response);
    return response;
  }
};

TEST_F(BuildListResponseTest, NonLastPageGetsTokenForNextOffset) {
  const ListUploadTokensResponse response =
      Respond(Page(10, 1, 3, 25), 10, "ttl desc");
  ASSERT_FALSE(response.next_page_token().empty());
  const absl::StatusOr<PageCursor> cursor =
      codec_.Decode(response.next_page_token());
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->offset, 10);
  EXPECT_EQ(cursor->order_by, "ttl desc");
}

TEST_F(BuildListResponseTest, MovesTokensInOrder) {
  const ListUploadTokensResponse response = Respond(Page(3, 1, 1, 3), 3);
  std::vector<std::string> tokens;
  for (const auto& token : response.upload_tokens()) {
    tokens.push_back(token.token());
  }
  EXPECT_THAT(tokens, ElementsAre("to1x0", "to1x1", "to1x2"));
}

TEST_F(BuildListResponseTest, SetsTotalSizeFromItemsTotal) {
  EXPECT_EQ(Respond(Page(10, 1, 5, 47), 10).total_size(), 47);
}

TEST_F(BuildListResponseTest, ExactLastPageHasNoNextToken) {
  const ListUploadTokensResponse response = Respond(Page(10, 1, 1, 10), 10);
  EXPECT_THAT(response.next_page_token(), IsEmpty());
  EXPECT_THAT(response.upload_tokens(), SizeIs(10));
}

TEST_F(BuildListResponseTest, EmptyPageHasNoNextTokenEvenIfMorePagesCounted) {
  const ListUploadTokensResponse response = Respond(Page(0, 1, 4, 40), 10);
  EXPECT_THAT(response.next_page_token(), IsEmpty());
  EXPECT_THAT(response.upload_tokens(), IsEmpty());
}

TEST_F(BuildListResponseTest, APageTheFilterEmptiedStillHasItsNextToken) {
  const absl::StatusOr<ListPlan> plan = Plan(10, "", "");
  ASSERT_TRUE(plan.ok()) << plan.status();
  ListUploadTokensResponse response;
  BuildListResponse(*plan, Page(10, 1, 3, 25), codec_, response,
                    [](const apivideo::UploadToken&) { return false; });
  EXPECT_THAT(response.upload_tokens(), IsEmpty());
  EXPECT_THAT(response.next_page_token(), Not(IsEmpty()));
}

TEST_F(BuildListResponseTest, TheFilterKeepsOnlyWhatItKeepsInOrder) {
  const absl::StatusOr<ListPlan> plan = Plan(3, "", "");
  ASSERT_TRUE(plan.ok()) << plan.status();
  ListUploadTokensResponse response;
  BuildListResponse(*plan, Page(3, 1, 1, 3), codec_, response,
                    [](const apivideo::UploadToken& token) {
                      return token.token() != "to1x1";
                    });
  std::vector<std::string> tokens;
  for (const auto& token : response.upload_tokens()) {
    tokens.push_back(token.token());
  }
  EXPECT_THAT(tokens, ElementsAre("to1x0", "to1x2"));
}

TEST_F(BuildListResponseTest, EmptyListingHasNoNextTokenAndZeroTotal) {
  const ListUploadTokensResponse response = Respond(Page(0, 1, 0, 0), 0);
  EXPECT_THAT(response.next_page_token(), IsEmpty());
  EXPECT_EQ(response.total_size(), 0);
}

TEST_F(BuildListResponseTest, WalksHundredAndOneTokensInPagesOfHundred) {
  // Page 1: 100 tokens of 101.
  EXPECT_EQ(Plan(100, "created_at")->query.current_page, 1);
  const ListUploadTokensResponse first =
      Respond(Page(100, 1, 2, 101), 100, "created_at");
  EXPECT_THAT(first.upload_tokens(), SizeIs(100));
  EXPECT_EQ(first.total_size(), 101);
  ASSERT_FALSE(first.next_page_token().empty());

  // Page 2: the last token.
  const absl::StatusOr<ListPlan> second =
      Plan(100, "created_at", first.next_page_token());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->query.current_page, 2);
  EXPECT_EQ(second->query.page_size, 100);
  const ListUploadTokensResponse last =
      Respond(Page(1, 2, 2, 101), 100, "created_at", first.next_page_token());
  EXPECT_THAT(last.upload_tokens(), SizeIs(1));
  EXPECT_EQ(last.total_size(), 101);
  EXPECT_THAT(last.next_page_token(), IsEmpty());
}

TEST_F(BuildListResponseTest, PageSizeAboveHundredWalksLikeHundred) {
  const ListUploadTokensResponse first = Respond(Page(100, 1, 2, 101), 500);
  const absl::StatusOr<ListPlan> second =
      Plan(500, "", first.next_page_token());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->query.current_page, 2);
}

}  // namespace
}  // namespace gateway::service
