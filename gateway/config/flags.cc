#include "gateway/config/flags.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"

namespace {

// Every flag's default: the default GatewayConfig's value.
const gateway::config::GatewayConfig& Defaults() {
  static const auto* const defaults = new gateway::config::GatewayConfig();
  return *defaults;
}

}  // namespace

// --- Serving gRPC ------------------------------------------------------------

ABSL_FLAG(std::string, listen, Defaults().server.listen_address,
          "HOST:PORT to serve gRPC on; port 0 picks a free port.");

ABSL_FLAG(absl::Duration, max_connection_age,
          Defaults().server.max_connection_age,
          "Close each client connection after this long (with a GOAWAY and "
          "the same again as grace for calls in flight), so that clients "
          "balancing over several replicas reach new ones; 0: never.");

ABSL_FLAG(std::string, tls_cert_file, Defaults().server_tls.cert_file,
          "PEM certificate chain to serve gRPC over TLS. Without it (and "
          "--tls_key_file) the gateway serves plaintext: for loopback and "
          "development only.");

ABSL_FLAG(std::string, tls_key_file, Defaults().server_tls.key_file,
          "PEM private key of --tls_cert_file.");

ABSL_FLAG(std::string, client_ca_file, Defaults().server_tls.client_ca_file,
          "PEM CA bundle for mTLS: every client must present a certificate "
          "that chains to it.");

ABSL_FLAG(std::vector<std::string>, allowed_clients, Defaults().allowed_clients,
          "Comma-separated client identities allowed to call "
          "UploadTokenService, matched on the verified client certificate's "
          "SANs (DNS names, or URIs such as spiffe://...); others get "
          "PERMISSION_DENIED. Needs --client_ca_file.");

ABSL_FLAG(std::string, caller_tokens_file, Defaults().caller_tokens_file,
          "File of '<name> <sha256 hex of token>' lines. When set, callers "
          "must send 'authorization: Bearer <token>' metadata (else "
          "UNAUTHENTICATED); the name goes into the access log.");

ABSL_FLAG(absl::Duration, caller_tokens_reload_interval,
          Defaults().caller_tokens_reload_interval,
          "How often to look at --caller_tokens_file for changes (a revoked "
          "or added token), picked up without a restart; 0: never.");

ABSL_FLAG(std::string, caller_policy_file, Defaults().caller_policy_file,
          "Each caller's rules on upload tokens: the longest and default ttl, "
          "tokens that never expire, creates per minute, live tokens, "
          "read-only, and what it may do with tokens it did not create (text "
          "format; docs/operations.md). Empty: no rules.");

ABSL_FLAG(absl::Duration, caller_policy_reload_interval,
          Defaults().caller_policy_reload_interval,
          "How often to look at --caller_policy_file for changes, picked up "
          "without a restart (a bad file keeps the rules in use); 0: never.");

ABSL_FLAG(std::string, audit_log, Defaults().audit_log,
          "File to append audit events to (JSON lines: every Create, Delete "
          "and Purge, and every refused attempt); read at start to rebuild "
          "who created which token. Empty: none.");

ABSL_FLAG(absl::Duration, audit_retention, Defaults().audit_retention,
          "With --redis_address, how long the replicas' audit stream "
          "(gateway:audit) keeps an event; older ones are trimmed as new "
          "ones come.");

ABSL_FLAG(int, max_calls_in_flight, Defaults().service.max_calls_in_flight,
          "Calls handled at once; beyond it calls fail at once with "
          "RESOURCE_EXHAUSTED instead of queueing.");

ABSL_FLAG(absl::Duration, upstream_timeout, Defaults().service.upstream_timeout,
          "Longest time an upstream exchange may take; the limit for calls "
          "without a deadline, and a cap for calls with a longer one.");

ABSL_FLAG(absl::Duration, shutdown_grace, Defaults().shutdown_grace,
          "On SIGTERM/SIGINT, how long calls in flight may take to finish "
          "before they are cancelled.");

// --- api.video ---------------------------------------------------------------

ABSL_FLAG(std::string, api_base_url, Defaults().api_base_url,
          "api.video base URL: https://ws.api.video (production), "
          "https://sandbox.api.video (sandbox), or any compatible server.");

