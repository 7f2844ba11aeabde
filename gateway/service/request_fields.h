// api.video's names for what a caller sent, turned into the names of the
// caller's request fields: an upstream BadRequest says "pageSize", the
// caller sent ListUploadTokensRequest.page_size.

#ifndef GATEWAY_SERVICE_REQUEST_FIELDS_H_
#define GATEWAY_SERVICE_REQUEST_FIELDS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gateway::service {

// The request field an api.video parameter or attribute name refers to:
// "pageSize" -> "page_size", "uploadToken" -> "token", ...; unknown names are
// returned unchanged.
std::string RequestFieldFromApiName(absl::string_view api_name);

// `status` with the field of each BadRequest violation renamed by
// RequestFieldFromApiName; as it was when it has no BadRequest.
absl::Status WithRequestFieldNames(absl::Status status);

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_REQUEST_FIELDS_H_
