#include "gateway/gateway.h"

#include <utility>

#include "absl/memory/memory.h"
#include "gateway/apivideo/bearer_authenticator.h"
#include "gateway/log.h"

namespace gateway {
namespace {

// The cheapest authenticated read: one token of the first page.
apivideo::ListQuery ProbeQuery() {
  apivideo::ListQuery query;
  query.page_size = 1;
  return query;
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
  absl::StatusOr<std::unique_ptr<http::CurlLoop>> curl_loop =
      http::CurlLoop::Create(config_.transport);
  if (!curl_loop.ok()) return curl_loop.status();
  curl_loop_ = *std::move(curl_loop);

  upstream_health_ = std::make_unique<UpstreamHealth>(
      *curl_loop_, config_.health_probe_interval,
      [this] {
        api_->List(
            ProbeQuery(), {absl::Now() + absl::Seconds(10)},
            [](apivideo::ApiResult<apivideo::json::TokenListResponse>) {});
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
        if (GatewayServer* server = health_target_.load()) {
          server->SetServing(serving);
        }
      });

  if (config_.auth == UpstreamAuth::kBearer) {
    apivideo::BearerAuthOptions options;
    options.observer = upstream_health_.get();
    authenticator_ = std::make_unique<apivideo::BearerAuthenticator>(
        *curl_loop_, config_.base_url, config_.api_key, options);
  } else {
    authenticator_ =
        std::make_unique<apivideo::BasicAuthenticator>(config_.api_key);
  }

  apivideo::UpstreamServices upstream;
  upstream.client = curl_loop_.get();
  upstream.scheduler = curl_loop_.get();
  upstream.authenticator = authenticator_.get();
  upstream.retry_budget = &retry_budget_;
  upstream.rate_limits = &rate_limits_;
  upstream.circuit_breaker = &circuit_breaker_;
  upstream.observer = upstream_health_.get();
  upstream.retry.max_attempts = std::max(1, config_.max_attempts);
  upstream.max_rate_limit_wait = config_.rate_limit_max_wait;
  api_ = std::make_unique<apivideo::UploadTokenApi>(upstream, config_.base_url);
  page_tokens_ = std::make_unique<PageTokenCodec>(config_.api_key);
  access_log_ = std::make_unique<AccessLog>(config_.access_log);
  service_ = std::make_unique<UploadTokenService>(
      *api_, *page_tokens_, *access_log_, config_.service);

  absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(
      config_.server, *service_,
      ::apivideo::uploadtokens::v1::UploadTokenService::service_full_name());
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  health_target_.store(server_.get());
  upstream_health_->Start();
  return absl::OkStatus();
}

void Gateway::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) server_->Shutdown(grace);
  if (upstream_health_ != nullptr) upstream_health_->Stop();
  // Ends every upstream transfer and timer while what their callbacks use
  // (health, authenticator, policies, api) still exists.
  curl_loop_.reset();
}

Gateway::~Gateway() { Shutdown(absl::ZeroDuration()); }

}  // namespace gateway
