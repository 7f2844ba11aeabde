// One api.video request, carried through the gateway's upstream policies:
// an asynchronous retry loop, after google-cloud-cpp's AsyncRetryLoop.
//
// Each attempt goes through the same steps, none of which blocks a thread:
//   1. a unit of the account's rate-limit window, from the QuotaSteward
//      (quota_steward.h): at once, after a fair wait in the caller's queue,
//      or refused; then admission (admission.h): a chain of checks may let
//      the attempt go, make it wait on the Scheduler, or refuse it with the
//      call's error;
//   2. authorization: the Authenticator supplies the header, at once or
//      once it has a token;
//   3. the transfer, bounded by the caller's deadline;
//   4. the answer: the checks learn from it, the observer is told, and a
//      2xx ends the call; otherwise the RetryPolicy (policy/retry_policy.h:
//      every retry rule is there) decides whether to renew credentials and
//      try at once, wait and try again, or end the call with the error
//      (errors.h).
// Cancel() ends the call with CANCELLED at any step.
//
// Example:
//   RequestSpec spec = ...;  // method, URL, body, operation, deadline
//   std::shared_ptr<UpstreamCall> call = UpstreamCall::Start(
//       services, std::move(spec),
//       [](absl::StatusOr<http::HttpResponse> ok, const UpstreamCallInfo&) {});
//   call->Cancel();  // optional; the completion then runs with CANCELLED

#ifndef GATEWAY_APIVIDEO_UPSTREAM_CALL_H_
#define GATEWAY_APIVIDEO_UPSTREAM_CALL_H_

#include <cstdint>
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
#include "gateway/apivideo/admission.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/quota_steward.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/apivideo/upstream_observer.h"
#include "gateway/common/cancellable.h"
#include "gateway/common/scheduler.h"
#include "gateway/http/http_client.h"
#include "gateway/http/http_types.h"
#include "gateway/policy/operation.h"
#include "gateway/policy/retry_budget.h"
#include "gateway/policy/retry_policy.h"

namespace gateway::apivideo {

// What every call shares: the transport, the timers, the credentials and
// the policies' state. Everything referenced must outlive every call.
struct UpstreamServices {
  http::HttpClient* client = nullptr;
  Scheduler* scheduler = nullptr;
  Authenticator* authenticator = nullptr;
  // Asked before every attempt.
  const AdmissionChain* admission = nullptr;
  // Reserves a unit of the rate-limit window for every attempt; null: none
  // is reserved (every attempt goes).
  QuotaSteward* quota = nullptr;
  policy::RetryBudget* retry_budget = nullptr;
  // Told of every attempt and retry; may be null.
  UpstreamObserver* observer = nullptr;
  policy::RetryOptions retry;
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
  // What the request does: how it may be retried, which rate-limit window
  // it counts against.
  policy::Operation operation = policy::Operation::kRead;
  // The caller's deadline: no attempt or wait goes past it.
  absl::Time deadline = absl::InfiniteFuture();
  // Who is calling (CallOptions::caller), for the quota's fair shares.
  std::string caller;
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
  enum class Stage {
    kBusy,
    kQueued,
    kAuthorizing,
    kWaiting,
    kTransferring,
    kDone
  };

  // One attempt: a unit of quota, then admission, then authorization, then
  // Send. The unit comes first so that a check's verdict (a circuit
  // breaker's probe) is never left without the attempt it let go.
  void Attempt();
  // Asks the QuotaSteward for a unit; Admit once it has one.
  void AcquireQuota();
  void OnQuotaTurn(absl::StatusOr<QuotaGrant> turn);
  // Asks the admission chain; Authorize if it lets the attempt go.
  void Admit();
  void Authorize();
  // Gives back the attempt's unit of quota if it was never used.
  void ReleaseQuota();
  void Send(std::string authorization);
  void OnAnswer(absl::StatusOr<http::HttpResponse> answer,
                const std::string& authorization);
  // Runs Attempt after `delay`, unless the call is cancelled meanwhile.
  void AttemptAfter(absl::Duration delay);
  // Ends the call with `result` unless it already ended.
  void Finish(absl::StatusOr<http::HttpResponse> result);
  // Moves to `stage` unless the call has ended; false if it has.
  bool EnterStage(Stage stage);

  const UpstreamServices& services_;
  const RequestSpec spec_;
  const AttemptScope scope_;

  absl::Mutex mu_;
  Stage stage_ ABSL_GUARDED_BY(mu_) = Stage::kBusy;
  // The running attempt's transfer, once its Send() has stored it.
  std::optional<http::TransferId> transfer_ ABSL_GUARDED_BY(mu_);
  // Numbers each Send(), so that a Send() stores its transfer's id only while
  // it is the latest: the loop thread may answer an attempt and start the
  // next one before the Send() that started the first has stored its id.
  std::uint64_t sends_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<TaskId> task_ ABSL_GUARDED_BY(mu_);
  // The attempt's place in the quota queue, once AcquireQuota() has stored
  // it; numbered like sends_ for the same reason.
  std::optional<std::uint64_t> waiter_ ABSL_GUARDED_BY(mu_);
  std::uint64_t quota_asks_ ABSL_GUARDED_BY(mu_) = 0;
  bool cancel_requested_ ABSL_GUARDED_BY(mu_) = false;
  UpstreamCompletion done_ ABSL_GUARDED_BY(mu_);

  // Read by Cancel() from any thread.
  UpstreamCallInfo info_ ABSL_GUARDED_BY(mu_);

  // Only the thread running the current step touches these; steps never
  // overlap.
  policy::RetryPolicy retry_;
  AdmissionChain::Tickets tickets_;
  absl::Time attempt_started_;
  // The running attempt's unit of quota, from its grant to its answer.
  std::optional<QuotaGrant> grant_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_UPSTREAM_CALL_H_