ABSL_FLAG(bool, allow_plaintext_upstream, Defaults().allow_plaintext_upstream,
          "Allow an http:// (unencrypted) api_base_url on a non-loopback "
          "host. The API key then crosses the network in the clear.");

ABSL_FLAG(gateway::config::UpstreamAuth, auth, Defaults().auth,
          "How the gateway authenticates to api.video: 'basic' (HTTP Basic "
          "with the API key on every request, as the official Node client "
          "does) or 'bearer' (an access token from /auth/api-key, cached and "
          "refreshed through /auth/refresh).");

ABSL_FLAG(std::string, api_key_file, Defaults().api_key_file,
          "File holding the api.video API key. Without it the key is read "
          "from the APIVIDEO_API_KEY environment variable.");

ABSL_FLAG(absl::Duration, api_key_reload_interval,
          Defaults().api_key_reload_interval,
          "How often to look at --api_key_file for a rotated key, picked up "
          "without a restart; 0: never.");

ABSL_FLAG(std::string, page_token_secret_file,
          Defaults().page_token_secret_file,
          "File holding the secret ListUploadTokens page tokens are signed "
          "with (at least 16 bytes). Give every replica the same one, and one "
          "that does not change with the API key: then a listing continues on "
          "any replica, across key rotations. Without it the API key the "
          "gateway started with is used.");

ABSL_FLAG(std::string, ca_file, Defaults().transport.ca_file,
          "Extra PEM CA bundle trusted for the upstream, on top of the "
          "system's. Certificate verification is always on.");

ABSL_FLAG(int, upstream_max_connections,
          static_cast<int>(Defaults().transport.max_host_connections),
          "Cap on simultaneous connections to the upstream; 0: none, right "
          "for HTTP/1.1. Set it (e.g. 16) when the upstream speaks HTTP/2, as "
          "https://ws.api.video does: requests then share a few multiplexed "
          "connections instead of opening new ones.");

ABSL_FLAG(
    std::uint32_t, upstream_max_concurrent_requests,
    static_cast<std::uint32_t>(Defaults().transport.max_concurrent_transfers),
    "Cap on requests sent to the upstream at once; the rest wait their "
    "turn in order, and the wait counts against their deadline. Bounds "
    "memory (about 26 KB per request in flight upstream) and allows at "
    "most cap / upstream latency requests per second. Also how many "
    "idle upstream connections stay pooled; 0: no cap.");

ABSL_FLAG(int, max_attempts, Defaults().retry.max_attempts,
          "Upstream attempts per call, the first included. GET and DELETE are "
          "retried on connection failures and 502/503/504; POST only when it "
          "cannot have reached api.video.");

ABSL_FLAG(double, retry_budget_ratio, Defaults().retry_budget.ratio,
          "Retries may add at most this fraction of extra upstream requests "
          "(plus a small burst).");

ABSL_FLAG(absl::Duration, rate_limit_max_wait, Defaults().retry.max_window_wait,
          "When api.video answers 429 (another system spent the window), "
          "wait up to this long for the window to reset and try again (if "
          "that takes at most half of the call's remaining deadline) instead "
          "of failing at once with RESOURCE_EXHAUSTED. 0: never wait. Calls "
          "that find the gateway's own share used up wait in their caller's "
          "queue while their deadline allows, whatever this says.");

ABSL_FLAG(double, quota_share, Defaults().quota.share,
          "The fraction of api.video's per-minute rate limits (per kind: "
          "reads, writes) the gateway may spend, more than 0 and at most 1; "
          "the rest is left to other systems that use the same API key.");

ABSL_FLAG(double, quota_burst, Defaults().quota.burst,
          "The fraction of the gateway's share of a rate-limit window that "
          "may be spent at once, more than 0 and at most 1; the rest is "
          "paced evenly over the window, so that callers arriving late in a "
          "window still find units. 1: no pacing.");

ABSL_FLAG(std::string, caller_weights_file, Defaults().caller_weights_file,
          "File of '<caller> <weight>' lines: when calls wait for the "
          "account's quota, callers share it in proportion to their weights "
          "(1 when not listed). Empty: equal shares.");

