#include "gateway/observability/access_log.h"

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

// A call to `method` from `peer` that ended with `code` after `attempts`
// upstream requests, the last answered with `upstream_status` (0: none).
AccessRecord Rpc(absl::string_view method, absl::StatusCode code,
                 absl::string_view peer, int upstream_status, int attempts,
                 absl::Duration latency) {
  AccessRecord record;
  record.method = method;
  record.code = code;
  record.peer = peer;
  record.upstream_status = upstream_status;
  record.attempts = attempts;
  record.latency = latency;
  return record;
}

struct FormatCase {
  const char* name;
  AccessRecord record;
  const char* line;
};

void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.name; }

const FormatCase kFormatCases[] = {
    {"DocumentedLine",
     Rpc("GetUploadToken", absl::StatusCode::kNotFound, "ipv4:127.0.0.1:41234",
         404, 1, absl::Microseconds(1234)),
     "rpc method=GetUploadToken code=NOT_FOUND upstream_status=404 "
     "attempts=1 latency_ms=1.234 peer=ipv4:127.0.0.1:41234"},
    {"CallWithoutUpstreamAnswer",
     Rpc("ListUploadTokens", absl::StatusCode::kInvalidArgument,
         "ipv6:[::1]:5000", 0, 0, absl::ZeroDuration()),
     "rpc method=ListUploadTokens code=INVALID_ARGUMENT "
     "upstream_status=0 attempts=0 latency_ms=0.000 peer=ipv6:[::1]:5000"},
    {"LatencyRoundedToMicroseconds",
     Rpc("CreateUploadToken", absl::StatusCode::kOk, "unix:", 200, 1,
         absl::Seconds(2) + absl::Nanoseconds(345678)),
     "rpc method=CreateUploadToken code=OK upstream_status=200 "
     "attempts=1 latency_ms=2000.346 peer=unix:"},
};

class AccessLogFormatTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(AccessLogFormatTest, WritesTheRecordAsOneLine) {
  EXPECT_EQ(AccessLog::Format(GetParam().record), GetParam().line);
}

INSTANTIATE_TEST_SUITE_P(AccessLogFormat, AccessLogFormatTest,
                         ::testing::ValuesIn(kFormatCases),
                         [](const ::testing::TestParamInfo<FormatCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(AccessLogFormat, EndsWithCallerAndTraceIdWhenKnown) {
  AccessRecord record = Rpc("GetUploadToken", absl::StatusCode::kOk,
                            "ipv4:127.0.0.1:1", 200, 1, absl::ZeroDuration());
  record.caller = "billing";
  record.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  EXPECT_EQ(AccessLog::Format(record),
            "rpc method=GetUploadToken code=OK upstream_status=200 "
            "attempts=1 latency_ms=0.000 peer=ipv4:127.0.0.1:1 "
            "caller=billing trace_id=4bf92f3577b34da6a3ce929d0e0e4736");
}

}  // namespace
}  // namespace gateway::observability
