#include "gateway/observability/access_log.h"

#include "absl/strings/str_format.h"

namespace gateway::observability {
namespace {

constexpr absl::string_view kMessage = "rpc";

}  // namespace

std::vector<LogField> AccessLog::Fields(const AccessRecord& record) {
  // Built in place: an initializer list would copy every value once more,
  // and this runs for every call.
  std::vector<LogField> fields;
  fields.reserve(8);
  fields.emplace_back("method", record.method);
  fields.emplace_back("code", absl::StatusCodeToString(record.code));
  fields.emplace_back("upstream_status", record.upstream_status);
  fields.emplace_back("attempts", record.attempts);
  fields.push_back(LogField::Number(
      "latency_ms",
      absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(record.latency))));
  fields.emplace_back("peer", record.peer);
  if (!record.caller.empty()) fields.emplace_back("caller", record.caller);
  if (!record.trace_id.empty())
    fields.emplace_back("trace_id", record.trace_id);
  return fields;
}

std::string AccessLog::Format(const AccessRecord& record) {
  return FormatTextBody(kMessage, Fields(record));
}

void AccessLog::Record(const AccessRecord& record) const {
  if (enabled_ && LogEnabled(LogLevel::kInfo)) {
    Log(LogLevel::kInfo, kMessage, Fields(record));
  }
}

}  // namespace gateway::observability
