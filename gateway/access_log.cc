#include "gateway/access_log.h"

#include "absl/strings/str_format.h"

namespace gateway {
namespace {

constexpr absl::string_view kMessage = "rpc";

}  // namespace

std::vector<LogField> AccessLog::Fields(const AccessRecord& record) {
  std::vector<LogField> fields = {
      {"method", record.method},
      {"code", absl::StatusCodeToString(record.code)},
      {"upstream_status", record.upstream_status},
      {"attempts", record.attempts},
      LogField::Number(
          "latency_ms",
          absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(record.latency))),
      {"peer", record.peer}};
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

}  // namespace gateway