ABSL_FLAG(std::string, redis_address, Defaults().redis_address,
          "HOST:PORT of a Redis server (7 or later) through which replicas "
          "of the gateway share api.video's rate-limit windows, the callers' "
          "fair shares and the token cache. Empty: each process on its own.");

ABSL_FLAG(std::string, redis_password_file, Defaults().redis_password_file,
          "File holding the password of --redis_address (AUTH); empty: "
          "none.");

ABSL_FLAG(absl::Duration, redis_timeout, Defaults().redis_timeout,
          "The longest a call waits on Redis; past it the gateway goes on "
          "with this process's own accounting and cache.");

ABSL_FLAG(double, redis_fallback_share, Defaults().quota.fallback_share,
          "While Redis is unreachable, the fraction of api.video's rate "
          "limits each replica spends on its own accounting, more than 0 and "
          "at most 1 (never more than --quota_share): about --quota_share "
          "divided by the number of replicas.");

ABSL_FLAG(absl::Duration, health_probe_interval,
          Defaults().health_probe_interval,
          "While api.video rejects the gateway's key (health NOT_SERVING), "
          "check it again this often with a one-token read; 0: never.");

// --- Reads served without spending quota -------------------------------------

ABSL_FLAG(absl::Duration, token_cache_max_age,
          Defaults().read_cache.tokens.max_age,
          "How long an upload token created or read through the gateway is "
          "answered from memory (never past its expires_at): how long a token "
          "deleted elsewhere (the dashboard) may still be reported. 0: no "
          "token cache.");

ABSL_FLAG(absl::Duration, negative_cache_max_age,
          Defaults().read_cache.tokens.negative_max_age,
          "How long GetUploadToken's NOT_FOUND is remembered, so that a storm "
          "of reads of a bogus token costs one upstream read; 0: not "
          "remembered.");

ABSL_FLAG(int, token_cache_entries, Defaults().read_cache.tokens.max_entries,
          "Tokens (and remembered NOT_FOUNDs) kept in memory at most, about "
          "300 bytes each; the least recently used goes first.");

ABSL_FLAG(absl::Duration, list_cache_max_age,
          Defaults().read_cache.list_max_age,
          "How long a page of ListUploadTokens is answered from memory; "
          "creates and deletes through the gateway drop cached pages. 0: "
          "pages are not cached (concurrent identical lists still share one "
          "upstream request).");

ABSL_FLAG(bool, coalesce_reads, Defaults().read_cache.coalesce,
          "Whether concurrent identical GetUploadToken and ListUploadTokens "
          "calls share one upstream request. false: every read the caches do "
          "not answer goes upstream with its caller's own deadline (costs "
          "quota; for measuring, see bench/).");

// --- Observability -----------------------------------------------------------

ABSL_FLAG(bool, access_log, Defaults().access_log,
          "Log one line per RPC to stderr (at level info): method, code, "
          "upstream status, attempts, latency, peer, caller and trace id.");

ABSL_FLAG(gateway::LogFormat, log_format, Defaults().log_format,
          "'text' (a timestamp, a level letter and key=value fields) or "
          "'json' (one JSON object per line: time, level, msg, fields).");

ABSL_FLAG(gateway::LogLevel, log_level, Defaults().log_level,
          "Lowest level logged: debug, info, warning or error.");

ABSL_FLAG(absl::Duration, log_flush_interval, Defaults().log_flush_interval,
          "How long debug and info lines (the access log's) may wait in "
          "memory to be written to stderr a batch at a time; warnings, "
          "errors and lifecycle lines are written at once. 0: every line at "
          "once.");

ABSL_FLAG(std::string, metrics_listen, Defaults().metrics_listen,
          "HOST:PORT to serve Prometheus metrics on, at /metrics (plain "
          "HTTP); empty: no metrics server.");

