#include "gateway/observability/trace_context.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gateway::observability {
namespace {

// The spec caps tracestate at 32 members of at most 256 bytes each; 512
// bytes is what it asks vendors to propagate at least.
constexpr std::size_t kMaxTracestate = 512;
// "00-" + 32 + "-" + 16 + "-" + 2.
constexpr std::size_t kTraceparentSize = 55;

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsAllZeros(absl::string_view text) {
  return text.find_first_not_of('0') == absl::string_view::npos;
}

bool IsHeaderSafe(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> ParseTraceparent(absl::string_view value) {
  if (value.size() < kTraceparentSize) return std::nullopt;
  const absl::string_view version = value.substr(0, 2);
  if (!IsLowerHex(version) || version == "ff") return std::nullopt;
  // Version 00 is exactly 55 bytes; a later version may append fields after
  // a dash.
  if (version == "00"
          ? value.size() != kTraceparentSize
          : value.size() > kTraceparentSize && value[kTraceparentSize] != '-') {
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') {
    return std::nullopt;
  }
  const absl::string_view trace_id = value.substr(3, 32);
  const absl::string_view parent_id = value.substr(36, 16);
  const absl::string_view flags = value.substr(53, 2);
  if (!IsLowerHex(trace_id) || !IsLowerHex(parent_id) || !IsLowerHex(flags) ||
      IsAllZeros(trace_id) || IsAllZeros(parent_id)) {
    return std::nullopt;
  }
  return absl::StrCat("00-", trace_id, "-", parent_id, "-", flags);
}

TraceContext TraceContextForCall(std::optional<absl::string_view> traceparent,
                                 std::optional<absl::string_view> tracestate) {
  if (traceparent.has_value()) {
    if (std::optional<std::string> parsed = ParseTraceparent(*traceparent)) {
      TraceContext context;
      context.traceparent = *std::move(parsed);
      if (tracestate.has_value() && !tracestate->empty() &&
          tracestate->size() <= kMaxTracestate && IsHeaderSafe(*tracestate)) {
        context.tracestate = std::string(*tracestate);
      }
      return context;
    }
  }
  return NewTraceContext();
}

TraceContext NewTraceContext() {
  thread_local absl::BitGen random;
  std::uint64_t trace_high = 0;
  std::uint64_t trace_low = 0;
  std::uint64_t parent = 0;
  // All-zero ids are invalid; the odds are 2^-64, but they cost nothing.
  while (trace_high == 0 && trace_low == 0) {
    trace_high = absl::Uniform<std::uint64_t>(random);
    trace_low = absl::Uniform<std::uint64_t>(random);
  }
  while (parent == 0) parent = absl::Uniform<std::uint64_t>(random);
  TraceContext context;
  context.traceparent =
      absl::StrFormat("00-%016x%016x-%016x-00", trace_high, trace_low, parent);
  return context;
}

}  // namespace gateway::observability
