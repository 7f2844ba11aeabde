// Where audit events go: the record of who created, deleted or was refused
// what (audit_event.proto).
//
// AuditTrail is the interface the gRPC edge writes to, one event per act;
// AuditLogFile is the --audit_log file: JSON lines, appended, each event
// written with one write(2) as it happens, so nothing waits in a buffer and
// a crash loses at most the event being written. The file is opened with
// O_APPEND: several writers (a restarted process, log shippers' truncation
// aside) never interleave within a line.

#ifndef GATEWAY_GOVERNANCE_AUDIT_TRAIL_H_
#define GATEWAY_GOVERNANCE_AUDIT_TRAIL_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/governance/audit_event.pb.h"

namespace gateway::governance {

using AuditEvent = ::gateway::internal::AuditEvent;

class AuditTrail {
 public:
  virtual ~AuditTrail() = default;
  // Records `event`. Never blocks for long, never fails the call: a trail
  // that cannot write counts and logs the failure.
  virtual void Record(const AuditEvent& event) = 0;
};

// `event` as one line of JSON (no newline), with audit_event.proto's field
// names.
std::string AuditEventToJson(const AuditEvent& event);

// Parses one line written by AuditEventToJson.
absl::StatusOr<AuditEvent> AuditEventFromJson(absl::string_view line);

class AuditLogFile final : public AuditTrail {
 public:
  // Opens (creating it, mode 0600) `path` for appending, or
  // FAILED_PRECONDITION naming it.
  static absl::StatusOr<std::unique_ptr<AuditLogFile>> Open(
      const std::string& path);
  ~AuditLogFile() override;

  void Record(const AuditEvent& event) override;

  // Events that could not be written.
  std::int64_t write_failures() const { return write_failures_.load(); }
  const std::string& path() const { return path_; }

 private:
  AuditLogFile(std::string path, int fd);

  const std::string path_;
  const int fd_;
  std::atomic<std::int64_t> write_failures_{0};
};

// Calls `each` with every event of the audit log at `path`, oldest first. A
// line that does not parse (e.g. the last one, cut short by a crash) is
// skipped and logged with its line number. A missing file has no events.
// Returns the events read, or FAILED_PRECONDITION when the file exists but
// cannot be read.
absl::StatusOr<int> ReadAuditLog(
    const std::string& path,
    const std::function<void(const AuditEvent&)>& each);

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_AUDIT_TRAIL_H_
