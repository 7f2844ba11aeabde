#include "gateway/config/gateway_config.h"

#include "absl/strings/str_cat.h"
#include "gateway/apivideo/routes.h"
#include "gateway/common/enum_names.h"
#include "gateway/common/host_port.h"

namespace gateway::config {
namespace {

constexpr EnumName<UpstreamAuth> kAuthNames[] = {
    {UpstreamAuth::kBasic, "basic"}, {UpstreamAuth::kBearer, "bearer"}};

absl::Status Refuse(absl::string_view why) {
  return absl::FailedPreconditionError(why);
}

absl::Status CheckServing(const GatewayConfig& config,
                          std::vector<std::string>& warnings) {
  const security::ServerTlsFiles& tls = config.server_tls;
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return Refuse("--tls_cert_file and --tls_key_file go together");
  }
  if (!tls.client_ca_file.empty() && tls.cert_file.empty()) {
    return Refuse("--client_ca_file needs --tls_cert_file and --tls_key_file");
  }
  if (!config.allowed_clients.empty() && tls.client_ca_file.empty()) {
    return Refuse(
        "--allowed_clients needs client certificates: set --client_ca_file "
        "(and --tls_cert_file, --tls_key_file)");
  }
  absl::StatusOr<HostPort> listen = ParseHostPort(config.server.listen_address);
  if (!listen.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen: ", listen.status().message()));
  }
  if (tls.cert_file.empty() && !IsLoopbackHost(listen->host)) {
    warnings.push_back(absl::StrCat(
        "serving plaintext gRPC on ", config.server.listen_address,
        ": anyone who can reach it can use the account's API key and nothing "
        "is encrypted; use --tls_cert_file/--tls_key_file (and "
        "--client_ca_file) outside development"));
  }
  if (config.service.max_calls_in_flight < 1) {
    return Refuse("--max_calls_in_flight must be at least 1");
  }
  if (config.service.upstream_timeout <= absl::ZeroDuration()) {
    return Refuse("--upstream_timeout must be positive");
  }
  if (config.server.max_connection_age < absl::ZeroDuration() ||
      config.shutdown_grace < absl::ZeroDuration()) {
    return Refuse(
        "--max_connection_age and --shutdown_grace must not be negative");
  }
  if (!config.metrics_listen.empty()) {
    if (absl::StatusOr<HostPort> metrics = ParseHostPort(config.metrics_listen);
        !metrics.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--metrics_listen: ", metrics.status().message()));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckUpstream(const GatewayConfig& config,
                           std::vector<std::string>& warnings) {
  absl::StatusOr<apivideo::BaseUrl> base =
      apivideo::ParseBaseUrl(config.api_base_url);
  if (!base.ok()) return base.status();
  if (base->scheme == "http") {
    if (!IsLoopbackHost(base->host) && !config.allow_plaintext_upstream) {
      return Refuse(absl::StrCat(
          "refusing plain http to ", base->host,
          ": the API key would cross the network unencrypted; use https, "
          "or pass --allow_plaintext_upstream if you really mean it"));
    }
    warnings.push_back(
        absl::StrCat("upstream ", base->ToString(),
                     " is plain http: the API key is sent unencrypted"));
  }
  if (config.transport.max_host_connections < 0) {
    return Refuse("--upstream_max_connections must not be negative");
  }
  if (config.retry.max_attempts < 1) {
    return Refuse("--max_attempts must be at least 1 (the first attempt)");
  }
  if (!(config.quota.share > 0 && config.quota.share <= 1)) {
    return Refuse(
        "--quota_share must be more than 0 and at most 1 (the fraction of "
        "api.video's rate limit the gateway may spend)");
  }
  if (!(config.quota.burst > 0 && config.quota.burst <= 1)) {
    return Refuse(
        "--quota_burst must be more than 0 and at most 1 (the fraction of "
        "the gateway's share of a window spent at once)");
  }
  if (!config.redis_address.empty()) {
    absl::StatusOr<HostPort> redis = ParseHostPort(config.redis_address);
    if (!redis.ok())
      return Refuse(
          absl::StrCat("--redis_address: ", redis.status().message()));
    if (redis->host.empty() || redis->port == 0) {
      return Refuse("--redis_address must name a host and a port (HOST:PORT)");
    }
  }
  if (config.redis_timeout <= absl::ZeroDuration()) {
    return Refuse("--redis_timeout must be more than 0");
  }
  if (!(config.quota.fallback_share > 0 && config.quota.fallback_share <= 1)) {
    return Refuse(
        "--redis_fallback_share must be more than 0 and at most 1 (the "
        "fraction of the account one replica spends alone while Redis is "
        "unreachable)");
  }
  if (config.audit_retention <= absl::ZeroDuration()) {
    return Refuse("--audit_retention must be positive");
  }
  if (!(config.retry_budget.ratio >= 0)) {
    return Refuse("--retry_budget_ratio must not be negative");
  }
  if (config.api_key_reload_interval < absl::ZeroDuration() ||
      config.caller_tokens_reload_interval < absl::ZeroDuration() ||
      config.caller_policy_reload_interval < absl::ZeroDuration() ||
      config.retry.max_window_wait < absl::ZeroDuration() ||
      config.health_probe_interval < absl::ZeroDuration() ||
      config.log_flush_interval < absl::ZeroDuration()) {
    return Refuse(
        "--api_key_reload_interval, --caller_tokens_reload_interval, "
        "--caller_policy_reload_interval, --rate_limit_max_wait, "
        "--health_probe_interval and --log_flush_interval must not be "
        "negative");
  }
  return absl::OkStatus();
}

absl::Status CheckReadCache(const apivideo::ReadCacheOptions& cache) {
  if (cache.tokens.max_age < absl::ZeroDuration() ||
      cache.tokens.negative_max_age < absl::ZeroDuration() ||
      cache.list_max_age < absl::ZeroDuration()) {
    return Refuse(
        "--token_cache_max_age, --negative_cache_max_age and "
        "--list_cache_max_age must not be negative (0 turns each cache off)");
  }
  if (cache.tokens.max_entries < 1) {
    return Refuse(
        "--token_cache_entries must be at least 1; to turn the token cache "
        "off, set --token_cache_max_age=0 and --negative_cache_max_age=0");
  }
  return absl::OkStatus();
}

}  // namespace

bool AbslParseFlag(absl::string_view text, UpstreamAuth* auth,
                   std::string* error) {
  return ParseEnumName(text, kAuthNames, auth, error);
}

std::string AbslUnparseFlag(UpstreamAuth auth) {
  return std::string(NameOf(auth, kAuthNames));
}

absl::StatusOr<std::vector<std::string>> Validate(const GatewayConfig& config) {
  std::vector<std::string> warnings;
  if (absl::Status status = CheckServing(config, warnings); !status.ok()) {
    return status;
  }
  if (absl::Status status = CheckUpstream(config, warnings); !status.ok()) {
    return status;
  }
  if (absl::Status status = CheckReadCache(config.read_cache); !status.ok()) {
    return status;
  }
  return warnings;
}

}  // namespace gateway::config
