// What an upstream request does, as the policies see it: whether sending it
// twice is harmless, and which of api.video's rate-limit windows it counts
// against. Every policy decision that depends on the kind of request starts
// from here.

#ifndef GATEWAY_POLICY_OPERATION_H_
#define GATEWAY_POLICY_OPERATION_H_

namespace gateway::policy {

enum class Operation {
  kCreate,  // POST: a second arrival would make a second token
  kRead,    // GET
  kDelete,  // DELETE: a second arrival finds the token gone (404)
};

enum class Idempotency { kIdempotent, kNonIdempotent };

// api.video's rate-limit buckets that upload-token calls fall in.
enum class RouteKind { kRead = 0, kWrite = 1 };

constexpr Idempotency IdempotencyOf(Operation operation) {
  return operation == Operation::kCreate ? Idempotency::kNonIdempotent
                                         : Idempotency::kIdempotent;
}

constexpr RouteKind RouteKindOf(Operation operation) {
  return operation == Operation::kRead ? RouteKind::kRead : RouteKind::kWrite;
}

}  // namespace gateway::policy

#endif  // GATEWAY_POLICY_OPERATION_H_
