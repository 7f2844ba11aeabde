// One api.video request, carried through the gateway's upstream policies.
//
// An UpstreamCall sends one logical request and may make several HTTP
// attempts for it: it fails fast while api.video's rate-limit window is used
// up or the circuit breaker is open, authorizes each attempt, bounds it by the
// caller's deadline, retries what retry_policy.h allows within the retry
// budget and the deadline (waiting on the Scheduler, never on a thread),
// refreshes a rejected bearer token once, and maps the final answer to the
// 2xx response or an absl::Status with details (errors.h).
//
// Example:
//   RequestSpec spec = ...;  // method, URL, body, operation, deadline
//   std::shared_ptr<UpstreamCall> call = UpstreamCall::Start(
//       services, std::move(spec),
//       [](absl::StatusOr<http::HttpResponse> ok, const UpstreamCallInfo&) {});
//   call->Cancel();  // optional; the completion then runs with CANCELLED

#ifndef GATEWAY_APIVIDEO_UPSTREAM_CALL_H_
#define GATEWAY_APIVIDEO_UPSTREAM_CALL_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/rate_limit.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/apivideo/upstream_observer.h"
#include "gateway/common/scheduler.h"
#include "gateway/http/http_client.h"
#include "gateway/http/http_types.h"
#include "gateway/policy/circuit_breaker.h"
#include "gateway/policy/rate_limit_gate.h"
#include "gateway/policy/retry_budget.h"
#include "gateway/policy/retry_policy.h"

namespace gateway::apivideo {

// What every call shares: the transport, the timers, the credentials and
// the policies' state. Everything referenced must outlive every call.
struct UpstreamServices {
  http::HttpClient* client = nullptr;
  Scheduler* scheduler = nullptr;
  Authenticator* authenticator = nullptr;
  policy::RetryBudget* retry_budget = nullptr;
  policy::RateLimitGate* rate_limits = nullptr;
  policy::CircuitBreaker* circuit_breaker = nullptr;
  // Told of every attempt and retry; may be null.
  UpstreamObserver* observer = nullptr;
  policy::RetryOptions retry;
  // How long a call may wait for a used-up rate-limit window to reset
  // instead of failing at once; zero: never wait.
  absl::Duration max_rate_limit_wait = absl::ZeroDuration();
  // The clock; tests pass the fake scheduler's.
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

// The request an UpstreamCall makes.
struct RequestSpec {
  http::Method method = http::Method::kGet;
  std::string url;
  // Sent with Content-Type: application/json when not empty.
  std::string json_body;
  // For error messages and details: e.g. "GET /upload-tokens/{token}".
  absl::string_view route;
  // The token the request is about; empty for collection routes.
  std::string token;
  policy::Idempotency idempotency = policy::Idempotency::kIdempotent;
  policy::RouteKind route_kind = policy::RouteKind::kRead;
  // A DELETE whose retry finds the resource gone after an attempt that may
  // have deleted it has succeeded.
  bool not_found_after_ambiguous_attempt_is_success = false;
  // The caller's deadline: no attempt or wait goes past it.
  absl::Time deadline = absl::InfiniteFuture();
  // W3C trace context headers (traceparent, tracestate), already checked,
  // sent on every attempt.
  std::vector<std::pair<std::string, std::string>> trace_headers;
};

// Receives a 2xx answer or the error, and what happened upstream.
using UpstreamCompletion =
    absl::AnyInvocable<void(absl::StatusOr<http::HttpResponse>,
                            const UpstreamCallInfo&) &&>;

class UpstreamCall : public Cancellable,
                     public std::enable_shared_from_this<UpstreamCall> {
 public:
  // Starts the call. `done` runs exactly once, on any thread, possibly before
  // Start returns; it must not block.
  static std::shared_ptr<UpstreamCall> Start(const UpstreamServices& services,
                                             RequestSpec spec,
                                             UpstreamCompletion done);

  // Ends the call with CANCELLED unless it already ended: aborts a running
  // transfer, drops a pending wait. Thread-safe; never blocks on I/O.
  void Cancel() override;

  // Use Start.
  UpstreamCall(const UpstreamServices& services, RequestSpec spec,
               UpstreamCompletion done);

 private:
  enum class Stage { kBusy, kAuthorizing, kWaiting, kTransferring, kDone };

  // One attempt: admission checks, then authorization, then Send.
  void Attempt();
  void Send(std::string authorization);
  void OnAnswer(absl::StatusOr<http::HttpResponse> answer,
                const std::string& authorization);
  // Runs Attempt after `delay`, unless the call is cancelled meanwhile.
  void AttemptAfter(absl::Duration delay);
  // Ends the call with `result` unless it already ended.
  void Finish(absl::StatusOr<http::HttpResponse> result);
  // Moves to `stage` unless the call has ended; false if it has.
  bool EnterStage(Stage stage);

  // Why the next attempt cannot go yet: a rate-limit window or the circuit
  // breaker. Sets `wait` and returns OK when the call should wait instead.
  absl::Status Admit(absl::Time now, absl::Duration& wait);

  const UpstreamServices& services_;
  const RequestSpec spec_;

  absl::Mutex mu_;
  Stage stage_ ABSL_GUARDED_BY(mu_) = Stage::kBusy;
  std::optional<http::TransferId> transfer_ ABSL_GUARDED_BY(mu_);
  std::optional<TaskId> task_ ABSL_GUARDED_BY(mu_);
  bool cancel_requested_ ABSL_GUARDED_BY(mu_) = false;
  UpstreamCompletion done_ ABSL_GUARDED_BY(mu_);

  // Read by Cancel() from any thread.
  UpstreamCallInfo info_ ABSL_GUARDED_BY(mu_);

  // Only the thread running the current step touches these; steps never
  // overlap.
  bool probe_ = false;  // this attempt probes the circuit breaker
  absl::Time attempt_started_;
  bool authorization_renewed_ = false;
  bool may_have_taken_effect_ = false;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_UPSTREAM_CALL_H_
