// The reactor of one UploadTokenService RPC: ties the gRPC call to its
// upstream call.
//
// gRPC's callback API lets a handler return at once and finish later from
// any thread. CallReactor is created by the handler, either rejects the call
// at once (Reject) or is given the upstream call it started (Attach), and is
// finished from the upstream callback (Complete). A cancelled RPC cancels its
// upstream call. It deletes itself once gRPC is done with it and the handler
// has returned, whichever comes last.

#ifndef GATEWAY_SERVICE_CALL_REACTOR_H_
#define GATEWAY_SERVICE_CALL_REACTOR_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upload_token_api.h"
#include "gateway/observability/access_log.h"
#include "gateway/observability/gateway_metrics.h"
#include "gateway/policy/in_flight_limit.h"
#include "gateway/security/secret_scrubber.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace gateway::service {

class CallReactor final : public grpc::ServerUnaryReactor {
 public:
  // `in_flight`, when not null, is the place this call holds in the
  // in-flight limit; it is given back when gRPC is done with the call.
  // `scrubber` vets every status before it leaves. `metrics`, when not
  // null, counts the call's end.
  CallReactor(grpc::CallbackServerContext* context, absl::string_view method,
              const observability::AccessLog& access_log,
              const security::SecretScrubber& scrubber,
              policy::InFlightLimit* in_flight,
              observability::RpcMetrics* metrics = nullptr);

  // When the upstream exchange must be over: the caller's deadline, at most
  // `cap` from now. DEADLINE_EXCEEDED if the caller's deadline has passed.
  absl::StatusOr<absl::Time> UpstreamDeadline(absl::Duration cap) const;

  // The caller's name for the access log.
  void SetCaller(std::string caller) { caller_ = std::move(caller); }
  // The W3C trace id for the access log.
  void SetTraceId(absl::string_view trace_id) {
    trace_id_ = std::string(trace_id);
  }

  // Ends the RPC with `status` without going upstream. The handler calls
  // exactly one of Reject and Attach.
  void Reject(const absl::Status& status);

  // Hands over the upstream call started for this RPC, so that cancelling
  // the RPC cancels it. `call` may already have completed.
  void Attach(const std::shared_ptr<apivideo::UpstreamCall>& call);

  // Finishes the RPC with the upstream outcome: the rate-limit headers go
  // back as metadata, `status` as the gRPC status. Called once, from the
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
  // Drops one of the two references (handler, gRPC); the last one deletes.
  void Unref();

  grpc::CallbackServerContext* const context_;
  const absl::string_view method_;
  const observability::AccessLog& access_log_;
  const security::SecretScrubber& scrubber_;
  policy::InFlightLimit* const in_flight_;
  observability::RpcMetrics* const metrics_;
  const absl::Time start_ = absl::Now();
  std::string caller_;    // set by the handler before the call can end
  std::string trace_id_;  // likewise

  // Written before Finish, read in OnDone, which gRPC runs after Finish.
  absl::StatusCode code_ = absl::StatusCode::kUnknown;
  apivideo::UpstreamCallInfo upstream_;

  std::atomic<int> references_{2};

  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<apivideo::UpstreamCall> call_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_CALL_REACTOR_H_
