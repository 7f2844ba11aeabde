#include "gateway/governance/owned_token_listing.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_details.h"

namespace gateway::governance {
namespace {

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  google::protobuf::Timestamp timestamp;
  const absl::Duration since_epoch = time - absl::UnixEpoch();
  timestamp.set_seconds(absl::ToInt64Seconds(since_epoch));
  return timestamp;
}

}  // namespace

apivideo::TokenPage ListOwnedTokens(const OwnershipIndex& index,
                                    absl::string_view creator,
                                    const apivideo::ListQuery& query,
                                    absl::Time now) {
  std::vector<OwnedToken> tokens = index.TokensOf(creator, now);
  if (query.sort_field == apivideo::SortField::kTtl) {
    std::stable_sort(tokens.begin(), tokens.end(),
                     [](const OwnedToken& a, const OwnedToken& b) {
                       return a.ownership.ttl_seconds < b.ownership.ttl_seconds;
                     });
  }
  // TokensOf gives them oldest first, the default and created_at order.
  if (query.sort_order == apivideo::SortOrder::kDescending) {
    std::reverse(tokens.begin(), tokens.end());
  }
  apivideo::TokenPage page;
  const auto total = static_cast<std::int64_t>(tokens.size());
  const std::int64_t size = std::max(query.page_size, 1);
  page.total_tokens = static_cast<std::int32_t>(total);
  page.page = query.current_page;
  page.page_count = static_cast<std::int32_t>((total + size - 1) / size);
  const std::int64_t first =
      (static_cast<std::int64_t>(query.current_page) - 1) * size;
  for (std::int64_t i = first; i < std::min(first + size, total); ++i) {
    const OwnedToken& owned = tokens[static_cast<size_t>(i)];
    apivideo::UploadToken* token = page.tokens.Add();
    token->set_token(owned.token);
    token->set_ttl(owned.ownership.ttl_seconds);
    *token->mutable_created_at() = ToTimestamp(owned.ownership.created_at);
    if (owned.ownership.expires_at != absl::InfiniteFuture()) {
      *token->mutable_expires_at() = ToTimestamp(owned.ownership.expires_at);
    }
    token->set_creator(owned.ownership.creator);
  }
  return page;
}

absl::Status CheckListAccess(const CallerLimits& limits,
                             absl::string_view caller,
                             std::optional<absl::string_view> creator_filter) {
  if (creator_filter.has_value() && *creator_filter == caller) {
    return absl::OkStatus();
  }
  if (limits.others != OthersAccess::kNone) return absl::OkStatus();
  return MakeError(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("caller \"", caller,
                   "\" may list only the upload tokens it created; set "
                   "filter to 'creator = \"",
                   caller, "\"'"),
      "NOT_TOKEN_CREATOR");
}

}  // namespace gateway::governance
