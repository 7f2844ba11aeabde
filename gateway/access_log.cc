#include "gateway/access_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gateway/log.h"

namespace gateway {

std::string AccessLog::Format(const AccessRecord& record) {
  std::string line = absl::StrFormat(
      "rpc method=%s code=%s upstream_status=%d attempts=%d latency_ms=%.3f "
      "peer=%s",
      record.method, absl::StatusCodeToString(record.code),
      record.upstream_status, record.attempts,
      absl::ToDoubleMilliseconds(record.latency), record.peer);
  if (!record.caller.empty()) absl::StrAppend(&line, " caller=", record.caller);
  return line;
}

void AccessLog::Record(const AccessRecord& record) const {
  if (enabled_) LogInfo(Format(record));
}

}  // namespace gateway
