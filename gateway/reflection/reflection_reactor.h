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

#include <string>
#include <vector>

#include "gateway/reflection/descriptor_index.h"
#include "gateway/reflection/request_handler.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace gateway::reflection {

// `Request` and `Response` are ServerReflectionRequest and
// ServerReflectionResponse of grpc.reflection.v1 or v1alpha. Create with
// new and return from the service's ServerReflectionInfo handler; it owns
// itself from then on.
template <typename Request, typename Response>
class ReflectionReactor final
    : public grpc::ServerBidiReactor<Request, Response> {
 public:
  // `index` and `services` must outlive the call (they belong to the
  // service, which outlives the server).
  ReflectionReactor(const DescriptorIndex& index,
                    const std::vector<std::string>& services)
      : index_(index), services_(services) {
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

  void OnDone() override { delete this; }

  const DescriptorIndex& index_;
  const std::vector<std::string>& services_;
  // One read or one write is pending at a time, so one of each suffices.
  Request request_;
  Response response_;
};

}  // namespace gateway::reflection

#endif  // GATEWAY_REFLECTION_REFLECTION_REACTOR_H_
