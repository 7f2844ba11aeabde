// Whether api.video accepts the gateway's credentials, for health checks.
//
// A gateway whose key api.video rejects can answer nothing but INTERNAL, so
// it should leave the load balancer's rotation: health turns NOT_SERVING.
// CredentialsHealth watches every upstream answer (as an UpstreamObserver):
// a refused /auth request, or a 401 or 403 on the API whose problem type
// names the gateway's own credentials (or that has no problem body: not
// api.video's answer, but something in between refusing the gateway), means
// the credentials are rejected; any other answer below 500 on the API means
// they are accepted, except a 401 or 403 of another type, which concerns
// one request only: a caller must not be able to take every replica out of
// readiness by getting api.video to refuse a request of theirs.
// While they are rejected it probes api.video every `probe_interval` with a
// cheap read, so that health comes back on its own once the key works
// again. Upstream outages (5xx, no connection) change nothing here: every
// replica shares them, and the circuit breaker answers them fast.

#ifndef GATEWAY_APIVIDEO_CREDENTIALS_HEALTH_H_
#define GATEWAY_APIVIDEO_CREDENTIALS_HEALTH_H_

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upstream_observer.h"
#include "gateway/common/scheduler.h"

namespace gateway::apivideo {

class CredentialsHealth final : public UpstreamObserver {
 public:
  // Starts one upstream read; its answer reaches OnAttempt.
  using Probe = std::function<void()>;
  // Told each time the verdict changes: true when the credentials work.
  using Listener = std::function<void(bool serving)>;

  // `scheduler` must outlive this object. A zero `probe_interval` turns
  // probing off, the start-up probe included (health then follows real
  // traffic only).
  CredentialsHealth(Scheduler& scheduler, absl::Duration probe_interval,
                    Probe probe, Listener listener);

  // Probes once now, so that a bad key shows at start-up, not at the first
  // call.
  void Start();

  // No more probes from now on. Call before the scheduler shuts down: it
  // runs waiting tasks at once, and a probe would schedule the next.
  void Stop();

  bool credentials_accepted() const;

  void OnAttempt(const AttemptReport& report) override;

 private:
  void Update(bool accepted);
  void ProbeWhileRejected();

  Scheduler& scheduler_;
  const absl::Duration probe_interval_;
  const Probe probe_;
  const Listener listener_;

  mutable absl::Mutex mu_;
  bool accepted_ ABSL_GUARDED_BY(mu_) = true;
  bool probing_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

// What an answer says about the credentials: +1 accepted, -1 rejected, 0 it
// says nothing (no answer, or 5xx).
int CredentialsVerdict(const AttemptReport& report);

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_CREDENTIALS_HEALTH_H_
