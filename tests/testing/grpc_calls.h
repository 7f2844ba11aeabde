// Small helpers for making gRPC calls in tests.

#ifndef TESTS_TESTING_GRPC_CALLS_H_
#define TESTS_TESTING_GRPC_CALLS_H_

#include <chrono>
#include <functional>
#include <utility>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace testing_support {

// Every call a test makes has a deadline, so a broken server fails the test
// instead of hanging it.
inline void SetDeadline(grpc::ClientContext& context,
                        absl::Duration timeout = absl::Seconds(5)) {
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(timeout));
}

// Makes one quick read through the gateway, so that its answer teaches the
// gateway the account's rate-limit windows. Until a read has been answered
// the gateway sends one read at a time (apivideo/quota_steward.h); a test
// that needs several reads upstream at once, before any is answered (slow
// answers, a full in-flight limit), calls this first, before its faults.
// True if the read was answered (NOT_FOUND: the token does not exist).
inline bool TeachTheRateLimitWindows(
    apivideo::uploadtokens::v1::UploadTokenService::Stub& stub) {
  grpc::ClientContext context;
  SetDeadline(context);
  apivideo::uploadtokens::v1::GetUploadTokenRequest request;
  request.set_token("toTeachTheWindows");
  apivideo::uploadtokens::v1::UploadToken response;
  return stub.GetUploadToken(&context, request, &response).error_code() ==
         grpc::StatusCode::NOT_FOUND;
}

// The outcome of a call made with a stub's async() callback API:
//   PendingCall call;
//   stub->async()->GetUploadToken(&context, &request, &response,
//                                 call.OnDone());
//   ASSERT_TRUE(call.Wait(absl::Seconds(10)));
//   EXPECT_EQ(call.status().error_code(), grpc::StatusCode::CANCELLED);
class PendingCall {
 public:
  std::function<void(grpc::Status)> OnDone() {
    return [this](grpc::Status status) {
      status_ = std::move(status);
      done_.Notify();
    };
  }

  // True once the call ended within `timeout`.
  bool Wait(absl::Duration timeout) {
    return done_.WaitForNotificationWithTimeout(timeout);
  }

  // Valid after Wait returned true.
  const grpc::Status& status() const { return status_; }

 private:
  absl::Notification done_;
  grpc::Status status_;
};

}  // namespace testing_support

#endif  // TESTS_TESTING_GRPC_CALLS_H_
