// upload_token_gateway: serves apivideo.uploadtokens.v1.UploadTokenService
// over gRPC by calling api.video's REST API. Flags, signals and wiring only.

#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX sigwait

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/app/gateway.h"
#include "gateway/common/log.h"
#include "gateway/config/settings.h"
#include "gateway/security/secrets.h"

ABSL_FLAG(std::string, listen, "[::]:50051",
          "HOST:PORT to serve gRPC on; port 0 picks a free port.");
ABSL_FLAG(std::string, api_base_url, "https://ws.api.video",
          "api.video base URL: https://ws.api.video (production), "
          "https://sandbox.api.video (sandbox), or any compatible server.");
ABSL_FLAG(std::string, api_key_file, "",
          "File holding the api.video API key. Without it the key is read "
          "from the APIVIDEO_API_KEY environment variable.");
ABSL_FLAG(absl::Duration, api_key_reload_interval, absl::Seconds(2),
          "How often to look at --api_key_file for a rotated key, picked up "
          "without a restart; 0: never.");
ABSL_FLAG(std::string, ca_file, "",
          "Extra PEM CA bundle trusted for the upstream, on top of the "
          "system's. Certificate verification is always on.");
ABSL_FLAG(int, upstream_max_connections, 0,
          "Cap on simultaneous connections to the upstream; 0: none, right "
          "for HTTP/1.1. Set it (e.g. 16) when the upstream speaks HTTP/2, "
          "as https://ws.api.video does: requests then share a few "
          "multiplexed connections instead of opening new ones.");
ABSL_FLAG(int, upstream_max_concurrent_requests, 1024,
          "Cap on requests sent to the upstream at once; the rest wait their "
          "turn in order, and the wait counts against their deadline. Bounds "
          "memory (about 26 KB per request in flight upstream) and allows "
          "at most cap / upstream latency requests per second. Also how many "
          "idle upstream connections stay pooled; 0: no cap.");
ABSL_FLAG(absl::Duration, upstream_timeout, absl::Seconds(30),
          "Longest time an upstream exchange may take; the limit for calls "
          "without a deadline, and a cap for calls with a longer one.");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "On SIGTERM/SIGINT, how long calls in flight may take to finish "
          "before they are cancelled.");
ABSL_FLAG(bool, allow_plaintext_upstream, false,
          "Allow an http:// (unencrypted) api_base_url on a non-loopback "
          "host. The API key then crosses the network in the clear.");
ABSL_FLAG(bool, access_log, true,
          "Log one line per RPC to stderr (at level info): method, code, "
          "upstream status, attempts, latency, peer, caller and trace id.");
ABSL_FLAG(std::string, log_format, "text",
          "'text' (a timestamp, a level letter and key=value fields) or "
          "'json' (one JSON object per line: time, level, msg, fields).");
ABSL_FLAG(std::string, log_level, "info",
          "Lowest level logged: debug, info, warning or error.");
ABSL_FLAG(absl::Duration, max_connection_age, absl::ZeroDuration(),
          "Close each client connection after this long (with a GOAWAY and "
          "the same again as grace for calls in flight), so that clients "
          "balancing over several replicas reach new ones; 0: never.");
ABSL_FLAG(std::string, metrics_listen, "",
          "HOST:PORT to serve Prometheus metrics on, at /metrics (plain "
          "HTTP); empty: no metrics server.");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain to serve gRPC over TLS. Without it (and "
          "--tls_key_file) the gateway serves plaintext: for loopback and "
          "development only.");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file.");
ABSL_FLAG(std::string, client_ca_file, "",
          "PEM CA bundle for mTLS: every client must present a certificate "
          "that chains to it.");
ABSL_FLAG(std::vector<std::string>, allowed_clients, {},
          "Comma-separated client identities allowed to call "
          "UploadTokenService, matched on the verified client certificate's "
          "SANs (DNS names, or URIs such as spiffe://...); others get "
          "PERMISSION_DENIED. Needs --client_ca_file.");
ABSL_FLAG(std::string, caller_tokens_file, "",
          "File of '<name> <sha256 hex of token>' lines. When set, callers "
          "must send 'authorization: Bearer <token>' metadata (else "
          "UNAUTHENTICATED); the name goes into the access log.");
ABSL_FLAG(std::string, page_token_secret_file, "",
          "File holding the secret ListUploadTokens page tokens are signed "
          "with (at least 16 bytes). Give every replica the same one, and "
          "one that does not change with the API key: then a listing "
          "continues on any replica, across key rotations. Without it the "
          "API key the gateway started with is used.");
ABSL_FLAG(std::string, auth, "basic",
          "How the gateway authenticates to api.video: 'basic' (HTTP Basic "
          "with the API key on every request, as the official Node client "
          "does) or 'bearer' (an access token from /auth/api-key, cached and "
          "refreshed through /auth/refresh).");
ABSL_FLAG(int, max_calls_in_flight, 15000,
          "Calls handled at once; beyond it calls fail at once with "
          "RESOURCE_EXHAUSTED instead of queueing.");
ABSL_FLAG(int, max_attempts, 3,
          "Upstream attempts per call, the first included. GET and DELETE are "
          "retried on connection failures and 502/503/504; POST only when it "
          "cannot have reached api.video.");
ABSL_FLAG(double, retry_budget_ratio, 0.1,
          "Retries may add at most this fraction of extra upstream requests "
          "(plus a small burst).");
ABSL_FLAG(absl::Duration, health_probe_interval, absl::Seconds(10),
          "While api.video rejects the gateway's key (health NOT_SERVING), "
          "check it again this often with a one-token read; 0: never.");
