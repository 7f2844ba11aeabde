// ListUploadTokens with `filter: creator = "name"`: answered from the
// ownership index, without a request to api.video (and so without spending
// read quota), in the pages and orders api.video's listing has.
//
// Only tokens created through the gateway (this replica, or any replica
// whose audit log this one replayed) are listed; a token deleted outside the
// gateway is listed until it expires or a Get or Delete through the gateway
// finds it gone.

#ifndef GATEWAY_GOVERNANCE_OWNED_TOKEN_LISTING_H_
#define GATEWAY_GOVERNANCE_OWNED_TOKEN_LISTING_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/routes.h"
#include "gateway/apivideo/token_page.h"
#include "gateway/governance/caller_rules.h"
#include "gateway/governance/ownership_index.h"

namespace gateway::governance {

// The page `query` asks for (its order, page number and size) of the tokens
// `creator` created that are live at `now`. The default order is oldest
// first, as api.video's.
apivideo::TokenPage ListOwnedTokens(const OwnershipIndex& index,
                                    absl::string_view creator,
                                    const apivideo::ListQuery& query,
                                    absl::Time now);

// Whether `caller` may list the tokens of `creator_filter` (every token
// when unset): its own always; others' only when its rules let it read
// others' tokens. PERMISSION_DENIED otherwise.
absl::Status CheckListAccess(const CallerLimits& limits,
                             absl::string_view caller,
                             std::optional<absl::string_view> creator_filter);

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_OWNED_TOKEN_LISTING_H_
