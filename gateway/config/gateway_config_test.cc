#include "gateway/config/gateway_config.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A configuration that passes with no warning: loopback only.
GatewayConfig LoopbackConfig() {
  GatewayConfig config;
  config.server.listen_address = "127.0.0.1:0";
  return config;
}

absl::Status ProblemWith(const GatewayConfig& config) {
  return Validate(config).status();
}

std::vector<std::string> WarningsFor(const GatewayConfig& config) {
  absl::StatusOr<std::vector<std::string>> warnings = Validate(config);
  EXPECT_TRUE(warnings.ok()) << warnings.status();
  return warnings.ok() ? *warnings : std::vector<std::string>{};
}

// ---- The upstream -----------------------------------------------------------

TEST(ValidateUpstream, AcceptsHttpsWithoutWarning) {
  GatewayConfig config = LoopbackConfig();
  config.api_base_url = "https://ws.api.video";
  EXPECT_THAT(WarningsFor(config), IsEmpty());
}

TEST(ValidateUpstream, AcceptsPlainHttpToLoopbackWithWarning) {
  for (const char* url : {"http://localhost:8080", "http://127.0.0.1:9000",
                          "http://[::1]:8080"}) {
    GatewayConfig config = LoopbackConfig();
    config.api_base_url = url;
    EXPECT_THAT(WarningsFor(config), ElementsAre(HasSubstr("plain http")))
        << url;
  }
}

TEST(ValidateUpstream, RefusesPlainHttpToRemoteHost) {
  GatewayConfig config = LoopbackConfig();
  config.api_base_url = "http://ws.api.video";
  const absl::Status status = ProblemWith(config);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("allow_plaintext_upstream"));
}

TEST(ValidateUpstream, RefusesPlainHttpToHostNameThatOnlyLooksLoopback) {
  for (const char* url :
       {"http://127.0.0.1.nip.io", "http://127.attacker.example",
        "http://localhost.attacker.example"}) {
    GatewayConfig config = LoopbackConfig();
    config.api_base_url = url;
    EXPECT_FALSE(ProblemWith(config).ok()) << url;
  }
}

TEST(ValidateUpstream, AllowsPlainHttpToRemoteHostWhenAskedWithWarning) {
  GatewayConfig config = LoopbackConfig();
  config.api_base_url = "http://ws.api.video";
  config.allow_plaintext_upstream = true;
  EXPECT_THAT(WarningsFor(config), ElementsAre(HasSubstr("unencrypted")));
}

