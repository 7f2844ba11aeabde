// The reactor of one UploadTokenService RPC: ties the gRPC call to its
// upstream call.
//
// gRPC's callback API lets a handler return at once and finish later from
// any thread. The handler creates a CallReactor knowing who calls and in
// which trace, then either rejects the call at once (Reject) or hands it the
// upstream call it started (Attach); the upstream callback finishes it
// (Complete). A cancelled RPC cancels its upstream call. The reactor deletes
// itself once gRPC is done with it and the handler has returned, whichever
// comes last.

#ifndef GATEWAY_SERVICE_CALL_REACTOR_H_
#define GATEWAY_SERVICE_CALL_REACTOR_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/common/cancellable.h"
#include "gateway/governance/audit_trail.h"
#include "gateway/observability/access_log.h"
#include "gateway/observability/gateway_metrics.h"
#include "gateway/policy/in_flight_limit.h"
#include "gateway/security/secret_scrubber.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace gateway::service {

// Who made a call and in which trace, for the access log. Known before the
// reactor exists: an unauthorized call has no caller name.
struct CallIdentity {
  std::string caller;    // the caller policy's name for it; may be empty
  std::string trace_id;  // W3C trace id, 32 hex digits
};

// What every reactor of a service shares. Everything must outlive them.
struct ReactorEnvironment {
  const observability::AccessLog* access_log = nullptr;
  // Vets every status before it leaves.
  const security::SecretScrubber* scrubber = nullptr;
};

class CallReactor final : public grpc::ServerUnaryReactor {
 public:
  // `in_flight`, when not null, is the place this call holds in the
  // in-flight limit; it is given back when gRPC is done with the call.
  // `metrics`, when not null, counts the call's end.
  CallReactor(grpc::CallbackServerContext* context, absl::string_view method,
              CallIdentity identity, const ReactorEnvironment& environment,
              policy::InFlightLimit* in_flight,
              observability::RpcMetrics* metrics);

  // Ends the RPC with `status` without going upstream. The handler calls
  // exactly one of Reject and Attach.
  void Reject(const absl::Status& status);

  // Records the call in `trail` when it ends: `draft` holds what the request
  // said (rpc, token, ttl); the reactor adds who, when, the peer, the trace
  // and the outcome, and, when the call succeeds, the token `created` (not
  // null: the response of a Create). Call before Reject or Attach.
  void AuditTo(governance::AuditTrail& trail, governance::AuditEvent draft,
               const apivideo::UploadToken* created);

  // Hands over the upstream call started for this RPC, so that cancelling
  // the RPC cancels it. `call` may already have completed.
  void Attach(const std::shared_ptr<Cancellable>& call);

  // Finishes the RPC with the upstream outcome: the rate-limit headers and
  // where the answer came from (`x-cache: hit|coalesced|miss`) go back as
  // metadata, `status` as the gRPC status. Called once, from the
  // upstream callback, after the response message was filled in.
  void Complete(const absl::Status& status,
                const apivideo::UpstreamCallInfo& upstream);

 private:
  void OnCancel() override;
  void OnDone() override;
  // OnCancel and OnDone only post a cancel to the curl loop, count, write
  // one log line and free; none of them waits on another call. Saying so
  // lets gRPC run them on the thread that completes the call, instead of
  // handing each to its executor: one thread wake-up less per call,
  // measured at 13-17% of the gateway's CPU per GetUploadToken
  // (bench/RESULTS.md). The hook is gRPC's (grpcpp/support/
  // server_callback.h), meant for reactors with such trivial reactions.
  // Trade-off: OnDone then often runs on the curl loop thread (which calls
  // Finish), so the access log's write(2) happens there, as nginx writes
  // its logs from its event loop; a stderr whose reader stops would stall
  // upstream I/O as well as logging.
  bool InternalInlineable() override { return true; }

  // Ends the RPC; records what the access log needs.
  void FinishWith(const absl::Status& status);
  // Writes the audit event of a call that ends with `status`.
  void RecordAudit(const absl::Status& status);
  // Drops one of the two references (handler, gRPC); the last one deletes.
  void Unref();

  grpc::CallbackServerContext* const context_;
  const absl::string_view method_;
  const CallIdentity identity_;
  const ReactorEnvironment& environment_;
  policy::InFlightLimit* const in_flight_;
  observability::RpcMetrics* const metrics_;
  const absl::Time start_ = absl::Now();

  // Written before Finish, read in OnDone, which gRPC runs after Finish.
  absl::StatusCode code_ = absl::StatusCode::kUnknown;
  apivideo::UpstreamCallInfo upstream_;

  // Set by AuditTo, used once by FinishWith.
  governance::AuditTrail* audit_trail_ = nullptr;
  governance::AuditEvent audit_event_;
  const apivideo::UploadToken* created_ = nullptr;

  std::atomic<int> references_{2};

  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<Cancellable> call_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_CALL_REACTOR_H_
