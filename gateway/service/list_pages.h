// ListUploadTokens over api.video's numbered pages.
//
// A call's page_size, order_by and page_token become one upstream page
// request (PlanListCall); the upstream page becomes the response with the
// next page token (BuildListResponse). A page token records the position of
// the next page, so a caller may change page_size between calls as long as
// the new size divides that position (keeping the same size always works).

#ifndef GATEWAY_SERVICE_LIST_PAGES_H_
#define GATEWAY_SERVICE_LIST_PAGES_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "apivideo/uploadtokens/v1/upload_tokens.pb.h"
#include "gateway/apivideo/routes.h"
#include "gateway/apivideo/token_page.h"
#include "gateway/service/list_filter.h"
#include "gateway/service/page_token.h"

namespace gateway::service {

struct ListPlan {
  apivideo::ListQuery query;
  // Normalized order_by, recorded in the next page token.
  std::string order_by;
  // The filter (list_filter.h), recorded in the next page token.
  ListFilter filter;
};

// Validates `request` (page_size, order_by, filter, page_token; all problems
// at once)
// and works out the upstream page to fetch.
absl::StatusOr<ListPlan> PlanListCall(
    const ::apivideo::uploadtokens::v1::ListUploadTokensRequest& request,
    const PageTokenCodec& codec);

// Moves the tokens of `page` into `response` and sets total_size and,
// unless `page` is the last one, next_page_token. With `keep`, only the
// tokens it keeps (the page may come out short, or empty, and still have a
// next page).
void BuildListResponse(
    const ListPlan& plan, apivideo::TokenPage page, const PageTokenCodec& codec,
    ::apivideo::uploadtokens::v1::ListUploadTokensResponse& response,
    const std::function<bool(const apivideo::UploadToken&)>& keep = nullptr);

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_LIST_PAGES_H_
