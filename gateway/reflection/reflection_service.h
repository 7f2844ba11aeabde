// The grpc.reflection.{v1,v1alpha}.ServerReflection services, on gRPC's
// callback API: each stream gets its own ReflectionReactor.
//
// ReflectionService is written once over the generated callback service and
// its message types; ReflectionServiceV1 and ReflectionServiceV1Alpha are
// the two services a server registers. ServerReflection
// (server_reflection.h) owns both and what they answer from.

#ifndef GATEWAY_REFLECTION_REFLECTION_SERVICE_H_
#define GATEWAY_REFLECTION_REFLECTION_SERVICE_H_

#include <string>
#include <vector>

#include "gateway/reflection/descriptor_index.h"
#include "gateway/reflection/reflection_reactor.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace gateway::reflection {

template <typename CallbackService, typename Request, typename Response>
class ReflectionService final : public CallbackService {
 public:
  // `index`, `services` and `open_streams` must outlive the service.
  ReflectionService(const DescriptorIndex& index,
                    const std::vector<std::string>& services,
                    StreamCount& open_streams)
      : index_(index), services_(services), open_streams_(open_streams) {}

  grpc::ServerBidiReactor<Request, Response>* ServerReflectionInfo(
      grpc::CallbackServerContext* /*context*/) override {
    if (!open_streams_.TryOpen()) {
      return new RefusedReactor<Request, Response>(grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          "too many reflection streams are open; close one and retry"));
    }
    return new ReflectionReactor<Request, Response>(index_, services_,
                                                    open_streams_);
  }

 private:
  const DescriptorIndex& index_;
  const std::vector<std::string>& services_;
  StreamCount& open_streams_;
};

using ReflectionServiceV1 =
    ReflectionService<::grpc::reflection::v1::ServerReflection::CallbackService,
                      ::grpc::reflection::v1::ServerReflectionRequest,
                      ::grpc::reflection::v1::ServerReflectionResponse>;

using ReflectionServiceV1Alpha = ReflectionService<
    ::grpc::reflection::v1alpha::ServerReflection::CallbackService,
    ::grpc::reflection::v1alpha::ServerReflectionRequest,
    ::grpc::reflection::v1alpha::ServerReflectionResponse>;

}  // namespace gateway::reflection

#endif  // GATEWAY_REFLECTION_REFLECTION_SERVICE_H_
