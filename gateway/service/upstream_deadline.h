// How long an upstream exchange may take for one RPC.

#ifndef GATEWAY_SERVICE_UPSTREAM_DEADLINE_H_
#define GATEWAY_SERVICE_UPSTREAM_DEADLINE_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gateway::service {

// When the upstream exchange must be over: the caller's deadline (infinite
// when the caller set none), at most `cap` after `now`. DEADLINE_EXCEEDED
// when the caller's deadline has already passed.
absl::StatusOr<absl::Time> UpstreamDeadline(absl::Time caller_deadline,
                                            absl::Time now, absl::Duration cap);

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_UPSTREAM_DEADLINE_H_
