#include "gateway/apivideo/credentials_health.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upstream_observer.h"
#include "gateway/common/testing/fake_scheduler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr absl::string_view kGet = "GET /upload-tokens/{token}";
constexpr absl::string_view kAuth = "POST /auth/api-key";
constexpr char kProblems[] = "https://docs.api.video/reference/";

AttemptReport Answer(absl::string_view route, int status,
                     absl::string_view problem_type = "") {
  AttemptReport report;
  report.route = route;
  report.http_status = status;
  report.problem_type = problem_type;
  return report;
}

std::string Type(absl::string_view slug) {
  return absl::StrCat(kProblems, slug);
}

TEST(CredentialsVerdictTest, SuccessAcceptsTheCredentials) {
  EXPECT_EQ(CredentialsVerdict(Answer(kGet, 200)), 1);
}

TEST(CredentialsVerdictTest, NotFoundAcceptsTheCredentials) {
  EXPECT_EQ(CredentialsVerdict(Answer(kGet, 404, Type("resource-not-found"))),
            1);
}

TEST(CredentialsVerdictTest, OutagesSayNothing) {
  EXPECT_EQ(CredentialsVerdict(Answer(kGet, 0)), 0);
  EXPECT_EQ(CredentialsVerdict(Answer(kGet, 503)), 0);
}

TEST(CredentialsVerdictTest, InvalidApiKeyRejectsTheCredentials) {
  EXPECT_EQ(CredentialsVerdict(
                Answer(kGet, 401, Type("authentication-invalid-api-key"))),
            -1);
}

TEST(CredentialsVerdictTest, InvalidAccessTokenRejectsTheCredentials) {
  EXPECT_EQ(CredentialsVerdict(
                Answer(kGet, 401, Type("authentication-invalid-access-token"))),
            -1);
}

TEST(CredentialsVerdictTest, SuspendedAccountRejectsTheCredentials) {
  EXPECT_EQ(CredentialsVerdict(
                Answer(kGet, 403, Type("authorization-suspended-account"))),
            -1);
}

// Not api.video's answer: something in between refused the gateway itself.
TEST(CredentialsVerdictTest, RefusalWithoutAProblemRejectsTheCredentials) {
  EXPECT_EQ(CredentialsVerdict(Answer(kGet, 401)), -1);
  EXPECT_EQ(CredentialsVerdict(Answer(kGet, 403)), -1);
}

// A caller who can make api.video refuse one request of theirs must not
// take every replica out of readiness.
TEST(CredentialsVerdictTest, ForbiddenForAnotherReasonSaysNothing) {
  EXPECT_EQ(CredentialsVerdict(Answer(kGet, 403, Type("forbidden-video"))), 0);
}

TEST(CredentialsVerdictTest, UnauthorizedForAnotherReasonSaysNothing) {
  EXPECT_EQ(CredentialsVerdict(
                Answer(kGet, 401, Type("authentication-invalid-upload-token"))),
            0);
}

TEST(CredentialsVerdictTest, RefusedAuthExchangeRejectsTheCredentials) {
  EXPECT_EQ(CredentialsVerdict(Answer(
                kAuth, 400, Type("authentication-invalid-user-credentials"))),
            -1);
}

class CredentialsHealthTest : public ::testing::Test {
 protected:
  gateway::testing::FakeScheduler scheduler_;
  int probes_ = 0;
  std::vector<bool> verdicts_;
  CredentialsHealth health_{
      scheduler_, absl::Seconds(10), [this] { ++probes_; },
      [this](bool serving) { verdicts_.push_back(serving); }};
};

TEST_F(CredentialsHealthTest, StartProbesAtOnce) {
  health_.Start();
  scheduler_.Advance(absl::ZeroDuration());

  EXPECT_EQ(probes_, 1);
}

TEST_F(CredentialsHealthTest, RejectionTurnsNotServingAndProbesUntilAccepted) {
  health_.OnAttempt(Answer(kGet, 401, Type("authentication-invalid-api-key")));
  ASSERT_FALSE(health_.credentials_accepted());
  scheduler_.Advance(absl::Seconds(10));
  scheduler_.Advance(absl::Seconds(10));
  ASSERT_EQ(probes_, 2);

  health_.OnAttempt(Answer(kGet, 200));

  EXPECT_TRUE(health_.credentials_accepted());
  EXPECT_THAT(verdicts_, ElementsAre(false, true));
  scheduler_.Advance(absl::Seconds(30));
  EXPECT_EQ(probes_, 2);
}

TEST_F(CredentialsHealthTest, ACallersOwnRefusalLeavesHealthAlone) {
  health_.OnAttempt(Answer(kGet, 403, Type("forbidden-video")));

  EXPECT_TRUE(health_.credentials_accepted());
  EXPECT_THAT(verdicts_, IsEmpty());
}

}  // namespace
}  // namespace gateway::apivideo
