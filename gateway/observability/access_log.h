// One line per RPC, for operators: what was called, how it ended, what the
// upstream said and how long it took. Never holds request data or secrets.

#ifndef GATEWAY_OBSERVABILITY_ACCESS_LOG_H_
#define GATEWAY_OBSERVABILITY_ACCESS_LOG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/common/log.h"

namespace gateway::observability {

struct AccessRecord {
  absl::string_view method;  // e.g. "GetUploadToken"
  absl::string_view peer;    // e.g. "ipv4:127.0.0.1:41234"
  absl::string_view caller;  // the caller policy's name for it; may be empty
  absl::StatusCode code = absl::StatusCode::kOk;
  int upstream_status = 0;  // 0: no upstream answer
  int attempts = 0;         // upstream requests made
  absl::Duration latency;
  absl::string_view trace_id;  // W3C trace id, 32 hex digits; may be empty
};

class AccessLog {
 public:
  explicit AccessLog(bool enabled) : enabled_(enabled) {}

  // The line's fields, in order: method, code, upstream_status, attempts,
  // latency_ms, peer, then caller and trace_id when known.
  static std::vector<LogField> Fields(const AccessRecord& record);

  // The text format's body: "rpc method=GetUploadToken code=NOT_FOUND
  // upstream_status=404 attempts=1 latency_ms=1.234
  // peer=ipv4:127.0.0.1:41234 caller=billing trace_id=4bf9...". The JSON
  // format carries the same fields, with "msg":"rpc".
  static std::string Format(const AccessRecord& record);

  void Record(const AccessRecord& record) const;

 private:
  const bool enabled_;
};

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_ACCESS_LOG_H_
