// An AuditTrail that keeps every event, for the tests of what is audited.

#ifndef GATEWAY_GOVERNANCE_TESTING_RECORDING_AUDIT_TRAIL_H_
#define GATEWAY_GOVERNANCE_TESTING_RECORDING_AUDIT_TRAIL_H_

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gateway/governance/audit_trail.h"

namespace gateway::governance::testing {

class RecordingAuditTrail final : public AuditTrail {
 public:
  void Record(const AuditEvent& event) override {
    absl::MutexLock lock(&mu_);
    events_.push_back(event);
  }
  // The events so far, in the order they came.
  std::vector<AuditEvent> events() const {
    absl::MutexLock lock(&mu_);
    return events_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<AuditEvent> events_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::governance::testing

#endif  // GATEWAY_GOVERNANCE_TESTING_RECORDING_AUDIT_TRAIL_H_