ABSL_FLAG(absl::Duration, rate_limit_max_wait, absl::ZeroDuration(),
          "When api.video's rate-limit window is used up, wait up to this "
          "long for it to reset (if that takes at most half of the call's "
          "remaining deadline) instead of failing at once with "
          "RESOURCE_EXHAUSTED. 0: never wait.");

namespace gateway::app {
namespace {

int Fail(absl::string_view message) {
  LogError(message);
  return EXIT_FAILURE;
}

int Run() {
  // Termination signals are taken synchronously by sigwait below. Blocking
  // them before any thread starts makes every thread inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A peer closing a socket must not kill the process.
  signal(SIGPIPE, SIG_IGN);

  LogFormat log_format = LogFormat::kText;
  if (!ParseLogFormat(absl::GetFlag(FLAGS_log_format), &log_format)) {
    return Fail("--log_format must be 'text' or 'json'");
  }
  SetLogFormat(log_format);
  LogLevel log_level = LogLevel::kInfo;
  if (!ParseLogLevel(absl::GetFlag(FLAGS_log_level), &log_level)) {
    return Fail("--log_level must be debug, info, warning or error");
  }
  SetMinLogLevel(log_level);

  absl::StatusOr<std::string> api_key =
      security::LoadApiKey(absl::GetFlag(FLAGS_api_key_file),
                           std::getenv(security::kApiKeyEnvironmentVariable));
  if (!api_key.ok()) return Fail(api_key.status().message());

  std::string plaintext_warning;
  absl::StatusOr<apivideo::BaseUrl> base_url = config::CheckUpstreamUrl(
      absl::GetFlag(FLAGS_api_base_url),
      absl::GetFlag(FLAGS_allow_plaintext_upstream), plaintext_warning);
  if (!base_url.ok()) return Fail(base_url.status().message());
  if (!plaintext_warning.empty()) LogWarning(plaintext_warning);

  GatewayConfig config;
  config.api_key = *std::move(api_key);
  config.api_key_file = absl::GetFlag(FLAGS_api_key_file);
  if (const std::string file = absl::GetFlag(FLAGS_page_token_secret_file);
      !file.empty()) {
    absl::StatusOr<std::string> secret = security::LoadPageTokenSecret(file);
    if (!secret.ok()) return Fail(secret.status().message());
    config.page_token_secret = *std::move(secret);
  }
  config.api_key_reload_interval = absl::GetFlag(FLAGS_api_key_reload_interval);
  config.base_url = *std::move(base_url);
  const std::string auth = absl::GetFlag(FLAGS_auth);
  if (auth == "basic") {
    config.auth = UpstreamAuth::kBasic;
  } else if (auth == "bearer") {
    config.auth = UpstreamAuth::kBearer;
  } else {
    return Fail("--auth must be 'basic' or 'bearer'");
  }
  config.transport.ca_file = absl::GetFlag(FLAGS_ca_file);
  if (absl::GetFlag(FLAGS_upstream_max_connections) < 0) {
    return Fail("--upstream_max_connections must not be negative");
  }
  config.transport.max_host_connections =
      absl::GetFlag(FLAGS_upstream_max_connections);
  if (absl::GetFlag(FLAGS_upstream_max_concurrent_requests) < 0) {
    return Fail("--upstream_max_concurrent_requests must not be negative");
  }
  config.transport.max_concurrent_transfers = static_cast<std::size_t>(
      absl::GetFlag(FLAGS_upstream_max_concurrent_requests));
  config.max_attempts = absl::GetFlag(FLAGS_max_attempts);
  config.retry_budget_ratio = absl::GetFlag(FLAGS_retry_budget_ratio);
  config.rate_limit_max_wait = absl::GetFlag(FLAGS_rate_limit_max_wait);
  config.health_probe_interval = absl::GetFlag(FLAGS_health_probe_interval);
  config.service.upstream_timeout = absl::GetFlag(FLAGS_upstream_timeout);
  config.service.max_calls_in_flight = absl::GetFlag(FLAGS_max_calls_in_flight);
  config.access_log = absl::GetFlag(FLAGS_access_log);
  config.server.listen_address = absl::GetFlag(FLAGS_listen);
  config.server.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  config.server_tls.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  config.server_tls.key_file = absl::GetFlag(FLAGS_tls_key_file);
  config.server_tls.client_ca_file = absl::GetFlag(FLAGS_client_ca_file);
  config.allowed_clients = absl::GetFlag(FLAGS_allowed_clients);
  config.caller_tokens_file = absl::GetFlag(FLAGS_caller_tokens_file);
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  const std::string upstream = config.base_url.ToString();

  absl::StatusOr<std::unique_ptr<Gateway>> gateway =
      Gateway::Start(std::move(config));
  if (!gateway.ok()) return Fail(gateway.status().message());

  LogInfo(absl::StrCat("upstream ", upstream));
  // Tests and scripts wait for this exact line to learn the port.
  LogLifecycle(absl::StrCat("upload_token_gateway: listening on ",
                            (*gateway)->address()));

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogLifecycle(absl::StrCat("received ", strsignal(signal_number),
                            "; draining calls in flight"));
  (*gateway)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  LogLifecycle("stopped");

  return EXIT_SUCCESS;
}

}  // namespace
}  // namespace gateway::app

int main(int argc, char** argv) {
  // Debian's Abseil is built without NDEBUG, so every Mutex lock would also
  // run deadlock detection through one process-wide graph: 1.5% of the
  // gateway's CPU at 10 calls in flight, 7% at 10,000 (bench/RESULTS.md).
  // Tests keep it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(
      "Serves apivideo.uploadtokens.v1.UploadTokenService over gRPC by "
      "calling api.video's REST API.\nThe API key comes from "
      "$APIVIDEO_API_KEY or --api_key_file.");
  absl::ParseCommandLine(argc, argv);
  return gateway::app::Run();
}
