#include "gateway/app/gateway.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "gateway/apivideo/bearer_authenticator.h"
#include "gateway/apivideo/routes.h"
#include "gateway/app/build_info.h"
#include "gateway/common/host_port.h"
#include "gateway/common/log.h"
#include "gateway/config/caller_weights_file.h"
#include "gateway/governance/audit_replay.h"
#include "gateway/observability/trace_context.h"
#include "gateway/security/server_tls.h"

namespace gateway::app {
namespace {

using ::apivideo::uploadtokens::v1::UploadTokenService;

// The cheapest authenticated read: one token of the first page.
apivideo::ListQuery ProbeQuery() {
  apivideo::ListQuery query;
  query.page_size = 1;
  return query;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(
    config::GatewayConfig config, GatewaySecrets secrets) {
  auto gateway =
      absl::WrapUnique(new Gateway(std::move(config), std::move(secrets)));
  absl::Status status = gateway->StartTransport();
  if (status.ok()) {
    gateway->StartCredentials();
    status = gateway->StartApi();
  }
  if (status.ok()) status = gateway->StartGovernance();
  if (status.ok()) status = gateway->StartService();
  if (status.ok()) status = gateway->StartServer();
  if (status.ok()) status = gateway->StartMetricsServer();
  if (!status.ok()) return status;
  return gateway;
}

Gateway::Gateway(config::GatewayConfig config, GatewaySecrets secrets)
    : config_(std::move(config)),
      secrets_(std::move(secrets)),
      retry_budget_(config_.retry_budget) {}

absl::Status Gateway::StartTransport() {
  const BuildInfo& build = GetBuildInfo();
  // Prometheus exporters' convention: the build in labels, the value 1.
  metrics_registry_
      .Gauges("gateway_build_info",
              "The running build: its version, git commit and build type "
              "(always 1).")
      .Add({{"version", std::string(build.version)},
            {"commit", std::string(build.commit)},
            {"build_type", std::string(build.build_type)}})
      .Set(1);
  metrics_ = std::make_unique<observability::GatewayMetrics>(
      metrics_registry_, UploadTokenService::service_full_name(),
      std::vector<absl::string_view>{"CreateUploadToken", "GetUploadToken",
                                     "ListUploadTokens", "DeleteUploadToken",
                                     "PurgeUploadTokens"});
  absl::StatusOr<std::unique_ptr<http::CurlLoop>> curl_loop =
      http::CurlLoop::Create(config_.transport);
  if (!curl_loop.ok()) return curl_loop.status();
  curl_loop_ = *std::move(curl_loop);
  return absl::OkStatus();
}

void Gateway::StartCredentials() {
  credentials_health_ = std::make_unique<apivideo::CredentialsHealth>(
      *curl_loop_, config_.health_probe_interval,
      [this] { ProbeCredentials(); },
      [this](bool accepted) { OnCredentialsVerdict(accepted); });
  upstream_observers_ = std::make_unique<apivideo::UpstreamObservers>(
      std::vector<apivideo::UpstreamObserver*>{credentials_health_.get(),
                                               &upstream_metrics_observer_});

  scrubber_.AddSecret(secrets_.api_key);
  if (config_.auth == config::UpstreamAuth::kBearer) {
    apivideo::BearerAuthOptions options;
    options.observer = upstream_observers_.get();
    options.on_new_token = [this](absl::string_view token,
                                  absl::Time forget_after) {
      scrubber_.AddExpiringSecret(token, forget_after);
    };
    authenticator_ = std::make_unique<apivideo::BearerAuthenticator>(
        *curl_loop_, *apivideo::ParseBaseUrl(config_.api_base_url),
        secrets_.api_key, options);
  } else {
    authenticator_ =
        std::make_unique<apivideo::BasicAuthenticator>(secrets_.api_key);
  }

  if (!config_.api_key_file.empty() &&
      config_.api_key_reload_interval > absl::ZeroDuration()) {
    key_file_watcher_ = std::make_unique<security::KeyFileWatcher>(
        *curl_loop_, config_.api_key_file, config_.api_key_reload_interval,
        secrets_.api_key, [this](const std::string& key) {
          scrubber_.AddSecret(key);
          authenticator_->SetApiKey(key);
        });
    key_file_watcher_->Start();
  }
}

void Gateway::StartRedis() {
  if (config_.redis_address.empty()) return;
  const HostPort address = *ParseHostPort(config_.redis_address);
  redis::RedisClientOptions options;
  options.host = address.host;
  options.port = address.port;
  options.password = secrets_.redis_password;
  options.command_timeout = config_.redis_timeout;
  redis_ = std::make_unique<redis::RedisClient>(std::move(options));
  metrics_registry_.AddCallbackGauge(
      "gateway_redis_connected",
      "1 while the connection to --redis_address is up: replicas share the "
      "windows and the token cache; 0: this replica is on its own "
      "accounting and cache until it is back.",
      [this] { return redis_->connected() ? 1.0 : 0.0; });
  apivideo::RedisSharedQuotaOptions shared;
  shared.window = {config_.quota.share, config_.quota.burst};
  // A request outlives its call's deadline by little; this frees the units
  // of a replica that died with requests in flight.
  shared.lease =
      std::max(absl::Seconds(30), 2 * config_.service.upstream_timeout);
  shared_quota_ = std::make_unique<apivideo::RedisSharedQuota>(*redis_, shared);
  const apivideo::TokenCacheOptions& cache = config_.read_cache.tokens;
  // With the token cache off, a read would only ask Redis in vain.
  if (cache.max_age > absl::ZeroDuration() ||
      cache.negative_max_age > absl::ZeroDuration()) {
    shared_tokens_ =
        std::make_unique<apivideo::RedisTokenStore>(*redis_, cache);
  }
}

absl::Status Gateway::StartApi() {
  StartRedis();
  apivideo::QuotaStewardOptions quota = config_.quota;
  quota.shared = shared_quota_.get();
  if (!config_.caller_weights_file.empty()) {
    absl::StatusOr<absl::flat_hash_map<std::string, double>> weights =
        config::ReadCallerWeightsFile(config_.caller_weights_file);
    if (!weights.ok()) return weights.status();
    quota.weights = *std::move(weights);
  }
  quota_ = std::make_unique<apivideo::QuotaSteward>(
      *curl_loop_, std::move(quota), [] { return absl::Now(); },
      &quota_metrics_observer_);
  for (policy::RouteKind kind :
       {policy::RouteKind::kRead, policy::RouteKind::kWrite}) {
    const std::string window(WindowName(kind));
    metrics_registry_.AddCallbackGauge(
        absl::StrCat("gateway_quota_available_", window),
        absl::StrCat("Units of api.video's ", window,
                     " window the gateway may still spend (its share, less "
                     "what is in flight); -1 while the window is not known."),
        [this, kind] {
          const std::optional<std::int64_t> available =
              quota_->Snap(kind).available;
          return available.has_value() ? static_cast<double>(*available) : -1.0;
        });
    metrics_registry_.AddCallbackGauge(
        absl::StrCat("gateway_quota_waiting_", window),
        absl::StrCat("Calls waiting for a unit of api.video's ", window,
                     " window."),
        [this, kind] {
          return static_cast<double>(quota_->Snap(kind).waiting);
        });
  }
  apivideo::UpstreamServices upstream;
  upstream.client = curl_loop_.get();
  upstream.scheduler = curl_loop_.get();
  upstream.authenticator = authenticator_.get();
  upstream.retry_budget = &retry_budget_;
  upstream.admission = &admission_;
  upstream.quota = quota_.get();
  upstream.observer = upstream_observers_.get();
  upstream.retry = config_.retry;
  api_ = std::make_unique<apivideo::UploadTokenApi>(
      upstream, *apivideo::ParseBaseUrl(config_.api_base_url));
  cached_api_ = std::make_unique<apivideo::CachingUploadTokenStub>(
      *api_, config_.read_cache, &answer_metrics_observer_,
      shared_tokens_.get());
  return absl::OkStatus();
}

absl::Status Gateway::StartGovernance() {
  absl::StatusOr<std::unique_ptr<governance::CallerRulesStore>> rules =
      governance::CallerRulesStore::Load(config_.caller_policy_file);
  if (!rules.ok()) return rules.status();
  caller_rules_ = *std::move(rules);
  if (!config_.caller_policy_file.empty()) {
    if (config_.caller_policy_reload_interval > absl::ZeroDuration()) {
      caller_rules_watcher_ = std::make_unique<security::FileWatcher>(
          *curl_loop_, "--caller_policy_file", config_.caller_policy_file,
          config_.caller_policy_reload_interval,
          [this] { return caller_rules_->Reload(); });
      caller_rules_watcher_->Start();
    }
    metrics_registry_.AddCallbackGauge(
        "gateway_caller_policy_reload_failures",
        "Reloads of --caller_policy_file that failed since start; the rules "
        "in use are those of the last good file.",
        [this] {
          return static_cast<double>(caller_rules_->reload_failures());
        });
  }
  if (!config_.audit_log.empty()) {
    absl::StatusOr<int> replayed = governance::ReplayAuditLog(
        config_.audit_log, absl::Now(), ownership_, request_ids_);
    if (!replayed.ok()) return replayed.status();
    absl::StatusOr<std::unique_ptr<governance::AuditLogFile>> audit_log =
        governance::AuditLogFile::Open(config_.audit_log);
    if (!audit_log.ok()) return audit_log.status();
    audit_log_ = *std::move(audit_log);
    Log(LogLevel::kInfo, "ownership of tokens rebuilt from --audit_log",
        {{"events", *replayed}, {"tokens", ownership_.size()}});
    metrics_registry_.AddCallbackGauge(
        "gateway_audit_write_failures",
        "Audit events that could not be written to --audit_log since start.",
        [this] { return static_cast<double>(audit_log_->write_failures()); });
  }
  metrics_registry_.AddCallbackGauge(
      "gateway_owned_tokens",
      "Upload tokens whose creator the gateway knows (created through it, "
      "neither deleted nor known to be expired).",
      [this] {
        ownership_.DropExpired(absl::Now());
        return static_cast<double>(ownership_.size());
      });
  if (redis_ != nullptr) {
    shared_create_rate_ =
        std::make_unique<governance::SharedCreateRate>(*redis_);
  }
  governed_api_ = std::make_unique<governance::GoverningUploadTokenStub>(
      *cached_api_, *caller_rules_, ownership_, create_rate_,
      shared_create_rate_.get());
  std::vector<governance::AuditTrail*> trails;
  if (audit_log_ != nullptr) trails.push_back(audit_log_.get());
  if (redis_ != nullptr) {
    shared_request_ids_ = std::make_unique<governance::SharedRequestIds>(
        *redis_, *curl_loop_, governance::SharedRequestIdsOptions());
    audit_stream_ = std::make_unique<governance::RedisAuditStream>(
        *redis_, config_.audit_retention);
    // Who created which token, from every replica's acts.
    audit_follower_ = std::make_unique<governance::AuditStreamFollower>(
        *redis_, *curl_loop_, ownership_, request_ids_);
    audit_follower_->Start();
    trails.push_back(audit_stream_.get());
    metrics_registry_.AddCallbackGauge(
        "gateway_audit_stream_write_failures",
        "Audit events that the Redis stream gateway:audit did not take since "
        "start.",
        [this] {
          return static_cast<double>(audit_stream_->write_failures());
        });
  }
  if (!trails.empty()) {
    audit_ = std::make_unique<governance::AuditTrails>(std::move(trails));
  }
  deduplicated_api_ =
      std::make_unique<governance::DeduplicatingUploadTokenStub>(
          *governed_api_, request_ids_, audit_.get(),
          shared_request_ids_.get());
  return absl::OkStatus();
}

absl::Status Gateway::StartService() {
  if (!secrets_.page_token_secret.empty()) {
    scrubber_.AddSecret(secrets_.page_token_secret);
  }
  page_tokens_ = std::make_unique<service::PageTokenCodec>(
      secrets_.page_token_secret.empty() ? secrets_.api_key
                                         : secrets_.page_token_secret);
  access_log_ = std::make_unique<observability::AccessLog>(config_.access_log);
  absl::StatusOr<std::unique_ptr<security::CallerPolicyStore>> callers =
      security::CallerPolicyStore::Load(config_.allowed_clients,
                                        config_.caller_tokens_file);
  if (!callers.ok()) return callers.status();
  callers_ = *std::move(callers);
  if (!config_.caller_tokens_file.empty() &&
      config_.caller_tokens_reload_interval > absl::ZeroDuration()) {
    caller_tokens_watcher_ = std::make_unique<security::FileWatcher>(
        *curl_loop_, "--caller_tokens_file", config_.caller_tokens_file,
        config_.caller_tokens_reload_interval,
        [this] { return callers_->ReloadCallerTokens(); });
    caller_tokens_watcher_->Start();
  }
  service::ServiceGovernance governance;
  governance.rules = caller_rules_.get();
  governance.ownership = &ownership_;
  governance.audit = audit_.get();
  service_ = std::make_unique<service::UploadTokenService>(
      *deduplicated_api_, *page_tokens_, *callers_, governance, scrubber_,
      *access_log_, metrics_.get(), config_.service);

  metrics_registry_.AddCallbackGauge(
      "gateway_inflight_calls",
      "UploadTokenService calls the gateway is serving now.",
      [this] { return service_->calls_in_flight(); });
  metrics_registry_.AddCallbackGauge(
      "apivideo_upstream_waiting_requests",
      "Upstream requests waiting for a place under "
      "--upstream_max_concurrent_requests.",
      [this] {
        absl::MutexLock lock(&curl_loop_mu_);
        return curl_loop_ == nullptr
                   ? 0.0
                   : static_cast<double>(
                         curl_loop_->GetStats().transfers_waiting);
      });
  metrics_registry_.AddCallbackGauge(
      "apivideo_upstream_healthy",
      "1 while api.video accepts the gateway's credentials, else 0.", [this] {
        return credentials_health_->credentials_accepted() ? 1.0 : 0.0;
      });
  return absl::OkStatus();
}

absl::Status Gateway::StartServer() {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      security::MakeServerCredentials(config_.server_tls);
  if (!credentials.ok()) return credentials.status();
  absl::StatusOr<std::unique_ptr<server::GatewayServer>> server =
      server::GatewayServer::Start(config_.server, *std::move(credentials),
                                   *service_,
                                   UploadTokenService::service_full_name());
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  health_target_.store(server_.get());
  credentials_health_->Start();
  return absl::OkStatus();
}

absl::Status Gateway::StartMetricsServer() {
  if (config_.metrics_listen.empty()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<observability::MetricsServer>> metrics =
      observability::MetricsServer::Start(config_.metrics_listen, [this] {
        return metrics_registry_.RenderText();
      });
  if (!metrics.ok()) return metrics.status();
  metrics_server_ = *std::move(metrics);
  LogLifecycle(absl::StrCat("metrics on http://", metrics_server_->address(),
                            "/metrics"));
  return absl::OkStatus();
}

void Gateway::ProbeCredentials() {
  apivideo::CallOptions options;
  options.deadline = absl::Now() + absl::Seconds(10);
  options.traceparent = observability::NewTraceContext().traceparent;
  api_->List(ProbeQuery(), options,
             [](const apivideo::ApiResult<apivideo::TokenPage>&) {});
}

void Gateway::OnCredentialsVerdict(bool accepted) {
  if (accepted) {
    LogInfo(
        "api.video accepts the gateway's credentials again: health is "
        "SERVING");
  } else {
    LogError(
        "api.video rejects the gateway's credentials: health is NOT_SERVING "
        "until it accepts them again");
  }
  if (server::GatewayServer* server = health_target_.load()) {
    server->SetServing(accepted);
  }
}

void Gateway::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) server_->Shutdown(grace);
  if (credentials_health_ != nullptr) credentials_health_->Stop();
  if (key_file_watcher_ != nullptr) key_file_watcher_->Stop();
  if (caller_tokens_watcher_ != nullptr) caller_tokens_watcher_->Stop();
  if (caller_rules_watcher_ != nullptr) caller_rules_watcher_->Stop();
  if (audit_follower_ != nullptr) audit_follower_->Stop();
  // Answers from Redis may start timers on curl_loop_: none after this.
  if (redis_ != nullptr) redis_->Shutdown();
  // Ends every upstream transfer and timer while what their callbacks use
  // (health, authenticator, policies, api) still exists. The metrics server
  // outlives it and must not find it half destroyed.
  std::unique_ptr<http::CurlLoop> curl_loop;
  {
    absl::MutexLock lock(&curl_loop_mu_);
    curl_loop = std::move(curl_loop_);
  }
  curl_loop.reset();
}

Gateway::~Gateway() { Shutdown(absl::ZeroDuration()); }

}  // namespace gateway::app
