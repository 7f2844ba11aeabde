// Checks on callers' requests, made before anything is sent upstream.
//
// Each check reports every bad field of the request at once as
// INVALID_ARGUMENT with a google.rpc.BadRequest (status_details.h). Numbers
// are quoted back; offending text never is: it may be huge or hostile.

#ifndef GATEWAY_SERVICE_VALIDATION_H_
#define GATEWAY_SERVICE_VALIDATION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "apivideo/uploadtokens/v1/upload_tokens.pb.h"
#include "gateway/apivideo/routes.h"

namespace gateway::service {

// Longest token accepted; api.video's are 24 characters.
inline constexpr std::size_t kMaxUploadTokenLength = 64;
// ListUploadTokens page sizes: 0 means kDefaultPageSize; more than
// kMaxPageSize is treated as kMaxPageSize.
inline constexpr std::int32_t kDefaultPageSize = 25;
inline constexpr std::int32_t kMaxPageSize = 100;

// ttl from 0 to 2147483647; request_id empty or a UUID.
absl::Status ValidateCreateRequest(
    const ::apivideo::uploadtokens::v1::CreateUploadTokenRequest& request);

// Whether `text` is a UUID in its text form, 8-4-4-4-12 hexadecimal digits
// (RFC 4122), of any version.
bool IsUuid(absl::string_view text);

// For GetUploadTokenRequest.token and DeleteUploadTokenRequest.token: 1 to 64
// characters from A-Z, a-z, 0-9, '_' and '-'.
absl::Status ValidateToken(absl::string_view token);

// A parsed ListUploadTokensRequest.order_by.
struct OrderBy {
  apivideo::SortField field = apivideo::SortField::kDefault;
  apivideo::SortOrder order = apivideo::SortOrder::kAscending;
  // "" or "<field> <asc|desc>": equal for equivalent spellings, so it can be
  // compared with the order a page token was made for.
  std::string normalized;
};

// Parses "", "created_at" or "ttl", each optionally followed by " asc" or
// " desc". Returns nullopt for anything else.
std::optional<OrderBy> ParseOrderBy(absl::string_view order_by);

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_VALIDATION_H_
