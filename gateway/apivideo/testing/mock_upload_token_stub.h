// A GoogleMock UploadTokenStub, for unit tests of the gRPC edge: the test
// says what each operation answers, and checks what it was asked.
//
//   MockUploadTokenStub stub;
//   EXPECT_CALL(stub, Get("to1", _, _))
//       .WillOnce(AnswerWith<UploadToken>(absl::NotFoundError("gone")));

#ifndef GATEWAY_APIVIDEO_TESTING_MOCK_UPLOAD_TOKEN_STUB_H_
#define GATEWAY_APIVIDEO_TESTING_MOCK_UPLOAD_TOKEN_STUB_H_

#include <atomic>
#include <memory>
#include <utility>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gmock/gmock.h"

namespace gateway::apivideo::testing {

class MockUploadTokenStub : public UploadTokenStub {
 public:
  MOCK_METHOD(std::shared_ptr<Cancellable>, Create,
              (std::int32_t ttl_seconds, const CallOptions& options,
               ApiCallback<UploadToken> done),
              (override));
  MOCK_METHOD(std::shared_ptr<Cancellable>, List,
              (const ListQuery& query, const CallOptions& options,
               ApiCallback<TokenPage> done),
              (override));
  MOCK_METHOD(std::shared_ptr<Cancellable>, Get,
              (absl::string_view token, const CallOptions& options,
               ApiCallback<UploadToken> done),
              (override));
  MOCK_METHOD(std::shared_ptr<Cancellable>, Delete,
              (absl::string_view token, const CallOptions& options,
               ApiCallback<google::protobuf::Empty> done),
              (override));
};

// A Cancellable that counts its cancellations.
class CountingCancellable : public Cancellable {
 public:
  void Cancel() override {
    if (cancels_.fetch_add(1) == 0) first_cancel_.Notify();
  }
  int cancels() const { return cancels_.load(); }
  // Whether Cancel() was called within `timeout`.
  bool WaitForCancel(absl::Duration timeout) {
    return first_cancel_.WaitForNotificationWithTimeout(timeout);
  }

 private:
  std::atomic<int> cancels_{0};
  absl::Notification first_cancel_;
};

// An action for an operation's EXPECT_CALL: completes the call at once
// with `result` (a value or an error) and `upstream`, and returns a handle.
template <typename T>
auto AnswerWith(absl::StatusOr<T> result, UpstreamCallInfo upstream = {}) {
  return [result = std::move(result), upstream](auto&&, const CallOptions&,
                                                ApiCallback<T> done) {
    std::move(done)(ApiResult<T>{result, upstream});
    return std::make_shared<CountingCancellable>();
  };
}

}  // namespace gateway::apivideo::testing

#endif  // GATEWAY_APIVIDEO_TESTING_MOCK_UPLOAD_TOKEN_STUB_H_
