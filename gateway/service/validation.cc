#include "gateway/service/validation.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/common/status_details.h"

namespace gateway::service {

absl::Status ValidateCreateRequest(
    const ::apivideo::uploadtokens::v1::CreateUploadTokenRequest& request) {
  FieldViolations violations;
  // The field is an int32, so only the lower bound can be broken.
  if (request.ttl() < 0) {
    violations.Add("ttl", absl::StrCat("must be from 0 (never expires) to "
                                       "2147483647 seconds, got ",
                                       request.ttl()));
  }
  if (!request.request_id().empty() && !IsUuid(request.request_id())) {
    violations.Add("request_id",
                   "must be a UUID such as "
                   "\"4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f\", or empty");
  }
  return violations.ToStatus();
}

bool IsUuid(absl::string_view text) {
  // 8-4-4-4-12 hexadecimal digits; any version, either case.
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !absl::ascii_isxdigit(text[i])) return false;
  }
  return true;
}

absl::Status ValidateToken(absl::string_view token) {
  if (token.empty()) return InvalidFieldError("token", "must not be empty");
  if (token.size() > kMaxUploadTokenLength) {
    return InvalidFieldError(
        "token", absl::StrCat("must be at most ", kMaxUploadTokenLength,
                              " characters long, got ", token.size()));
  }
  for (char c : token) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-') {
      return InvalidFieldError("token",
                               "may contain only A-Z, a-z, 0-9, '_' and '-'");
    }
  }
  return absl::OkStatus();
}

std::optional<OrderBy> ParseOrderBy(absl::string_view order_by) {
  const std::vector<absl::string_view> words =
      absl::StrSplit(order_by, ' ', absl::SkipEmpty());
  OrderBy parsed;
  if (words.empty()) return parsed;
  if (words.size() > 2) return std::nullopt;
  if (words[0] == "created_at") {
    parsed.field = apivideo::SortField::kCreatedAt;
  } else if (words[0] == "ttl") {
    parsed.field = apivideo::SortField::kTtl;
  } else {
    return std::nullopt;
  }
  if (words.size() == 2) {
    if (words[1] == "desc") {
      parsed.order = apivideo::SortOrder::kDescending;
    } else if (words[1] != "asc") {
      return std::nullopt;
    }
  }
  parsed.normalized = absl::StrCat(
      words[0],
      parsed.order == apivideo::SortOrder::kDescending ? " desc" : " asc");
  return parsed;
}

}  // namespace gateway::service
