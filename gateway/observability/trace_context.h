// W3C Trace Context (https://www.w3.org/TR/trace-context/) for one RPC.
//
// The gateway does not record spans; it keeps the caller's trace whole: a
// valid `traceparent` from the caller's metadata goes upstream unchanged
// (with `tracestate` beside it), and its trace id goes into the access log.
// When the caller sent none, or one that does not parse, the gateway starts
// a trace with fresh random ids, so that every upstream request can still be
// matched to its log line.

#ifndef GATEWAY_OBSERVABILITY_TRACE_CONTEXT_H_
#define GATEWAY_OBSERVABILITY_TRACE_CONTEXT_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace gateway::observability {

struct TraceContext {
  // "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>".
  std::string traceparent;
  // The caller's tracestate, when it sent a usable one; else empty.
  std::string tracestate;

  // The 32 hex digits of the trace id.
  absl::string_view trace_id() const {
    return absl::string_view(traceparent).substr(3, 32);
  }
};

// The caller's traceparent in the version-00 form when it is valid: version
// 00 exactly as the spec gives it, or a later version (not ff) whose first
// fields parse as version 00's do. nullopt otherwise.
std::optional<std::string> ParseTraceparent(absl::string_view value);

// The context to use for a call whose metadata held `traceparent` and
// `tracestate` (nullopt when absent). A tracestate without a valid
// traceparent is dropped, as the spec requires; so is one that is too long
// or has bytes a header cannot carry.
TraceContext TraceContextForCall(std::optional<absl::string_view> traceparent,
                                 std::optional<absl::string_view> tracestate);

// A new trace: random trace and parent ids, flags 00 (the gateway records
// nothing itself).
TraceContext NewTraceContext();

}  // namespace gateway::observability

#endif  // GATEWAY_OBSERVABILITY_TRACE_CONTEXT_H_
