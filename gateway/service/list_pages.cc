#include "gateway/service/list_pages.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_details.h"
#include "gateway/service/validation.h"

namespace gateway::service {

absl::StatusOr<ListPlan> PlanListCall(
    const ::apivideo::uploadtokens::v1::ListUploadTokensRequest& request,
    const PageTokenCodec& codec) {
  FieldViolations violations;
  ListPlan plan;

  std::int32_t page_size = request.page_size();
  if (page_size < 0) {
    violations.Add("page_size",
                   absl::StrCat("must not be negative, got ", page_size));
  } else if (page_size == 0) {
    page_size = kDefaultPageSize;
  } else if (page_size > kMaxPageSize) {
    page_size = kMaxPageSize;
  }
  plan.query.page_size = page_size;

  const std::optional<OrderBy> order_by = ParseOrderBy(request.order_by());
  if (!order_by.has_value()) {
    violations.Add("order_by",
                   "must be \"\", \"created_at\" or \"ttl\", optionally "
                   "followed by \" asc\" or \" desc\"");
  } else {
    plan.query.sort_field = order_by->field;
    plan.query.sort_order = order_by->order;
    plan.order_by = order_by->normalized;
  }

  if (absl::StatusOr<ListFilter> filter = ParseListFilter(request.filter());
      filter.ok()) {
    plan.filter = *std::move(filter);
  } else {
    violations.Add("filter", filter.status().message());
  }

  // The token can only be judged against a valid order, filter and page
  // size.
  if (!request.page_token().empty() && violations.empty()) {
    absl::StatusOr<PageCursor> cursor = codec.Decode(request.page_token());
    if (!cursor.ok()) return cursor.status();
    if (cursor->order_by != plan.order_by) {
      violations.Add(
          "page_token",
          absl::StrCat("was issued for order_by \"", cursor->order_by,
                       "\", not \"", plan.order_by,
                       "\"; start again without a page_token to change "
                       "the order"));
    } else if (cursor->filter != plan.filter.normalized) {
      violations.Add(
          "page_token",
          absl::StrCat("was issued for filter '", cursor->filter, "', not '",
                       plan.filter.normalized,
                       "'; start again without a page_token to change the "
                       "filter"));
    } else if (cursor->offset % page_size != 0) {
      violations.Add(
          "page_size",
          absl::StrCat("must divide the position the page_token continues "
                       "from (",
                       cursor->offset,
                       "); use the page_size of the call that returned it"));
    } else {
      const std::int64_t page = cursor->offset / page_size + 1;
      if (page > std::numeric_limits<std::int32_t>::max()) {
        violations.Add("page_token", "points beyond the last page");
      } else {
        plan.query.current_page = static_cast<std::int32_t>(page);
      }
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return plan;
}

void BuildListResponse(
    const ListPlan& plan, apivideo::TokenPage page, const PageTokenCodec& codec,
    ::apivideo::uploadtokens::v1::ListUploadTokensResponse& response,
    const std::function<bool(const apivideo::UploadToken&)>& keep) {
  response.set_total_size(page.total_tokens);
  // An empty page ends the listing even if the upstream counts more pages,
  // so that a caller's loop always terminates.
  const bool has_next = !page.tokens.empty() && page.page < page.page_count;
  if (has_next) {
    const std::int64_t next_offset =
        static_cast<std::int64_t>(plan.query.current_page) *
        plan.query.page_size;
    response.set_next_page_token(
        codec.Encode({plan.order_by, next_offset, plan.filter.normalized}));
  }
  if (keep) {
    // After has_next: a page emptied by the filter is no last page.
    auto& tokens = page.tokens;
    tokens.erase(std::remove_if(tokens.begin(), tokens.end(),
                                [&keep](const apivideo::UploadToken& token) {
                                  return !keep(token);
                                }),
                 tokens.end());
  }
  response.mutable_upload_tokens()->Swap(&page.tokens);
}

}  // namespace gateway::service