namespace gateway::config {

GatewayConfig ConfigFromFlags() {
  GatewayConfig config;
  config.server.listen_address = absl::GetFlag(FLAGS_listen);
  config.server.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  config.server_tls.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  config.server_tls.key_file = absl::GetFlag(FLAGS_tls_key_file);
  config.server_tls.client_ca_file = absl::GetFlag(FLAGS_client_ca_file);
  config.allowed_clients = absl::GetFlag(FLAGS_allowed_clients);
  config.caller_tokens_file = absl::GetFlag(FLAGS_caller_tokens_file);
  config.caller_tokens_reload_interval =
      absl::GetFlag(FLAGS_caller_tokens_reload_interval);
  config.caller_policy_file = absl::GetFlag(FLAGS_caller_policy_file);
  config.caller_policy_reload_interval =
      absl::GetFlag(FLAGS_caller_policy_reload_interval);
  config.audit_log = absl::GetFlag(FLAGS_audit_log);
  config.audit_retention = absl::GetFlag(FLAGS_audit_retention);
  config.service.max_calls_in_flight = absl::GetFlag(FLAGS_max_calls_in_flight);
  config.service.upstream_timeout = absl::GetFlag(FLAGS_upstream_timeout);
  config.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);

  config.api_base_url = absl::GetFlag(FLAGS_api_base_url);
  config.allow_plaintext_upstream =
      absl::GetFlag(FLAGS_allow_plaintext_upstream);
  config.auth = absl::GetFlag(FLAGS_auth);
  config.api_key_file = absl::GetFlag(FLAGS_api_key_file);
  config.api_key_reload_interval = absl::GetFlag(FLAGS_api_key_reload_interval);
  config.page_token_secret_file = absl::GetFlag(FLAGS_page_token_secret_file);
  config.transport.ca_file = absl::GetFlag(FLAGS_ca_file);
  config.transport.max_host_connections =
      absl::GetFlag(FLAGS_upstream_max_connections);
  config.transport.max_concurrent_transfers =
      absl::GetFlag(FLAGS_upstream_max_concurrent_requests);
  config.retry.max_attempts = absl::GetFlag(FLAGS_max_attempts);
  config.retry_budget.ratio = absl::GetFlag(FLAGS_retry_budget_ratio);
  config.retry.max_window_wait = absl::GetFlag(FLAGS_rate_limit_max_wait);
  config.quota.share = absl::GetFlag(FLAGS_quota_share);
  config.quota.burst = absl::GetFlag(FLAGS_quota_burst);
  config.caller_weights_file = absl::GetFlag(FLAGS_caller_weights_file);
  config.redis_address = absl::GetFlag(FLAGS_redis_address);
  config.redis_password_file = absl::GetFlag(FLAGS_redis_password_file);
  config.redis_timeout = absl::GetFlag(FLAGS_redis_timeout);
  config.quota.fallback_share = absl::GetFlag(FLAGS_redis_fallback_share);
  config.health_probe_interval = absl::GetFlag(FLAGS_health_probe_interval);

  config.read_cache.tokens.max_age = absl::GetFlag(FLAGS_token_cache_max_age);
  config.read_cache.tokens.negative_max_age =
      absl::GetFlag(FLAGS_negative_cache_max_age);
  config.read_cache.tokens.max_entries =
      absl::GetFlag(FLAGS_token_cache_entries);
  config.read_cache.list_max_age = absl::GetFlag(FLAGS_list_cache_max_age);
  config.read_cache.coalesce = absl::GetFlag(FLAGS_coalesce_reads);

  config.access_log = absl::GetFlag(FLAGS_access_log);
  config.log_format = absl::GetFlag(FLAGS_log_format);
  config.log_level = absl::GetFlag(FLAGS_log_level);
  config.log_flush_interval = absl::GetFlag(FLAGS_log_flush_interval);
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  return config;
}

std::vector<absl::CommandLineFlag*> GatewayFlags() {
  std::vector<absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    // A flag's file is the __FILE__ of its ABSL_FLAG, normalized by abseil
    // (a leading "/" dropped): this one.
    const std::string file = flag->Filename();
    if (!file.empty() && absl::EndsWith(__FILE__, file)) flags.push_back(flag);
  }
  std::sort(flags.begin(), flags.end(),
            [](const absl::CommandLineFlag* a, const absl::CommandLineFlag* b) {
              return a->Name() < b->Name();
            });
  return flags;
}

}  // namespace gateway::config
