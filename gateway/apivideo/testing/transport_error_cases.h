// How each transport error of the HTTP client reaches the gateway's callers
// (StatusFromTransportError, errors.h): one table for the tests of the
// mapping and of the calls that must follow it.
//
//   INSTANTIATE_TEST_SUITE_P(EveryTransportCode, MyTest,
//                            ::testing::ValuesIn(kTransportErrorCases),
//                            ::testing::PrintToStringParamName());
//   // Instances named after the cases: MyTest.Maps/Unreachable, ...

#ifndef GATEWAY_APIVIDEO_TESTING_TRANSPORT_ERROR_CASES_H_
#define GATEWAY_APIVIDEO_TESTING_TRANSPORT_ERROR_CASES_H_

#include <ostream>

#include "absl/status/status.h"

namespace gateway::apivideo::testing {

struct TransportErrorCase {
  const char* name;
  absl::StatusCode transport;  // what the HTTP client reported
  absl::StatusCode code;       // what the caller gets
  const char* reason;          // and its ErrorInfo reason

  friend void PrintTo(const TransportErrorCase& c, std::ostream* os) {
    *os << c.name;
  }
};

inline constexpr TransportErrorCase kTransportErrorCases[] = {
    {"Unreachable", absl::StatusCode::kUnavailable,
     absl::StatusCode::kUnavailable, "UPSTREAM_UNREACHABLE"},
    {"Timeout", absl::StatusCode::kDeadlineExceeded,
     absl::StatusCode::kDeadlineExceeded, "UPSTREAM_TIMEOUT"},
    {"Cancelled", absl::StatusCode::kCancelled, absl::StatusCode::kCancelled,
     "CANCELLED"},
    // The answer was over the client's size limit: not the caller's doing.
    {"ResponseTooLarge", absl::StatusCode::kResourceExhausted,
     absl::StatusCode::kInternal, "UPSTREAM_RESPONSE_TOO_LARGE"},
    {"Internal", absl::StatusCode::kInternal, absl::StatusCode::kInternal,
     "UPSTREAM_TRANSPORT_ERROR"},
    {"Unknown", absl::StatusCode::kUnknown, absl::StatusCode::kInternal,
     "UPSTREAM_TRANSPORT_ERROR"},
    // Never the caller's fault, whatever the client says.
    {"InvalidArgument", absl::StatusCode::kInvalidArgument,
     absl::StatusCode::kInternal, "UPSTREAM_TRANSPORT_ERROR"},
};

}  // namespace gateway::apivideo::testing

#endif  // GATEWAY_APIVIDEO_TESTING_TRANSPORT_ERROR_CASES_H_
