// The whole gateway, assembled from a checked configuration: transport,
// credentials, policies, the api.video client, the gRPC service and server,
// health and metrics.
//
// main.cc builds a config::GatewayConfig from flags, validates it, reads the
// secrets and calls Gateway::Start; tests and benchmarks may do the same
// in-process. The Gateway owns every part and tears them down in an order
// where no callback outlives what it uses.

#ifndef GATEWAY_APP_GATEWAY_H_
#define GATEWAY_APP_GATEWAY_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/admission.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/caching_upload_token_stub.h"
#include "gateway/apivideo/credentials_health.h"
#include "gateway/apivideo/quota_steward.h"
#include "gateway/apivideo/redis_shared_quota.h"
#include "gateway/apivideo/redis_token_store.h"
#include "gateway/apivideo/upload_token_api.h"
#include "gateway/apivideo/upstream_observer.h"
#include "gateway/app/answer_metrics_observer.h"
#include "gateway/app/quota_metrics_observer.h"
#include "gateway/app/upstream_metrics_observer.h"
#include "gateway/config/gateway_config.h"
#include "gateway/governance/audit_stream_follower.h"
#include "gateway/governance/audit_trail.h"
#include "gateway/governance/caller_rules_store.h"
#include "gateway/governance/create_rate_limiter.h"
#include "gateway/governance/deduplicating_upload_token_stub.h"
#include "gateway/governance/governing_upload_token_stub.h"
#include "gateway/governance/ownership_index.h"
#include "gateway/governance/redis_audit_stream.h"
#include "gateway/governance/request_id_ledger.h"
#include "gateway/http/curl_loop.h"
#include "gateway/observability/access_log.h"
#include "gateway/observability/answer_metrics.h"
#include "gateway/observability/gateway_metrics.h"
#include "gateway/observability/metrics.h"
#include "gateway/observability/metrics_server.h"
#include "gateway/observability/quota_metrics.h"
#include "gateway/observability/upstream_metrics.h"
#include "gateway/policy/circuit_breaker.h"
#include "gateway/policy/retry_budget.h"
#include "gateway/redis/redis_client.h"
#include "gateway/security/caller_policy_store.h"
#include "gateway/security/file_watcher.h"
#include "gateway/security/key_file_watcher.h"
#include "gateway/security/secret_scrubber.h"
#include "gateway/server/gateway_server.h"
#include "gateway/service/page_token.h"
#include "gateway/service/upload_token_service.h"

namespace gateway::app {

// The credentials the gateway starts with, read by the caller
// (security/secrets.h) so that nothing here touches the environment.
struct GatewaySecrets {
  std::string api_key;
  // What page tokens are signed with; empty: `api_key`. Replicas must share
  // it for a listing to continue on any of them.
  std::string page_token_secret;
  // AUTH for --redis_address; empty: none.
  std::string redis_password;
};

class Gateway {
 public:
  // Builds every part, starts serving, and probes api.video once so that a
  // rejected key shows in health at once. `config` must have passed
  // config::Validate().
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(
      config::GatewayConfig config, GatewaySecrets secrets);

  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;
  ~Gateway();

  // "HOST:PORT" with the port actually bound.
  const std::string& address() const { return server_->address(); }

  // Drains: health NOT_SERVING, calls in flight get up to `grace`, the rest
  // are cancelled; then every upstream transfer and timer is ended.
  void Shutdown(absl::Duration grace);

 private:
  Gateway(config::GatewayConfig config, GatewaySecrets secrets);

  // The steps of Start, in order; each uses only what the earlier ones
  // built.
  absl::Status StartTransport();
  void StartCredentials();
  // With --redis_address: the connection and what replicas share over it.
  void StartRedis();
  absl::Status StartApi();
  // The caller rules, the ownership of tokens (rebuilt from --audit_log)
  // and the audit trail, around the api.
  absl::Status StartGovernance();
  absl::Status StartService();
  absl::Status StartServer();
  absl::Status StartMetricsServer();

