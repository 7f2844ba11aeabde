#include "gateway/config/flags.h"

#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(absl::Duration, upstream_timeout);
ABSL_DECLARE_FLAG(std::uint32_t, upstream_max_concurrent_requests);
ABSL_DECLARE_FLAG(gateway::config::UpstreamAuth, auth);
ABSL_DECLARE_FLAG(gateway::LogFormat, log_format);
ABSL_DECLARE_FLAG(std::vector<std::string>, allowed_clients);
ABSL_DECLARE_FLAG(double, retry_budget_ratio);
ABSL_DECLARE_FLAG(absl::Duration, token_cache_max_age);
ABSL_DECLARE_FLAG(absl::Duration, negative_cache_max_age);
ABSL_DECLARE_FLAG(int, token_cache_entries);
ABSL_DECLARE_FLAG(absl::Duration, list_cache_max_age);
ABSL_DECLARE_FLAG(bool, coalesce_reads);
ABSL_DECLARE_FLAG(absl::Duration, log_flush_interval);

namespace gateway::config {
namespace {

using ::testing::ElementsAre;

class ConfigFromFlagsTest : public ::testing::Test {
 private:
  // Each test's flag values are undone after it.
  absl::FlagSaver saver_;
};

TEST_F(ConfigFromFlagsTest, UnsetFlagsGiveTheDefaultConfiguration) {
  const GatewayConfig defaults;
  const GatewayConfig config = ConfigFromFlags();
  EXPECT_EQ(config.server.listen_address, defaults.server.listen_address);
  EXPECT_EQ(config.service.max_calls_in_flight,
            defaults.service.max_calls_in_flight);
  EXPECT_EQ(config.service.upstream_timeout, defaults.service.upstream_timeout);
  EXPECT_EQ(config.transport.max_concurrent_transfers,
            defaults.transport.max_concurrent_transfers);
  EXPECT_EQ(config.transport.max_host_connections,
            defaults.transport.max_host_connections);
  EXPECT_EQ(config.retry.max_attempts, defaults.retry.max_attempts);
  EXPECT_EQ(config.retry_budget.ratio, defaults.retry_budget.ratio);
  EXPECT_EQ(config.api_base_url, defaults.api_base_url);
  EXPECT_EQ(config.auth, defaults.auth);
  EXPECT_EQ(config.shutdown_grace, defaults.shutdown_grace);
  EXPECT_EQ(config.health_probe_interval, defaults.health_probe_interval);
  EXPECT_EQ(config.log_format, defaults.log_format);
  EXPECT_EQ(config.log_level, defaults.log_level);
  EXPECT_EQ(config.access_log, defaults.access_log);
  EXPECT_EQ(config.log_flush_interval, defaults.log_flush_interval);
}

TEST_F(ConfigFromFlagsTest, FlagsReachTheirFields) {
  absl::SetFlag(&FLAGS_listen, "127.0.0.1:7000");
  absl::SetFlag(&FLAGS_upstream_timeout, absl::Seconds(5));
  absl::SetFlag(&FLAGS_upstream_max_concurrent_requests, 7u);
  absl::SetFlag(&FLAGS_auth, UpstreamAuth::kBearer);
  absl::SetFlag(&FLAGS_log_format, LogFormat::kJson);
  absl::SetFlag(&FLAGS_allowed_clients,
                std::vector<std::string>{"a.internal", "b.internal"});
  absl::SetFlag(&FLAGS_retry_budget_ratio, 0.25);
  absl::SetFlag(&FLAGS_log_flush_interval, absl::Milliseconds(20));
  const GatewayConfig config = ConfigFromFlags();
  EXPECT_EQ(config.server.listen_address, "127.0.0.1:7000");
  EXPECT_EQ(config.service.upstream_timeout, absl::Seconds(5));
  EXPECT_EQ(config.transport.max_concurrent_transfers, 7u);
  EXPECT_EQ(config.auth, UpstreamAuth::kBearer);
  EXPECT_EQ(config.log_format, LogFormat::kJson);
  EXPECT_THAT(config.allowed_clients, ElementsAre("a.internal", "b.internal"));
  EXPECT_EQ(config.retry_budget.ratio, 0.25);
  EXPECT_EQ(config.log_flush_interval, absl::Milliseconds(20));
}

TEST_F(ConfigFromFlagsTest, CacheFlagsReachTheReadCacheOptions) {
  absl::SetFlag(&FLAGS_token_cache_max_age, absl::Seconds(3));
  absl::SetFlag(&FLAGS_negative_cache_max_age, absl::ZeroDuration());
  absl::SetFlag(&FLAGS_token_cache_entries, 50);
  absl::SetFlag(&FLAGS_list_cache_max_age, absl::Seconds(2));
  absl::SetFlag(&FLAGS_coalesce_reads, false);
  const apivideo::ReadCacheOptions cache = ConfigFromFlags().read_cache;
  EXPECT_EQ(cache.tokens.max_age, absl::Seconds(3));
  EXPECT_EQ(cache.tokens.negative_max_age, absl::ZeroDuration());
  EXPECT_EQ(cache.tokens.max_entries, 50);
  EXPECT_EQ(cache.list_max_age, absl::Seconds(2));
  EXPECT_FALSE(cache.coalesce);
}

TEST_F(ConfigFromFlagsTest, CacheFlagsDefaultToTheCachesOwnDefaults) {
  EXPECT_EQ(absl::FindCommandLineFlag("token_cache_max_age")->DefaultValue(),
            "10s");
  EXPECT_EQ(absl::FindCommandLineFlag("negative_cache_max_age")->DefaultValue(),
            "1s");
  EXPECT_EQ(absl::FindCommandLineFlag("token_cache_entries")->DefaultValue(),
            "10000");
  EXPECT_EQ(absl::FindCommandLineFlag("list_cache_max_age")->DefaultValue(),
            "0");
  EXPECT_EQ(absl::FindCommandLineFlag("coalesce_reads")->DefaultValue(),
            "true");
}

TEST_F(ConfigFromFlagsTest, HelpShowsTheDefaultsOfTheParts) {
  // The default is the part's own: 1,024 requests is CurlLoopOptions'.
  const absl::CommandLineFlag* flag =
      absl::FindCommandLineFlag("upstream_max_concurrent_requests");
  ASSERT_NE(flag, nullptr);
  EXPECT_EQ(flag->DefaultValue(), "1024");
  EXPECT_EQ(absl::FindCommandLineFlag("listen")->DefaultValue(), "[::]:50051");
  EXPECT_EQ(absl::FindCommandLineFlag("log_level")->DefaultValue(), "info");
}

}  // namespace
}  // namespace gateway::config
