// upload_token_gateway: serves apivideo.uploadtokens.v1.UploadTokenService
// over gRPC by calling api.video's REST API. The environment and then the
// command line become a checked configuration (config/), logged once; core
// dumps are turned off and the secrets are read (security/), the gateway
// starts (app/gateway.h) and runs until SIGTERM or SIGINT.

#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX sigwait
#include <unistd.h>  // environ

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "gateway/app/build_info.h"
#include "gateway/app/gateway.h"
#include "gateway/common/log.h"
#include "gateway/config/effective_flags.h"
#include "gateway/config/flag_environment.h"
#include "gateway/config/flags.h"
#include "gateway/config/gateway_config.h"
#include "gateway/security/process_hardening.h"
#include "gateway/security/secrets.h"

namespace gateway::app {
namespace {

int Fail(absl::string_view message) {
  LogError(message);
  return EXIT_FAILURE;
}

// The API key from --api_key_file or the environment, and the page-token
// secret from --page_token_secret_file when one is given.
absl::StatusOr<GatewaySecrets> LoadSecrets(
    const config::GatewayConfig& config) {
  GatewaySecrets secrets;
  absl::StatusOr<std::string> api_key = security::LoadApiKey(
      config.api_key_file, std::getenv(security::kApiKeyEnvironmentVariable));
  // Read once: no copy stays in /proc/<pid>/environ.
  security::WipeEnvironmentVariable(security::kApiKeyEnvironmentVariable);
  if (!api_key.ok()) return api_key.status();
  secrets.api_key = *std::move(api_key);
  if (!config.page_token_secret_file.empty()) {
    absl::StatusOr<std::string> secret =
        security::LoadPageTokenSecret(config.page_token_secret_file);
    if (!secret.ok()) return secret.status();
    secrets.page_token_secret = *std::move(secret);
  }
  if (!config.redis_password_file.empty()) {
    absl::StatusOr<std::string> password =
        security::LoadRedisPassword(config.redis_password_file);
    if (!password.ok()) return password.status();
    secrets.redis_password = *std::move(password);
  }
  return secrets;
}

// One line with every flag's value, secrets redacted, and which of them the
// environment set (unless the command line overrode it).
void LogConfiguration(const config::FlagEnvironment& environment) {
  for (const std::string& variable : environment.unknown) {
    LogWarning(absl::StrCat("environment variable ", variable,
                            " names no flag of the gateway; ignored"));
  }
  const std::vector<config::EffectiveFlag> flags = config::EffectiveFlags();
  std::vector<std::string> from_environment;
  for (const config::FlagFromEnvironment& applied : environment.applied) {
    for (const config::EffectiveFlag& flag : flags) {
      if (flag.name == applied.flag &&
          flag.value == config::RedactFlagValue(applied.flag, applied.value)) {
        from_environment.push_back(applied.flag);
      }
    }
  }
  std::vector<LogField> fields;
  fields.reserve(flags.size() + 1);
  for (const config::EffectiveFlag& flag : flags) {
    fields.emplace_back(flag.name, flag.value);
  }
  fields.emplace_back("from_environment", absl::StrJoin(from_environment, ","));
  Log(LogLevel::kInfo, "configuration", fields);
}

int Run(const config::FlagEnvironment& environment) {
  // Termination signals are taken synchronously by sigwait below. Blocking
  // them before any thread starts makes every thread inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A peer closing a socket must not kill the process.
  signal(SIGPIPE, SIG_IGN);

  config::GatewayConfig config = config::ConfigFromFlags();
  SetLogFormat(config.log_format);
  SetMinLogLevel(config.log_level);
  SetLogFlushInterval(config.log_flush_interval);
  const BuildInfo& build = GetBuildInfo();
  LogLifecycle(absl::StrCat("upload_token_gateway ", build.version, " (commit ",
                            build.commit, ", ", build.build_type,
                            ") starting"));
  LogConfiguration(environment);
  if (absl::Status off = security::DisableCoreDumps(); !off.ok()) {
    return Fail(off.message());
  }
  absl::StatusOr<std::vector<std::string>> warnings = config::Validate(config);
  if (!warnings.ok()) return Fail(warnings.status().message());
  for (const std::string& warning : *warnings) LogWarning(warning);

  absl::StatusOr<GatewaySecrets> secrets = LoadSecrets(config);
  if (!secrets.ok()) return Fail(secrets.status().message());

  const std::string upstream = config.api_base_url;
  const absl::Duration shutdown_grace = config.shutdown_grace;
  absl::StatusOr<std::unique_ptr<Gateway>> gateway =
      Gateway::Start(std::move(config), *std::move(secrets));
  if (!gateway.ok()) return Fail(gateway.status().message());

  LogInfo(absl::StrCat("upstream ", upstream));
  // Tests and scripts wait for this exact line to learn the port.
  LogLifecycle(absl::StrCat("upload_token_gateway: listening on ",
                            (*gateway)->address()));

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogLifecycle(absl::StrCat("received ", strsignal(signal_number),
                            "; draining calls in flight"));
  (*gateway)->Shutdown(shutdown_grace);
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
      "$APIVIDEO_API_KEY or --api_key_file.\nEvery flag can also come from "
      "the environment: --log_level from UPLOAD_TOKEN_GATEWAY_LOG_LEVEL, and "
      "so on; a flag on the command line wins.");
  // --version: the build and the libraries' versions (app/build_info.h).
  absl::FlagsUsageConfig usage;
  usage.version_string = [] { return gateway::app::VersionText(); };
  absl::SetFlagsUsageConfig(usage);
  // The environment first, so that the command line overrides it.
  absl::StatusOr<gateway::config::FlagEnvironment> environment =
      gateway::config::ApplyFlagEnvironment(environ);
  if (!environment.ok()) {
    gateway::LogError(environment.status().message());
    return EXIT_FAILURE;
  }
  absl::ParseCommandLine(argc, argv);
  return gateway::app::Run(*environment);
}
