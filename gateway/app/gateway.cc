#include "gateway/app/gateway.h"

#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/apivideo/bearer_authenticator.h"
#include "gateway/common/log.h"
#include "gateway/observability/trace_context.h"

namespace gateway::app {
namespace {

// The cheapest authenticated read: one token of the first page.
apivideo::ListQuery ProbeQuery() {
  apivideo::ListQuery query;
  query.page_size = 1;
  return query;
}

// True for "localhost:N", "127.x.x.x:N" and "[::1]:N".
bool IsLoopbackListenAddress(absl::string_view address) {
  return absl::StartsWith(address, "localhost:") ||
         absl::StartsWith(address, "127.") ||
         absl::StartsWith(address, "[::1]:");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(GatewayConfig config) {
  auto gateway = absl::WrapUnique(new Gateway(std::move(config)));
  if (absl::Status status = gateway->Init(); !status.ok()) return status;
  return gateway;
}

Gateway::Gateway(GatewayConfig config)
    : config_(std::move(config)), retry_budget_(config_.retry_budget_ratio) {}

absl::Status Gateway::Init() {
  metrics_ = std::make_unique<observability::GatewayMetrics>(
      metrics_registry_,
      ::apivideo::uploadtokens::v1::UploadTokenService::service_full_name(),
      std::vector<absl::string_view>{"CreateUploadToken", "GetUploadToken",
                                     "ListUploadTokens", "DeleteUploadToken"});
  absl::StatusOr<std::unique_ptr<http::CurlLoop>> curl_loop =
      http::CurlLoop::Create(config_.transport);
  if (!curl_loop.ok()) return curl_loop.status();
  curl_loop_ = *std::move(curl_loop);

  credentials_health_ = std::make_unique<apivideo::CredentialsHealth>(
      *curl_loop_, config_.health_probe_interval,
      [this] {
        apivideo::CallOptions options;
        options.deadline = absl::Now() + absl::Seconds(10);
        options.traceparent = observability::NewTraceContext().traceparent;
        api_->List(
            ProbeQuery(), options,
            [](const apivideo::ApiResult<apivideo::json::TokenListResponse>&) {
            });
      },
      [this](bool serving) {
        if (serving) {
          LogInfo(
              "api.video accepts the gateway's credentials again: "
              "health is SERVING");
        } else {
          LogError(
              "api.video rejects the gateway's credentials: health is "
              "NOT_SERVING until it accepts them again");
        }
        if (server::GatewayServer* server = health_target_.load()) {
          server->SetServing(serving);
        }
      });

  upstream_observers_ = std::make_unique<apivideo::UpstreamObservers>(
      std::vector<apivideo::UpstreamObserver*>{credentials_health_.get(),
                                               metrics_.get()});

  scrubber_.AddSecret(config_.api_key);
  if (config_.auth == UpstreamAuth::kBearer) {
    apivideo::BearerAuthOptions options;
    options.observer = upstream_observers_.get();
    authenticator_ = std::make_unique<apivideo::BearerAuthenticator>(
        *curl_loop_, config_.base_url, config_.api_key, options);
  } else {
    authenticator_ =
        std::make_unique<apivideo::BasicAuthenticator>(config_.api_key);
  }

  if (!config_.api_key_file.empty() &&
      config_.api_key_reload_interval > absl::ZeroDuration()) {
    key_file_watcher_ = std::make_unique<security::KeyFileWatcher>(
        *curl_loop_, config_.api_key_file, config_.api_key_reload_interval,
        config_.api_key, [this](const std::string& key) {
          scrubber_.AddSecret(key);
          authenticator_->SetApiKey(key);
        });
    key_file_watcher_->Start();
  }

  apivideo::UpstreamServices upstream;
  upstream.client = curl_loop_.get();
  upstream.scheduler = curl_loop_.get();
  upstream.authenticator = authenticator_.get();
  upstream.retry_budget = &retry_budget_;
  upstream.rate_limits = &rate_limits_;
  upstream.circuit_breaker = &circuit_breaker_;
  upstream.observer = upstream_observers_.get();
  upstream.retry.max_attempts = std::max(1, config_.max_attempts);
  upstream.max_rate_limit_wait = config_.rate_limit_max_wait;
  api_ = std::make_unique<apivideo::UploadTokenApi>(upstream, config_.base_url);
  if (!config_.page_token_secret.empty()) {
    scrubber_.AddSecret(config_.page_token_secret);
  }
  page_tokens_ = std::make_unique<service::PageTokenCodec>(
      config_.page_token_secret.empty() ? config_.api_key
                                        : config_.page_token_secret);
  access_log_ = std::make_unique<observability::AccessLog>(config_.access_log);
  if (!config_.allowed_clients.empty() &&
      config_.server_tls.client_ca_file.empty()) {
    return absl::FailedPreconditionError(
        "--allowed_clients needs client certificates: set --client_ca_file "
        "(and --tls_cert_file, --tls_key_file)");
  }
  absl::flat_hash_map<std::string, std::string> token_hashes;
  if (!config_.caller_tokens_file.empty()) {
    absl::StatusOr<absl::flat_hash_map<std::string, std::string>> read =
        security::CallerPolicy::ReadCallerTokensFile(
            config_.caller_tokens_file);
    if (!read.ok()) return read.status();
    token_hashes = *std::move(read);
  }
  callers_ =
      security::CallerPolicy(config_.allowed_clients, std::move(token_hashes));
  service::UploadTokenServiceOptions service_options = config_.service;
  service_options.metrics = metrics_.get();
  service_ = std::make_unique<service::UploadTokenService>(
      *api_, *page_tokens_, *access_log_, scrubber_, callers_, service_options);
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

  server::ServerOptions server_options = config_.server;
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      security::MakeServerCredentials(config_.server_tls);
  if (!credentials.ok()) return credentials.status();
  server_options.credentials = *std::move(credentials);
  if (config_.server_tls.cert_file.empty() &&
      !IsLoopbackListenAddress(server_options.listen_address)) {
    LogWarning(absl::StrCat(
        "serving plaintext gRPC on ", server_options.listen_address,
        ": anyone who can reach it can use the account's API key and nothing "
        "is encrypted; use --tls_cert_file/--tls_key_file (and "
        "--client_ca_file) outside development"));
  }

  absl::StatusOr<std::unique_ptr<server::GatewayServer>> server =
      server::GatewayServer::Start(server_options, *service_,
                                   ::apivideo::uploadtokens::v1::
                                       UploadTokenService::service_full_name());
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  health_target_.store(server_.get());
  credentials_health_->Start();

  if (!config_.metrics_listen.empty()) {
    absl::StatusOr<std::unique_ptr<observability::MetricsServer>> metrics =
        observability::MetricsServer::Start(config_.metrics_listen, [this] {
          return metrics_registry_.RenderText();
        });
    if (!metrics.ok()) return metrics.status();
    metrics_server_ = *std::move(metrics);
    LogLifecycle(absl::StrCat("metrics on http://", metrics_server_->address(),
                              "/metrics"));
  }
  return absl::OkStatus();
}

std::string Gateway::metrics_address() const {
  return metrics_server_ != nullptr ? metrics_server_->address() : "";
}

void Gateway::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) server_->Shutdown(grace);
  if (credentials_health_ != nullptr) credentials_health_->Stop();
  if (key_file_watcher_ != nullptr) key_file_watcher_->Stop();
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
