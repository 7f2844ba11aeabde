#include "gateway/service/upstream_deadline.h"

#include <algorithm>

#include "gateway/common/status_details.h"

namespace gateway::service {

absl::StatusOr<absl::Time> UpstreamDeadline(absl::Time caller_deadline,
                                            absl::Time now,
                                            absl::Duration cap) {
  if (caller_deadline <= now) {
    return MakeError(absl::StatusCode::kDeadlineExceeded,
                     "the call's deadline passed before api.video was asked",
                     "DEADLINE_EXCEEDED");
  }
  return std::min(caller_deadline, now + cap);
}

}  // namespace gateway::service
