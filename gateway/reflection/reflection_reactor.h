// One ServerReflectionInfo stream, on gRPC's callback API.
//
// The reactor reads a request, writes its answer, and reads again, so exactly
// one operation is pending at any time and no thread ever waits on the
// stream. When a read fails, because the client half-closed the stream or
// the call was cancelled, it finishes the call with OK (a cancelled call's
// status goes nowhere); when a write fails, which only happens to a call that
// is already broken, it finishes with CANCELLED. gRPC calls OnDone once the
// call is over, and the reactor deletes itself there.

#ifndef GATEWAY_REFLECTION_REFLECTION_REACTOR_H_
#define GATEWAY_REFLECTION_REFLECTION_REACTOR_H_

#include <atomic>
#include <string>
#include <vector>

#include "gateway/reflection/descriptor_index.h"
#include "gateway/reflection/request_handler.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace gateway::reflection {

// How many streams are open, against a cap. Thread-safe.
class StreamCount {
 public:
  explicit StreamCount(int cap) : cap_(cap) {}

  // Counts one more stream; false (and nothing counted) at the cap.
  bool TryOpen() {
    int open = open_.load();
    while (open < cap_) {
      if (open_.compare_exchange_weak(open, open + 1)) return true;
    }
    return false;
  }
  void Close() { open_.fetch_sub(1); }

 private:
  const int cap_;
  std::atomic<int> open_{0};
};

// A stream refused before it started: finished at once with `status`.
template <typename Request, typename Response>
class RefusedReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit RefusedReactor(const grpc::Status& status) { this->Finish(status); }

 private:
  void OnDone() override { delete this; }
};

// `Request` and `Response` are ServerReflectionRequest and
// ServerReflectionResponse of grpc.reflection.v1 or v1alpha. Create with
// new and return from the service's ServerReflectionInfo handler; it owns
// itself from then on.
template <typename Request, typename Response>
class ReflectionReactor final
    : public grpc::ServerBidiReactor<Request, Response> {
 public:
  // `index`, `services` and `open_streams` must outlive the call (they
  // belong to the service, which outlives the server). The stream was
  // counted in `open_streams`; the reactor uncounts it when it is done.
  ReflectionReactor(const DescriptorIndex& index,
                    const std::vector<std::string>& services,
                    StreamCount& open_streams)
      : index_(index), services_(services), open_streams_(open_streams) {
    // gRPC keeps operations started before the stream is bound.
    this->StartRead(&request_);
  }

 private:
  void OnReadDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status::OK);
      return;
    }
    AnswerReflectionRequest(index_, services_, request_, response_);
    this->StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                                "the reflection stream broke"));
      return;
    }
    this->StartRead(&request_);
  }

  void OnDone() override {
    open_streams_.Close();
    delete this;
  }

  const DescriptorIndex& index_;
  const std::vector<std::string>& services_;
  StreamCount& open_streams_;
  // One read or one write is pending at a time, so one of each suffices.
  Request request_;
  Response response_;
};

}  // namespace gateway::reflection

#endif  // GATEWAY_REFLECTION_REFLECTION_REACTOR_H_
