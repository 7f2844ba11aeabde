// The grpc::Server of the gateway: the service, health checking and server
// reflection on one listening port, and an orderly shutdown.

#ifndef GATEWAY_SERVER_GATEWAY_SERVER_H_
#define GATEWAY_SERVER_GATEWAY_SERVER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/reflection/server_reflection.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"

namespace gateway::server {

struct ServerOptions {
  // "HOST:PORT"; port 0 picks a free port (see GatewayServer::address()).
  std::string listen_address = "[::]:50051";
  // Requests are tiny; anything bigger is refused before it is parsed.
  int max_receive_message_bytes = 64 * 1024;
  // Bounds the request metadata (headers) a caller may send.
  int max_metadata_bytes = 16 * 1024;
  // Close each client connection after this long (gRPC sends GOAWAY; calls
  // in flight get a further grace of the same length), so that clients
  // spread over replicas added since they connected. Zero: never.
  absl::Duration max_connection_age = absl::ZeroDuration();
  // Calls one client connection may have open at once (HTTP/2
  // SETTINGS_MAX_CONCURRENT_STREAMS; a client queues more until one ends).
  // Health watches and reflection streams sit outside the service's
  // in-flight limit; this bounds what one connection can hold of them.
  int max_concurrent_streams = 1000;
};

class GatewayServer {
 public:
  // Starts serving `service` (which must outlive the server), with
  // grpc.health.v1 reporting SERVING for the whole server and for the
  // service's name, and server reflection (grpc.reflection.v1 and v1alpha,
  // with the .proto comments) describing them.
  // `credentials` secure the port (security/server_tls.h); null serves
  // plaintext.
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(
      const ServerOptions& options,
      std::shared_ptr<grpc::ServerCredentials> credentials,
      grpc::Service& service, absl::string_view service_name);

  // listen_address with the bound port, e.g. "[::]:50051".
  const std::string& address() const { return address_; }

  // Sets the health of the whole server and of the service: SERVING when
  // `serving`, NOT_SERVING otherwise. Ignored once Shutdown has begun.
  // Thread-safe.
  void SetServing(bool serving);

  // Turns health to NOT_SERVING, stops taking calls, lets calls in flight
  // finish for up to `grace`, cancels what is left, and returns when every
  // call has ended.
  void Shutdown(absl::Duration grace);

 private:
  GatewayServer(std::unique_ptr<reflection::ServerReflection> reflection,
                std::unique_ptr<grpc::Server> server, std::string address,
                std::string service_name);

  // Declared before server_ so that it outlives it.
  std::unique_ptr<reflection::ServerReflection> reflection_;
  std::unique_ptr<grpc::Server> server_;
  const std::string address_;
  const std::string service_name_;

  absl::Mutex mu_;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace gateway::server

#endif  // GATEWAY_SERVER_GATEWAY_SERVER_H_
