#include "gateway/observability/access_log.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

TEST(AccessLogFormat, MatchesDocumentedLine) {
  AccessRecord record;
  record.method = "GetUploadToken";
  record.peer = "ipv4:127.0.0.1:41234";
  record.code = absl::StatusCode::kNotFound;
  record.upstream_status = 404;
  record.attempts = 1;
  record.latency = absl::Microseconds(1234);
  EXPECT_EQ(AccessLog::Format(record),
            "rpc method=GetUploadToken code=NOT_FOUND upstream_status=404 "
            "attempts=1 latency_ms=1.234 peer=ipv4:127.0.0.1:41234");
}

TEST(AccessLogFormat, ReportsCallWithoutUpstreamAnswer) {
  AccessRecord record;
  record.method = "ListUploadTokens";
  record.peer = "ipv6:[::1]:5000";
  record.code = absl::StatusCode::kInvalidArgument;
  record.latency = absl::ZeroDuration();
  EXPECT_EQ(AccessLog::Format(record),
            "rpc method=ListUploadTokens code=INVALID_ARGUMENT "
            "upstream_status=0 attempts=0 latency_ms=0.000 "
            "peer=ipv6:[::1]:5000");
}

TEST(AccessLogFormat, RoundsLatencyToMicroseconds) {
  AccessRecord record;
  record.method = "CreateUploadToken";
  record.peer = "unix:";
  record.code = absl::StatusCode::kOk;
  record.upstream_status = 200;
  record.attempts = 1;
  record.latency = absl::Seconds(2) + absl::Nanoseconds(345678);
  EXPECT_EQ(AccessLog::Format(record),
            "rpc method=CreateUploadToken code=OK upstream_status=200 "
            "attempts=1 latency_ms=2000.346 peer=unix:");
}

TEST(AccessLogFormat, EndsWithCallerAndTraceIdWhenKnown) {
  AccessRecord record;
  record.method = "GetUploadToken";
  record.peer = "ipv4:127.0.0.1:1";
  record.code = absl::StatusCode::kOk;
  record.upstream_status = 200;
  record.attempts = 1;
  record.caller = "billing";
  record.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  EXPECT_EQ(AccessLog::Format(record),
            "rpc method=GetUploadToken code=OK upstream_status=200 "
            "attempts=1 latency_ms=0.000 peer=ipv4:127.0.0.1:1 "
            "caller=billing trace_id=4bf92f3577b34da6a3ce929d0e0e4736");
}

}  // namespace
}  // namespace gateway::observability
