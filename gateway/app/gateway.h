// The whole gateway, assembled: transport, credentials, policies, upstream
// health, the api.video client and the gRPC service and server.
//
// main.cc turns flags into a GatewayConfig and calls Gateway::Start; tests
// and benchmarks may do the same in-process. Owns every part and tears them
// down in an order where no callback outlives what it uses.

#ifndef GATEWAY_APP_GATEWAY_H_
#define GATEWAY_APP_GATEWAY_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/credentials_health.h"
#include "gateway/apivideo/routes.h"
#include "gateway/apivideo/upload_token_api.h"
#include "gateway/http/curl_loop.h"
#include "gateway/observability/access_log.h"
#include "gateway/observability/gateway_metrics.h"
#include "gateway/observability/metrics.h"
#include "gateway/observability/metrics_server.h"
#include "gateway/policy/circuit_breaker.h"
#include "gateway/policy/rate_limit_gate.h"
#include "gateway/policy/retry_budget.h"
#include "gateway/security/caller_policy.h"
#include "gateway/security/key_file_watcher.h"
#include "gateway/security/secret_scrubber.h"
#include "gateway/security/server_tls.h"
#include "gateway/server/gateway_server.h"
#include "gateway/service/page_token.h"
#include "gateway/service/upload_token_service.h"

namespace gateway::app {

enum class UpstreamAuth { kBasic, kBearer };

struct GatewayConfig {
  std::string api_key;
  // Where the key came from, if a file: it is watched for rotation.
  std::string api_key_file;
  absl::Duration api_key_reload_interval = absl::Seconds(2);
  apivideo::BaseUrl base_url;
  UpstreamAuth auth = UpstreamAuth::kBasic;
  // Upstream transport: extra CA bundle and the like.
  http::CurlLoopOptions transport;
  // Policies.
  int max_attempts = 3;
  double retry_budget_ratio = 0.1;
  absl::Duration rate_limit_max_wait = absl::ZeroDuration();
  // How often to check a rejected key again; zero: never.
  absl::Duration health_probe_interval = absl::Seconds(10);
  service::UploadTokenServiceOptions service;
  bool access_log = true;
  // Who may call: the server's TLS files (none: plaintext) and the caller
  // policy's inputs.
  security::ServerTlsFiles server_tls;
  std::vector<std::string> allowed_clients;
  std::string caller_tokens_file;
  // What page tokens are signed with; empty: the API key the gateway started
  // with. Replicas must share it for a listing to continue on any of them.
  std::string page_token_secret;
  server::ServerOptions server;
  // Where to serve Prometheus' /metrics ("HOST:PORT"); empty: nowhere.
  std::string metrics_listen;
};

class Gateway {
 public:
  // Builds every part, starts serving, and probes api.video once so that a
  // rejected key shows in health at once.
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(GatewayConfig config);

  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;
  ~Gateway();

  // "HOST:PORT" with the port actually bound.
  const std::string& address() const { return server_->address(); }
  // The metrics server's "HOST:PORT"; empty when it is off.
  std::string metrics_address() const;

  // Drains: health NOT_SERVING, calls in flight get up to `grace`, the rest
  // are cancelled; then every upstream transfer and timer is ended.
  void Shutdown(absl::Duration grace);

 private:
  explicit Gateway(GatewayConfig config);
  absl::Status Init();

  const GatewayConfig config_;
  // In dependency order: each part uses only those above it.
  observability::MetricsRegistry metrics_registry_;
  std::unique_ptr<observability::GatewayMetrics> metrics_;
  std::unique_ptr<http::CurlLoop> curl_loop_;
  // Shutdown() takes curl_loop_ away while the metrics page may still be
  // read; both hold this meanwhile, so a scrape sees the loop or nothing.
  absl::Mutex curl_loop_mu_;
  std::atomic<server::GatewayServer*> health_target_{nullptr};
  std::unique_ptr<apivideo::CredentialsHealth> credentials_health_;
  // Health and metrics, as one observer of upstream traffic.
  std::unique_ptr<apivideo::UpstreamObservers> upstream_observers_;
  security::SecretScrubber scrubber_;
  std::unique_ptr<apivideo::Authenticator> authenticator_;
  std::unique_ptr<security::KeyFileWatcher> key_file_watcher_;
  policy::RetryBudget retry_budget_;
  policy::RateLimitGate rate_limits_;
  policy::CircuitBreaker circuit_breaker_;
  std::unique_ptr<apivideo::UploadTokenApi> api_;
  std::unique_ptr<service::PageTokenCodec> page_tokens_;
  std::unique_ptr<observability::AccessLog> access_log_;
  security::CallerPolicy callers_;
  std::unique_ptr<service::UploadTokenService> service_;
  std::unique_ptr<server::GatewayServer> server_;
  // Last, so that it stops first: its pages read the parts above.
  std::unique_ptr<observability::MetricsServer> metrics_server_;
  bool shut_down_ = false;
};

}  // namespace gateway::app

#endif  // GATEWAY_APP_GATEWAY_H_
