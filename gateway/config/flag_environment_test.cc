#include "gateway/config/flag_environment.h"

#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gateway/common/log.h"
#include "gateway/config/flags.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(absl::Duration, upstream_timeout);
ABSL_DECLARE_FLAG(gateway::LogLevel, log_level);
ABSL_DECLARE_FLAG(std::string, metrics_listen);

namespace gateway::config {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class FlagEnvironmentTest : public ::testing::Test {
 private:
  // Each test's flag values are undone after it.
  absl::FlagSaver saver_;
};

TEST_F(FlagEnvironmentTest, VariableIsThePrefixAndTheFlagNameInUpperCase) {
  EXPECT_EQ(EnvironmentVariableFor("log_level"),
            "UPLOAD_TOKEN_GATEWAY_LOG_LEVEL");
  EXPECT_EQ(EnvironmentVariableFor("listen"), "UPLOAD_TOKEN_GATEWAY_LISTEN");
}

TEST_F(FlagEnvironmentTest, EveryGatewayFlagHasAVariableThatSetsIt) {
  ASSERT_GT(GatewayFlags().size(), 40U);
  for (absl::CommandLineFlag* flag : GatewayFlags()) {
    const std::string entry =
        EnvironmentVariableFor(flag->Name()) + "=" + flag->DefaultValue();
    const char* const environment[] = {entry.c_str(), nullptr};
    absl::StatusOr<FlagEnvironment> applied = ApplyFlagEnvironment(environment);
    ASSERT_TRUE(applied.ok()) << flag->Name() << ": " << applied.status();
    EXPECT_THAT(applied->applied,
                ElementsAre(Field(&FlagFromEnvironment::flag, flag->Name())));
  }
}

TEST_F(FlagEnvironmentTest, SetsTheFlagTheVariableNames) {
  const char* const environment[] = {
      "UPLOAD_TOKEN_GATEWAY_LISTEN=127.0.0.1:7000",
      "UPLOAD_TOKEN_GATEWAY_UPSTREAM_TIMEOUT=5s",
      "UPLOAD_TOKEN_GATEWAY_LOG_LEVEL=debug", nullptr};
  absl::StatusOr<FlagEnvironment> applied = ApplyFlagEnvironment(environment);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(absl::GetFlag(FLAGS_listen), "127.0.0.1:7000");
  EXPECT_EQ(absl::GetFlag(FLAGS_upstream_timeout), absl::Seconds(5));
  EXPECT_EQ(absl::GetFlag(FLAGS_log_level), LogLevel::kDebug);
  EXPECT_THAT(applied->applied,
              ElementsAre(Field(&FlagFromEnvironment::variable,
                                "UPLOAD_TOKEN_GATEWAY_LISTEN"),
                          Field(&FlagFromEnvironment::value, "5s"),
                          Field(&FlagFromEnvironment::flag, "log_level")));
}

TEST_F(FlagEnvironmentTest, AnEmptyValueSetsAnEmptyString) {
  absl::SetFlag(&FLAGS_metrics_listen, "127.0.0.1:9090");
  const char* const environment[] = {"UPLOAD_TOKEN_GATEWAY_METRICS_LISTEN=",
                                     nullptr};
  ASSERT_TRUE(ApplyFlagEnvironment(environment).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_metrics_listen), "");
}

TEST_F(FlagEnvironmentTest, VariablesWithoutThePrefixAreLeftAlone) {
  const char* const environment[] = {"LISTEN=127.0.0.1:7000",
                                     "upload_token_gateway_listen=x:1",
                                     "PATH=/usr/bin", nullptr};
  absl::StatusOr<FlagEnvironment> applied = ApplyFlagEnvironment(environment);
  ASSERT_TRUE(applied.ok());
  EXPECT_THAT(applied->applied, IsEmpty());
  EXPECT_THAT(applied->unknown, IsEmpty());
  EXPECT_EQ(absl::GetFlag(FLAGS_listen), GatewayConfig().server.listen_address);
}

TEST_F(FlagEnvironmentTest, PrefixedVariablesThatNameNoFlagAreReported) {
  const char* const environment[] = {
      "UPLOAD_TOKEN_GATEWAY_LISTN=127.0.0.1:7000",
      "UPLOAD_TOKEN_GATEWAY_SERVICE_HOST=10.0.0.1",
      // Lower case after the prefix: not the flag's variable.
      "UPLOAD_TOKEN_GATEWAY_listen=127.0.0.1:7000", nullptr};
  absl::StatusOr<FlagEnvironment> applied = ApplyFlagEnvironment(environment);
  ASSERT_TRUE(applied.ok());
  EXPECT_THAT(applied->unknown, ElementsAre("UPLOAD_TOKEN_GATEWAY_LISTN",
                                            "UPLOAD_TOKEN_GATEWAY_SERVICE_HOST",
                                            "UPLOAD_TOKEN_GATEWAY_listen"));
  EXPECT_EQ(absl::GetFlag(FLAGS_listen), GatewayConfig().server.listen_address);
}

TEST_F(FlagEnvironmentTest, AbseilsOwnFlagsCannotComeFromTheEnvironment) {
  const char* const environment[] = {"UPLOAD_TOKEN_GATEWAY_FLAGFILE=/tmp/x",
                                     "UPLOAD_TOKEN_GATEWAY_HELP=true", nullptr};
  absl::StatusOr<FlagEnvironment> applied = ApplyFlagEnvironment(environment);
  ASSERT_TRUE(applied.ok());
  EXPECT_THAT(applied->applied, IsEmpty());
  EXPECT_THAT(applied->unknown, ElementsAre("UPLOAD_TOKEN_GATEWAY_FLAGFILE",
                                            "UPLOAD_TOKEN_GATEWAY_HELP"));
}

TEST_F(FlagEnvironmentTest, AValueTheFlagCannotParseNamesTheVariable) {
  const char* const environment[] = {
      "UPLOAD_TOKEN_GATEWAY_UPSTREAM_TIMEOUT=thirty seconds", nullptr};
  absl::StatusOr<FlagEnvironment> applied = ApplyFlagEnvironment(environment);
  ASSERT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(applied.status().message(),
              HasSubstr("environment variable "
                        "UPLOAD_TOKEN_GATEWAY_UPSTREAM_TIMEOUT "
                        "(--upstream_timeout)"));
  EXPECT_EQ(absl::GetFlag(FLAGS_upstream_timeout),
            GatewayConfig().service.upstream_timeout);
}

TEST_F(FlagEnvironmentTest, AnEnumValueOutsideItsSetIsRefused) {
  const char* const environment[] = {"UPLOAD_TOKEN_GATEWAY_LOG_LEVEL=loud",
                                     nullptr};
  absl::StatusOr<FlagEnvironment> applied = ApplyFlagEnvironment(environment);
  ASSERT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(applied.status().message(), HasSubstr("LOG_LEVEL"));
}

TEST_F(FlagEnvironmentTest, NoEnvironmentSetsNothing) {
  absl::StatusOr<FlagEnvironment> applied = ApplyFlagEnvironment(nullptr);
  ASSERT_TRUE(applied.ok());
  EXPECT_THAT(applied->applied, IsEmpty());
}

}  // namespace
}  // namespace gateway::config
