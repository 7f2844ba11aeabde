#include "gateway/observability/trace_context.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::observability {
namespace {

constexpr char kValid[] =
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(ParseTraceparent, AcceptsVersionZero) {
  EXPECT_EQ(ParseTraceparent(kValid), kValid);
}

TEST(ParseTraceparent, RejectsMalformedValues) {
  for (const std::string& bad : {
           std::string(""),
           std::string("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"),
           // Upper-case hex, all-zero ids, bad separators, version ff.
           std::string(
               "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"),
           std::string(
               "00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
           std::string(
               "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
           std::string(
               "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
           std::string(
               "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
           // Version 00 with anything after it.
           std::string(kValid) + "-extra",
       }) {
    EXPECT_EQ(ParseTraceparent(bad), std::nullopt) << bad;
  }
}

TEST(ParseTraceparent, ReadsLaterVersionAsVersionZero) {
  EXPECT_EQ(ParseTraceparent(
                "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what"),
            kValid);
  EXPECT_EQ(ParseTraceparent(
                "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01what"),
            std::nullopt);
}

TEST(TraceContextForCall, KeepsTheCallersContext) {
  TraceContext context = TraceContextForCall(kValid, "vendor=abc");
  EXPECT_EQ(context.traceparent, kValid);
  EXPECT_EQ(context.tracestate, "vendor=abc");
  EXPECT_EQ(context.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TraceContextForCall, StartsATraceWhenNoneOrInvalid) {
  for (const std::optional<absl::string_view>& sent :
       {std::optional<absl::string_view>(),
        std::optional<absl::string_view>("garbage")}) {
    TraceContext context = TraceContextForCall(sent, "vendor=abc");
    EXPECT_TRUE(ParseTraceparent(context.traceparent).has_value())
        << context.traceparent;
    EXPECT_NE(context.traceparent, kValid);
    // A tracestate without a valid traceparent is dropped.
    EXPECT_EQ(context.tracestate, "");
  }
}

TEST(TraceContextForCall, DropsUnsafeOrOversizedTracestate) {
  EXPECT_EQ(TraceContextForCall(kValid, "a=b\r\nx: y").tracestate, "");
  EXPECT_EQ(TraceContextForCall(kValid, std::string(513, 'a')).tracestate, "");
}

TEST(NewTraceContext, GivesDistinctIds) {
  EXPECT_NE(NewTraceContext().trace_id(), NewTraceContext().trace_id());
}

}  // namespace
}  // namespace gateway::observability
