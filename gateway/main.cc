// upload_token_gateway: serves apivideo.uploadtokens.v1.UploadTokenService
// over gRPC by calling api.video's REST API. Flags, signals and wiring only.

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gateway/access_log.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/upload_token_api.h"
#include "gateway/http/curl_loop.h"
#include "gateway/log.h"
#include "gateway/page_token.h"
#include "gateway/server.h"
#include "gateway/settings.h"
#include "gateway/upload_token_service.h"

ABSL_FLAG(std::string, listen, "[::]:50051",
          "HOST:PORT to serve gRPC on; port 0 picks a free port.");
ABSL_FLAG(std::string, api_base_url, "https://ws.api.video",
          "api.video base URL: https://ws.api.video (production), "
          "https://sandbox.api.video (sandbox), or any compatible server.");
ABSL_FLAG(std::string, api_key_file, "",
          "File holding the api.video API key. Without it the key is read "
          "from the APIVIDEO_API_KEY environment variable.");
ABSL_FLAG(std::string, ca_file, "",
          "Extra PEM CA bundle trusted for the upstream, on top of the "
          "system's. Certificate verification is always on.");
ABSL_FLAG(absl::Duration, upstream_timeout, absl::Seconds(30),
          "Longest time an upstream exchange may take; the limit for calls "
          "without a deadline, and a cap for calls with a longer one.");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "On SIGTERM/SIGINT, how long calls in flight may take to finish "
          "before they are cancelled.");
ABSL_FLAG(bool, allow_plaintext_upstream, false,
          "Allow an http:// (unencrypted) api_base_url on a non-loopback "
          "host. The API key then crosses the network in the clear.");
ABSL_FLAG(bool, access_log, true, "Log one line per RPC to stderr.");

namespace gateway {
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

  absl::StatusOr<std::string> api_key =
      LoadApiKey(absl::GetFlag(FLAGS_api_key_file),
                 std::getenv(kApiKeyEnvironmentVariable));
  if (!api_key.ok()) return Fail(api_key.status().message());

  std::string plaintext_warning;
  absl::StatusOr<apivideo::BaseUrl> base_url = CheckUpstreamUrl(
      absl::GetFlag(FLAGS_api_base_url),
      absl::GetFlag(FLAGS_allow_plaintext_upstream), plaintext_warning);
  if (!base_url.ok()) return Fail(base_url.status().message());
  if (!plaintext_warning.empty()) LogWarning(plaintext_warning);

  http::CurlLoop::Options curl_options;
  curl_options.ca_file = absl::GetFlag(FLAGS_ca_file);
  absl::StatusOr<std::unique_ptr<http::CurlLoop>> curl_loop =
      http::CurlLoop::Create(curl_options);
  if (!curl_loop.ok()) return Fail(curl_loop.status().message());
  apivideo::BasicAuthenticator authenticator(*api_key);
  apivideo::UploadTokenApi api(**curl_loop, authenticator, *base_url);
  const PageTokenCodec page_tokens(*api_key);
  const AccessLog access_log(absl::GetFlag(FLAGS_access_log));
  UploadTokenService service(
      api, page_tokens, access_log,
      UploadTokenServiceOptions{absl::GetFlag(FLAGS_upstream_timeout)});

  ServerOptions server_options;
  server_options.listen_address = absl::GetFlag(FLAGS_listen);
  absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(
      server_options, service,
      ::apivideo::uploadtokens::v1::UploadTokenService::service_full_name());
  if (!server.ok()) return Fail(server.status().message());

  LogInfo(absl::StrCat("upstream ", base_url->ToString()));
  // Tests and scripts wait for this exact line to learn the port.
  LogInfo(absl::StrCat("upload_token_gateway: listening on ",
                       (*server)->address()));

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogInfo(absl::StrCat("received ", strsignal(signal_number),
                       "; draining calls in flight"));
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  LogInfo("stopped");
  return EXIT_SUCCESS;
}

}  // namespace
}  // namespace gateway

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves apivideo.uploadtokens.v1.UploadTokenService over gRPC by "
      "calling api.video's REST API.\nThe API key comes from "
      "$APIVIDEO_API_KEY or --api_key_file.");
  absl::ParseCommandLine(argc, argv);
  return gateway::Run();
}
