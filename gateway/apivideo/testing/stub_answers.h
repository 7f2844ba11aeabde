// Test helpers for code that calls an UploadTokenStub: Answer records what
// one call was answered with; HeldCall is a mocked operation held open until
// the test answers it.
//
//   Answer<UploadToken> answer;
//   stub.Get("to1", {}, answer.Callback());
//   EXPECT_EQ(answer.code(), absl::StatusCode::kNotFound);

#ifndef GATEWAY_APIVIDEO_TESTING_STUB_ANSWERS_H_
#define GATEWAY_APIVIDEO_TESTING_STUB_ANSWERS_H_

#include <memory>
#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "gateway/apivideo/testing/mock_upload_token_stub.h"
#include "gateway/apivideo/upload_token_stub.h"

namespace gateway::apivideo::testing {

// What one call was answered with. Copies share it, so that a call answered
// after the helper that started it returned is still seen.
template <typename T>
class Answer {
 public:
  ApiCallback<T> Callback() {
    return [state = state_](ApiResult<T> answer) {
      ++state->times;
      state->result = std::move(answer);
    };
  }
  int times() const { return state_->times; }
  bool answered() const { return state_->times > 0; }
  const absl::StatusOr<T>& value() const { return state_->result->value; }
  absl::StatusCode code() const { return value().status().code(); }
  AnswerSource source() const { return state_->result->upstream.source; }

 private:
  struct State {
    int times = 0;
    std::optional<ApiResult<T>> result;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// An upstream operation held open until the test answers it.
template <typename T>
struct HeldCall {
  auto Action() {
    return [this](auto&&, const CallOptions& options, ApiCallback<T> done) {
      this->options = options;
      this->done = std::move(done);
      return handle;
    };
  }
  void Complete(absl::StatusOr<T> value) {
    std::move(done)(ApiResult<T>{std::move(value), {}});
  }

  CallOptions options;
  ApiCallback<T> done;
  std::shared_ptr<CountingCancellable> handle =
      std::make_shared<CountingCancellable>();
};

}  // namespace gateway::apivideo::testing

#endif  // GATEWAY_APIVIDEO_TESTING_STUB_ANSWERS_H_
