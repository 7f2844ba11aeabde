#include "gateway/http/http_client.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"

namespace gateway::http {
namespace {

// The payload's presence is the mark; its value is irrelevant. Payloads ride
// along when a Status is copied, and are dropped when a layer above builds a
// new Status, which is the safe default ("may have been sent").
constexpr absl::string_view kRequestNotSentUrl =
    "type.upload-token-gateway/gateway.http.RequestNotSent";

}  // namespace

bool RequestMayHaveBeenSent(const absl::Status& status) {
  return !status.GetPayload(kRequestNotSentUrl).has_value();
}

absl::Status MarkRequestNotSent(absl::Status status) {
  // A no-op on an OK status, which cannot carry payloads.
  status.SetPayload(kRequestNotSentUrl, absl::Cord("1"));
  return status;
}

}  // namespace gateway::http
