#include "gateway/server/gateway_server.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/host_port.h"
#include "gateway/reflection/embedded_descriptor_set.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace gateway::server {

GatewayServer::GatewayServer(
    std::unique_ptr<reflection::ServerReflection> reflection,
    std::unique_ptr<grpc::Server> server, std::string address,
    std::string service_name)
    : reflection_(std::move(reflection)),
      server_(std::move(server)),
      address_(std::move(address)),
      service_name_(std::move(service_name)) {}

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(
    const ServerOptions& options,
    std::shared_ptr<grpc::ServerCredentials> credentials,
    grpc::Service& service, absl::string_view service_name) {
  // A process-wide switch that must be set before the builder runs.
  grpc::EnableDefaultHealthCheckService(true);
  absl::StatusOr<std::unique_ptr<reflection::ServerReflection>> reflection =
      reflection::ServerReflection::Create(
          reflection::EmbeddedDescriptorSet(),
          {std::string(service_name), "grpc.health.v1.Health"});
  if (!reflection.ok()) return reflection.status();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen_address,
                           credentials != nullptr
                               ? std::move(credentials)
                               : grpc::InsecureServerCredentials(),
                           &port);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE,
                             options.max_metadata_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  if (options.max_connection_age > absl::ZeroDuration()) {
    const int age_ms = static_cast<int>(std::min<std::int64_t>(
        absl::ToInt64Milliseconds(options.max_connection_age), INT32_MAX));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, age_ms);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, age_ms);
  }
  builder.RegisterService(&service);
  (*reflection)->RegisterWith(builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options.listen_address,
        " (address in use, not an address of this host, or malformed)"));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus(std::string(service_name), true);

  // The listen address was checked (config::Validate) before the server
  // could bind it.
  absl::StatusOr<HostPort> listen = ParseHostPort(options.listen_address);
  std::string address = FormatHostPort(listen.ok() ? listen->host : "", port);
  return std::unique_ptr<GatewayServer>(
      new GatewayServer(*std::move(reflection), std::move(server),
                        std::move(address), std::string(service_name)));
}

void GatewayServer::SetServing(bool serving) {
  absl::MutexLock lock(&mu_);
  if (draining_) return;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus("", serving);
  health->SetServingStatus(service_name_, serving);
}

void GatewayServer::Shutdown(absl::Duration grace) {
  {
    absl::MutexLock lock(&mu_);
    draining_ = true;
  }
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(grace));
  server_->Wait();
}

}  // namespace gateway::server