  // Tells health whether api.video accepts the gateway's credentials.
  void OnCredentialsVerdict(bool accepted);
  // One cheap authenticated read, whose answer reaches credentials_health_.
  void ProbeCredentials();

  const config::GatewayConfig config_;
  const GatewaySecrets secrets_;
  // In dependency order: each part uses only those above it.
  observability::MetricsRegistry metrics_registry_;
  std::unique_ptr<observability::GatewayMetrics> metrics_;
  observability::UpstreamMetrics upstream_metrics_{metrics_registry_};
  UpstreamMetricsObserver upstream_metrics_observer_{upstream_metrics_};
  observability::QuotaMetrics quota_metrics_{metrics_registry_};
  QuotaMetricsObserver quota_metrics_observer_{quota_metrics_};
  observability::AnswerMetrics answer_metrics_{metrics_registry_};
  AnswerMetricsObserver answer_metrics_observer_{answer_metrics_};
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
  policy::CircuitBreaker circuit_breaker_;
  // Asked before every upstream attempt, in this order.
  apivideo::DeadlineCheck deadline_check_;
  apivideo::CircuitBreakerCheck circuit_breaker_check_{circuit_breaker_};
  const apivideo::AdmissionChain admission_{
      {&deadline_check_, &circuit_breaker_check_}};
  // With --redis_address: the state replicas share, over one connection.
  // Shutdown() ends the connection before curl_loop_, whose timers the
  // steward's answers from Redis may start.
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<apivideo::RedisSharedQuota> shared_quota_;
  std::unique_ptr<apivideo::RedisTokenStore> shared_tokens_;
  // The account's rate-limit windows, shared among callers; its timers run
  // on curl_loop_, which Shutdown() ends first.
  std::unique_ptr<apivideo::QuotaSteward> quota_;
  std::unique_ptr<apivideo::UploadTokenApi> api_;
  // What the service calls: api_ behind the token cache and coalescing.
  // The health probe calls api_ itself, so that it always reaches
  // api.video.
  std::unique_ptr<apivideo::CachingUploadTokenStub> cached_api_;
  // Governance: each caller's rules (reloaded by their watcher), who
  // created which token, and the audit trail. What the service calls is
  // deduplicated_api_, in front of governed_api_, in front of cached_api_.
  std::unique_ptr<governance::CallerRulesStore> caller_rules_;
  std::unique_ptr<security::FileWatcher> caller_rules_watcher_;
  governance::OwnershipIndex ownership_;
  governance::CreateRateLimiter create_rate_;
  // With --redis_address: creates_per_minute counted for all replicas.
  std::unique_ptr<governance::SharedCreateRate> shared_create_rate_;
  std::unique_ptr<governance::AuditLogFile> audit_log_;
  // With --redis_address, the replicas' audit stream; audit_ writes to it
  // and to audit_log_, each when there is one.
  std::unique_ptr<governance::RedisAuditStream> audit_stream_;
  std::unique_ptr<governance::AuditStreamFollower> audit_follower_;
  std::unique_ptr<governance::AuditTrails> audit_;
  std::unique_ptr<governance::GoverningUploadTokenStub> governed_api_;
  // What became of each create with a request id: here, and with
  // --redis_address also for the other replicas.
  governance::RequestIdLedger request_ids_;
  std::unique_ptr<governance::SharedRequestIds> shared_request_ids_;
  std::unique_ptr<governance::DeduplicatingUploadTokenStub> deduplicated_api_;
  std::unique_ptr<service::PageTokenCodec> page_tokens_;
  std::unique_ptr<observability::AccessLog> access_log_;
  std::unique_ptr<security::CallerPolicyStore> callers_;
  std::unique_ptr<security::FileWatcher> caller_tokens_watcher_;
  std::unique_ptr<service::UploadTokenService> service_;
  std::unique_ptr<server::GatewayServer> server_;
  // Last, so that it stops first: its pages read the parts above.
  std::unique_ptr<observability::MetricsServer> metrics_server_;
  bool shut_down_ = false;
};

}  // namespace gateway::app

#endif  // GATEWAY_APP_GATEWAY_H_
