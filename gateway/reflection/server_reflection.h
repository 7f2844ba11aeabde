// Server reflection for a grpc::Server: grpc.reflection.v1.ServerReflection
// and grpc.reflection.v1alpha.ServerReflection, answered from a
// FileDescriptorSet rather than from the process's generated pool.
//
// Serving the set as protoc wrote it keeps the source code info, so clients
// such as grpcurl show the .proto comments (`grpcurl describe`), and lets a
// server describe exactly the files it chooses. Modern clients ask for v1
// first and fall back to v1alpha; both are served.
//
// Example:
//   absl::StatusOr<std::unique_ptr<ServerReflection>> reflection =
//       ServerReflection::Create(EmbeddedDescriptorSet(),
//                                {"pkg.MyService", "grpc.health.v1.Health"});
//   if (!reflection.ok()) return reflection.status();
//   grpc::ServerBuilder builder;
//   builder.RegisterService(&my_service);
//   (*reflection)->RegisterWith(builder);
//   // *reflection must outlive the server.

#ifndef GATEWAY_REFLECTION_SERVER_REFLECTION_H_
#define GATEWAY_REFLECTION_SERVER_REFLECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/reflection/descriptor_index.h"
#include "gateway/reflection/reflection_service.h"
#include "grpcpp/server_builder.h"

namespace gateway::reflection {

class ServerReflection {
 public:
  // Streams open at once, both versions together; more are refused with
  // RESOURCE_EXHAUSTED. Reflection sits outside the service's in-flight
  // limit, and a tool such as grpcurl opens one stream per command.
  static constexpr int kMaxOpenStreams = 32;

  // `serialized_set`: a serialized google.protobuf.FileDescriptorSet with
  // every file to describe and all their imports (protoc --include_imports,
  // and --include_source_info to keep the comments).
  // `services`: the full names of the services the server registers besides
  // reflection, e.g. "grpc.health.v1.Health"; list_services answers them and
  // the two reflection services. INVALID_ARGUMENT if the set is unusable or
  // does not describe one of them (clients could list it but not call it).
  static absl::StatusOr<std::unique_ptr<ServerReflection>> Create(
      absl::string_view serialized_set, std::vector<std::string> services);

  ServerReflection(const ServerReflection&) = delete;
  ServerReflection& operator=(const ServerReflection&) = delete;

  // Registers both reflection services with `builder`. Call once, before
  // BuildAndStart; this object must outlive the server.
  void RegisterWith(grpc::ServerBuilder& builder);

  // What list_services answers: `services` then the two reflection services.
  const std::vector<std::string>& services() const { return services_; }
  const DescriptorIndex& index() const { return *index_; }

 private:
  ServerReflection(std::unique_ptr<DescriptorIndex> index,
                   std::vector<std::string> services);

  const std::unique_ptr<DescriptorIndex> index_;
  const std::vector<std::string> services_;
  StreamCount open_streams_;
  ReflectionServiceV1 v1_;
  ReflectionServiceV1Alpha v1alpha_;
};

}  // namespace gateway::reflection

#endif  // GATEWAY_REFLECTION_SERVER_REFLECTION_H_