TEST(ValidateUpstream, RejectsInvalidUrlEvenWithPlaintextAllowed) {
  GatewayConfig config = LoopbackConfig();
  config.api_base_url = "ftp://ws.api.video";
  config.allow_plaintext_upstream = true;
  EXPECT_EQ(ProblemWith(config).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateUpstream, RefusesZeroAttempts) {
  GatewayConfig config = LoopbackConfig();
  config.retry.max_attempts = 0;
  EXPECT_THAT(ProblemWith(config).message(), HasSubstr("--max_attempts"));
}

TEST(ValidateUpstream, RefusesNegativeRetryBudgetRatio) {
  GatewayConfig config = LoopbackConfig();
  config.retry_budget.ratio = -0.5;
  EXPECT_THAT(ProblemWith(config).message(), HasSubstr("--retry_budget_ratio"));
}

TEST(ValidateUpstream, RefusesAQuotaShareOutsideZeroToOne) {
  for (double share : {0.0, -0.1, 1.5, std::nan("")}) {
    GatewayConfig config = LoopbackConfig();
    config.quota.share = share;
    EXPECT_THAT(ProblemWith(config).message(), HasSubstr("--quota_share"))
        << share;
  }
}

TEST(ValidateUpstream, RefusesAQuotaBurstOutsideZeroToOne) {
  for (double burst : {0.0, 2.0}) {
    GatewayConfig config = LoopbackConfig();
    config.quota.burst = burst;
    EXPECT_THAT(ProblemWith(config).message(), HasSubstr("--quota_burst"))
        << burst;
  }
}

TEST(ValidateUpstream, AcceptsTheWholeAccountOrAPartOfIt) {
  for (double share : {1.0, 0.3}) {
    GatewayConfig config = LoopbackConfig();
    config.quota.share = share;
    EXPECT_TRUE(Validate(config).ok()) << share;
  }
}

TEST(ValidateReplicas, AcceptsARedisHostAndPort) {
  for (const char* address : {"redis:6379", "10.0.0.7:6380", "[::1]:6379"}) {
    GatewayConfig config = LoopbackConfig();
    config.redis_address = address;
    EXPECT_TRUE(Validate(config).ok()) << address;
  }
}

TEST(ValidateReplicas, RefusesARedisAddressWithoutHostOrPort) {
  for (const char* address : {"redis", ":6379", "redis:0", "redis:port"}) {
    GatewayConfig config = LoopbackConfig();
    config.redis_address = address;
    EXPECT_THAT(ProblemWith(config).message(), HasSubstr("--redis_address"))
        << address;
  }
}

TEST(ValidateReplicas, RefusesARedisTimeoutOfZero) {
  GatewayConfig config = LoopbackConfig();
  config.redis_timeout = absl::ZeroDuration();
  EXPECT_THAT(ProblemWith(config).message(), HasSubstr("--redis_timeout"));
}

TEST(ValidateReplicas, RefusesAFallbackShareOutsideZeroToOne) {
  for (double share : {0.0, 1.5, std::nan("")}) {
    GatewayConfig config = LoopbackConfig();
    config.quota.fallback_share = share;
    EXPECT_THAT(ProblemWith(config).message(),
                HasSubstr("--redis_fallback_share"))
        << share;
  }
}

TEST(ValidateReplicas, RefusesAnAuditRetentionOfZero) {
  GatewayConfig config = LoopbackConfig();
  config.audit_retention = absl::ZeroDuration();
  EXPECT_THAT(ProblemWith(config).message(), HasSubstr("--audit_retention"));
}

TEST(ValidateUpstream, RefusesNegativeConnectionCap) {
  GatewayConfig config = LoopbackConfig();
  config.transport.max_host_connections = -1;
  EXPECT_THAT(ProblemWith(config).message(),
              HasSubstr("--upstream_max_connections"));
}

TEST(ValidateUpstream, RefusesNegativeWaits) {
  GatewayConfig config = LoopbackConfig();
  config.retry.max_window_wait = absl::Seconds(-1);
  EXPECT_THAT(ProblemWith(config).message(),
              HasSubstr("--rate_limit_max_wait"));
}

// ---- The read caches --------------------------------------------------------

TEST(ValidateReadCache, DefaultsPass) {
  EXPECT_TRUE(ProblemWith(LoopbackConfig()).ok());
}

TEST(ValidateReadCache, ZeroMaxAgesTurnTheCachesOffAndPass) {
  GatewayConfig config = LoopbackConfig();
  config.read_cache.tokens.max_age = absl::ZeroDuration();
  config.read_cache.tokens.negative_max_age = absl::ZeroDuration();
  config.read_cache.list_max_age = absl::ZeroDuration();
  EXPECT_TRUE(ProblemWith(config).ok());
}

TEST(ValidateReadCache, RefusesNegativeMaxAges) {
  GatewayConfig tokens = LoopbackConfig();
  tokens.read_cache.tokens.max_age = absl::Milliseconds(-1);
  GatewayConfig not_found = LoopbackConfig();
  not_found.read_cache.tokens.negative_max_age = absl::Milliseconds(-1);
  GatewayConfig lists = LoopbackConfig();
  lists.read_cache.list_max_age = absl::Seconds(-1);
  for (const GatewayConfig& config : {tokens, not_found, lists}) {
    const absl::Status problem = ProblemWith(config);
    EXPECT_EQ(problem.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(problem.message(),
                HasSubstr("--token_cache_max_age, --negative_cache_max_age "
                          "and --list_cache_max_age must not be negative"));
  }
}

TEST(ValidateReadCache, RefusesZeroEntries) {
  GatewayConfig config = LoopbackConfig();
  config.read_cache.tokens.max_entries = 0;
  EXPECT_THAT(ProblemWith(config).message(),
              HasSubstr("--token_cache_entries must be at least 1"));
}

// ---- Serving ----------------------------------------------------------------

TEST(ValidateServing, TheDefaultsServePlaintextOnEveryAddressWithAWarning) {
  const GatewayConfig config;
  EXPECT_THAT(WarningsFor(config),
              ElementsAre(HasSubstr("serving plaintext gRPC on [::]:50051")));
}

TEST(ValidateServing, LoopbackPlaintextHasNoWarning) {
  for (const char* listen : {"localhost:50051", "127.0.0.1:0", "[::1]:1"}) {
    GatewayConfig config;
    config.server.listen_address = listen;
    EXPECT_THAT(WarningsFor(config), IsEmpty()) << listen;
  }
}

TEST(ValidateServing, LookAlikeLoopbackNameStillWarns) {
  GatewayConfig config;
  config.server.listen_address = "127.attacker.example:50051";
  EXPECT_THAT(WarningsFor(config), ElementsAre(HasSubstr("plaintext")));
}

TEST(ValidateServing, TlsServingHasNoWarning) {
  GatewayConfig config;
  config.server_tls.cert_file = "server.pem";
  config.server_tls.key_file = "server.key";
  EXPECT_THAT(WarningsFor(config), IsEmpty());
}

TEST(ValidateServing, CertificateNeedsItsKey) {
  GatewayConfig config = LoopbackConfig();
  config.server_tls.cert_file = "server.pem";
  EXPECT_THAT(ProblemWith(config).message(), HasSubstr("go together"));
}

TEST(ValidateServing, ClientCaNeedsServerCertificate) {
  GatewayConfig config = LoopbackConfig();
  config.server_tls.client_ca_file = "clients.pem";
  EXPECT_THAT(ProblemWith(config).message(),
              HasSubstr("--client_ca_file needs --tls_cert_file"));
}

TEST(ValidateServing, AllowlistNeedsClientCertificates) {
  GatewayConfig config = LoopbackConfig();
  config.allowed_clients = {"billing.internal"};
  const absl::Status status = ProblemWith(config);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("--allowed_clients needs"));
}

TEST(ValidateServing, RefusesMalformedListenAddresses) {
  for (const char* listen : {"localhost", "localhost:http", ":70000"}) {
    GatewayConfig config;
    config.server.listen_address = listen;
    const absl::Status status = ProblemWith(config);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << listen;
    EXPECT_THAT(status.message(), HasSubstr("--listen")) << listen;
  }
}

TEST(ValidateServing, RefusesMalformedMetricsAddress) {
  GatewayConfig config = LoopbackConfig();
  config.metrics_listen = "9090";
  EXPECT_THAT(ProblemWith(config).message(), HasSubstr("--metrics_listen"));
}

TEST(ValidateServing, RefusesNoRoomForCalls) {
  GatewayConfig config = LoopbackConfig();
  config.service.max_calls_in_flight = 0;
  EXPECT_THAT(ProblemWith(config).message(),
              HasSubstr("--max_calls_in_flight"));
}

TEST(ValidateServing, RefusesNonPositiveUpstreamTimeout) {
  GatewayConfig config = LoopbackConfig();
  config.service.upstream_timeout = absl::ZeroDuration();
  EXPECT_THAT(ProblemWith(config).message(), HasSubstr("--upstream_timeout"));
}

// ---- Observability ----------------------------------------------------------

TEST(ValidateObservability, RefusesNegativeLogFlushInterval) {
  GatewayConfig config = LoopbackConfig();
  config.log_flush_interval = absl::Milliseconds(-1);
  EXPECT_THAT(ProblemWith(config).message(), HasSubstr("--log_flush_interval"));
}

TEST(ValidateObservability, ZeroLogFlushIntervalPasses) {
  GatewayConfig config = LoopbackConfig();
  config.log_flush_interval = absl::ZeroDuration();
  EXPECT_TRUE(ProblemWith(config).ok());
}

// ---- --auth -----------------------------------------------------------------

TEST(UpstreamAuthFlag, ParsesBasicAndBearerAndPrintsThemBack) {
  for (UpstreamAuth auth : {UpstreamAuth::kBasic, UpstreamAuth::kBearer}) {
    UpstreamAuth parsed = UpstreamAuth::kBasic;
    std::string error;
    ASSERT_TRUE(AbslParseFlag(AbslUnparseFlag(auth), &parsed, &error));
    EXPECT_EQ(parsed, auth);
  }
  EXPECT_EQ(AbslUnparseFlag(UpstreamAuth::kBearer), "bearer");
}

TEST(UpstreamAuthFlag, RefusesOtherSchemesSayingWhatIsAccepted) {
  UpstreamAuth parsed = UpstreamAuth::kBasic;
  std::string error;
  EXPECT_FALSE(AbslParseFlag("digest", &parsed, &error));
  EXPECT_EQ(error, "must be 'basic' or 'bearer'");
}

}  // namespace
}  // namespace gateway::config
