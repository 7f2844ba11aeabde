// Everything the gateway is configured with, as one value.
//
// main.cc fills a GatewayConfig from the command line (flags.h), Validate()
// checks it as a whole, and app::Gateway runs it. Each default is written
// once: in the options of the part that uses the setting, where the comment
// says why it is right (http::CurlLoopOptions, server::ServerOptions,
// service::UploadTokenServiceOptions, policy::RetryOptions, ...), or here
// for the settings that belong to no one part. Secrets are not part of it:
// the configuration says where they are (a file, an environment variable),
// and security/secrets.h reads them.

#ifndef GATEWAY_CONFIG_GATEWAY_CONFIG_H_
#define GATEWAY_CONFIG_GATEWAY_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/caching_upload_token_stub.h"
#include "gateway/apivideo/quota_steward.h"
#include "gateway/common/log.h"
#include "gateway/http/curl_loop_options.h"
#include "gateway/policy/retry_budget.h"
#include "gateway/policy/retry_policy.h"
#include "gateway/security/server_tls.h"
#include "gateway/server/gateway_server.h"
#include "gateway/service/upload_token_service.h"

namespace gateway::config {

// How the gateway authenticates to api.video (--auth).
enum class UpstreamAuth {
  kBasic,   // HTTP Basic with the API key on every request
  kBearer,  // an access token from /auth/api-key, cached and refreshed
};

// Flag parsing (absl/flags): "basic" or "bearer".
bool AbslParseFlag(absl::string_view text, UpstreamAuth* auth,
                   std::string* error);
std::string AbslUnparseFlag(UpstreamAuth auth);

struct GatewayConfig {
  // --- Serving gRPC ---
  // --listen, --max_connection_age.
  server::ServerOptions server;
  // --tls_cert_file, --tls_key_file, --client_ca_file. All empty:
  // plaintext.
  security::ServerTlsFiles server_tls;
  // --allowed_clients: client certificate SANs allowed to call; empty: any.
  std::vector<std::string> allowed_clients;
  // --caller_tokens_file: when set, callers must send a known bearer token.
  std::string caller_tokens_file;
  // --caller_tokens_reload_interval: how often the caller tokens file is
  // looked at for changes; zero: never.
  absl::Duration caller_tokens_reload_interval = absl::Seconds(2);
  // --caller_policy_file: each caller's rules on tokens (the text format of
  // gateway/governance/caller_policies.proto); empty: no rules, every
  // caller may do anything, as before governance.
  std::string caller_policy_file;
  // --caller_policy_reload_interval: how often the policy file is looked at
  // for changes; zero: never.
  absl::Duration caller_policy_reload_interval = absl::Seconds(2);
  // --audit_log: the file audit events are appended to, one JSON line each,
  // and from which the ownership of tokens is rebuilt at start; empty: no
  // audit log, and ownership is forgotten at restart.
  std::string audit_log;
  // --audit_retention: with --redis_address, how long the audit stream keeps
  // an event.
  absl::Duration audit_retention = absl::Hours(24 * 30);
  // --upstream_timeout, --max_calls_in_flight.
  service::UploadTokenServiceOptions service;
  // --shutdown_grace: how long calls in flight may take to finish once
  // SIGTERM or SIGINT arrives.
  absl::Duration shutdown_grace = absl::Seconds(10);

  // --- api.video ---
  // --api_base_url: production; the sandbox is https://sandbox.api.video.
  std::string api_base_url = "https://ws.api.video";
  // --allow_plaintext_upstream: http:// to a host that is not loopback.
  bool allow_plaintext_upstream = false;
  // --auth.
  UpstreamAuth auth = UpstreamAuth::kBasic;
  // --api_key_file: where the API key is; empty: $APIVIDEO_API_KEY.
  std::string api_key_file;
  // --api_key_reload_interval: how often the key file is looked at for a
  // rotated key; zero: never.
  absl::Duration api_key_reload_interval = absl::Seconds(2);
  // --page_token_secret_file: what page tokens are signed with; empty: the
  // API key the gateway started with.
  std::string page_token_secret_file;
  // --ca_file, --upstream_max_connections,
  // --upstream_max_concurrent_requests.
  http::CurlLoopOptions transport;
  // --max_attempts, --rate_limit_max_wait.
  policy::RetryOptions retry;
  // --quota_share, --quota_burst; the weights come from
  // --caller_weights_file.
  apivideo::QuotaStewardOptions quota;
  // --caller_weights_file: callers' weights in the account's quota; empty:
  // every caller weighs 1.
  std::string caller_weights_file;
  // --retry_budget_ratio.
  policy::RetryBudgetOptions retry_budget;
  // --- Replicas sharing the account ---
  // --redis_address: HOST:PORT of the Redis server through which replicas
  // share the windows, the fair shares and the token cache; empty: each
  // process on its own. --redis_fallback_share is quota.fallback_share.
  std::string redis_address;
  // --redis_password_file: AUTH's password; empty: none.
  std::string redis_password_file;
  // --redis_timeout: the longest a call waits on Redis before the gateway
  // goes on without it.
  absl::Duration redis_timeout = absl::Milliseconds(100);
  // --health_probe_interval: how often a rejected key is tried again while
  // health is NOT_SERVING; zero: never (and no probe at start-up).
  absl::Duration health_probe_interval = absl::Seconds(10);

  // --- Reads served without spending quota ---
  // --token_cache_max_age, --negative_cache_max_age, --token_cache_entries,
  // --list_cache_max_age.
  apivideo::ReadCacheOptions read_cache;

  // --- Observability ---
  // --access_log: one line per RPC.
  bool access_log = true;
  // --log_format, --log_level.
  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kInfo;
  // --log_flush_interval: how long debug and info lines (the access log's)
  // may wait to be written a batch at a time; zero: each at once.
  absl::Duration log_flush_interval = absl::Milliseconds(100);
  // --metrics_listen: where /metrics is served; empty: nowhere.
  std::string metrics_listen;
};

// Checks `config` as a whole, before anything starts: values in range,
// settings that need one another (a key file for a certificate, client
// certificates for an allowlist), and the upstream transport rule (https
// always; plain http only to a loopback host or when explicitly allowed).
// OK with the warnings to log (plaintext serving or upstream), or the first
// problem as FAILED_PRECONDITION or INVALID_ARGUMENT, naming the flag.
// Files are not read here.
absl::StatusOr<std::vector<std::string>> Validate(const GatewayConfig& config);

}  // namespace gateway::config

#endif  // GATEWAY_CONFIG_GATEWAY_CONFIG_H_
