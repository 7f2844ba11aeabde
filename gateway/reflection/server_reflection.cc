#include "gateway/reflection/server_reflection.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gateway::reflection {

absl::StatusOr<std::unique_ptr<ServerReflection>> ServerReflection::Create(
    absl::string_view serialized_set, std::vector<std::string> services) {
  absl::StatusOr<std::unique_ptr<DescriptorIndex>> index =
      DescriptorIndex::Create(serialized_set);
  if (!index.ok()) return index.status();
  services.emplace_back(
      ::grpc::reflection::v1::ServerReflection::service_full_name());
  services.emplace_back(
      ::grpc::reflection::v1alpha::ServerReflection::service_full_name());
  for (const std::string& service : services) {
    if ((*index)->pool().FindServiceByName(service) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "server reflection: the descriptor set does not describe the "
          "service \"",
          service, "\""));
    }
  }
  return std::unique_ptr<ServerReflection>(
      new ServerReflection(*std::move(index), std::move(services)));
}

ServerReflection::ServerReflection(std::unique_ptr<DescriptorIndex> index,
                                   std::vector<std::string> services)
    : index_(std::move(index)),
      services_(std::move(services)),
      open_streams_(kMaxOpenStreams),
      v1_(*index_, services_, open_streams_),
      v1alpha_(*index_, services_, open_streams_) {}

void ServerReflection::RegisterWith(grpc::ServerBuilder& builder) {
  builder.RegisterService(&v1_);
  builder.RegisterService(&v1alpha_);
}

}  // namespace gateway::reflection
