#include "gateway/security/process_hardening.h"

#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

#include "gtest/gtest.h"

namespace gateway::security {
namespace {

constexpr char kVariable[] = "PROCESS_HARDENING_TEST_SECRET";

TEST(WipeEnvironmentVariableTest, VariableIsGone) {
  ASSERT_EQ(setenv(kVariable, "secret-value", /*overwrite=*/1), 0);

  WipeEnvironmentVariable(kVariable);

  EXPECT_EQ(std::getenv(kVariable), nullptr);
}

TEST(WipeEnvironmentVariableTest, ValueIsOverwrittenWhereItLay) {
  // A buffer of our own in environ (putenv does not copy), so that reading
  // it afterwards is defined.
  char entry[] = "PROCESS_HARDENING_TEST_SECRET=secret-value";
  ASSERT_EQ(putenv(entry), 0);

  WipeEnvironmentVariable(kVariable);

  EXPECT_STREQ(entry, "PROCESS_HARDENING_TEST_SECRET=");
  EXPECT_EQ(std::getenv(kVariable), nullptr);
}

TEST(WipeEnvironmentVariableTest, MissingVariableIsNoError) {
  ASSERT_EQ(unsetenv(kVariable), 0);

  WipeEnvironmentVariable(kVariable);

  EXPECT_EQ(std::getenv(kVariable), nullptr);
}

TEST(DisableCoreDumpsTest, CoreLimitIsZeroSoftAndHard) {
  ASSERT_TRUE(DisableCoreDumps().ok());

  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_CORE, &limit), 0);
  EXPECT_EQ(limit.rlim_cur, 0u);
  EXPECT_EQ(limit.rlim_max, 0u);
}

}  // namespace
}  // namespace gateway::security
