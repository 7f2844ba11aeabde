#include "gateway/governance/caller_rules.h"

#include <string>

#include "gateway/common/status_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::testing::HasSubstr;

CallerRules MustParse(const std::string& text) {
  absl::StatusOr<CallerRules> rules = CallerRules::Parse(text, "policy.txtpb");
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? *std::move(rules) : CallerRules();
}

// The error of a file that does not load.
std::string ErrorOf(const std::string& text) {
  absl::StatusOr<CallerRules> rules = CallerRules::Parse(text, "policy.txtpb");
  EXPECT_FALSE(rules.ok()) << text;
  if (rules.ok()) return "";
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kFailedPrecondition);
  return std::string(rules.status().message());
}

constexpr char kExample[] = R"(
default_policy { max_ttl_seconds: 86400 default_ttl_seconds: 3600 }
callers { name: "web" max_ttl_seconds: 3600 creates_per_minute: 60 max_live_tokens: 500 }
callers { name: "ops" allow_no_expiry: true others: DELETE }
callers { name: "reporting" read_only: true }
)";

// ---- What a file means ------------------------------------------------------

TEST(CallerRulesTest, WithoutAFileEveryCallerMayDoAnything) {
  const CallerRules rules;
  const CallerLimits& limits = rules.For("anyone");
  EXPECT_FALSE(limits.max_ttl_seconds.has_value());
  EXPECT_EQ(limits.default_ttl_seconds, 0);
  EXPECT_TRUE(limits.allow_no_expiry);
  EXPECT_EQ(limits.creates_per_minute, 0);
  EXPECT_EQ(limits.max_live_tokens, 0);
  EXPECT_FALSE(limits.read_only);
  EXPECT_EQ(limits.others, OthersAccess::kDelete);
}

TEST(CallerRulesTest, AnUnlistedCallerGetsTheDefaultPolicy) {
  const CallerRules rules = MustParse(kExample);
  const CallerLimits& limits = rules.For("billing");
  EXPECT_EQ(limits.max_ttl_seconds, 86400);
  EXPECT_EQ(limits.default_ttl_seconds, 3600);
  EXPECT_FALSE(limits.allow_no_expiry);
  EXPECT_EQ(limits.others, OthersAccess::kRead);
}

TEST(CallerRulesTest, ACallersEntryOverridesOnlyTheFieldsItSets) {
  const CallerRules rules = MustParse(kExample);
  const CallerLimits& web = rules.For("web");
  EXPECT_EQ(web.max_ttl_seconds, 3600);
  EXPECT_EQ(web.default_ttl_seconds, 3600);  // inherited
  EXPECT_EQ(web.creates_per_minute, 60);
  EXPECT_EQ(web.max_live_tokens, 500);
  const CallerLimits& ops = rules.For("ops");
  EXPECT_EQ(ops.max_ttl_seconds, 86400);  // inherited
  EXPECT_TRUE(ops.allow_no_expiry);
  EXPECT_EQ(ops.others, OthersAccess::kDelete);
  EXPECT_TRUE(rules.For("reporting").read_only);
  EXPECT_FALSE(ops.read_only);
}

TEST(CallerRulesTest, TheDefaultTtlIsTheMaximumWhenOnlyAMaximumIsSet) {
  const CallerRules rules =
      MustParse(R"(callers { name: "web" max_ttl_seconds: 600 })");
  EXPECT_EQ(rules.For("web").default_ttl_seconds, 600);
  EXPECT_FALSE(rules.For("web").allow_no_expiry);
}

TEST(CallerRulesTest, AnEmptyFileRestrictsNothingButOthersDeletes) {
  const CallerRules rules = MustParse("");
  const CallerLimits& limits = rules.For("web");
  EXPECT_FALSE(limits.max_ttl_seconds.has_value());
  EXPECT_TRUE(limits.allow_no_expiry);
  EXPECT_EQ(limits.others, OthersAccess::kRead);
}

// ---- Files that do not load -------------------------------------------------

TEST(CallerRulesTest, ASyntaxErrorNamesTheFileLineAndColumn) {
  EXPECT_THAT(
      ErrorOf("default_policy { }\ncallers { name: \"web\" max_ttl: 3 }"),
      HasSubstr("policy.txtpb:2:"));
}

TEST(CallerRulesTest, AnUnknownOthersValueIsRefused) {
  EXPECT_THAT(ErrorOf(R"(callers { name: "web" others: EVERYTHING })"),
              HasSubstr("policy.txtpb:1:"));
}

TEST(CallerRulesTest, ACallerListedTwiceIsRefusedAtItsSecondEntry) {
  EXPECT_THAT(ErrorOf("callers { name: \"web\" }\n\ncallers { name: \"web\" }"),
              HasSubstr("policy.txtpb:3:11: caller \"web\" has two entries"));
}

TEST(CallerRulesTest, ACallerEntryWithoutANameIsRefused) {
  EXPECT_THAT(ErrorOf("callers { read_only: true }"),
              HasSubstr("needs a name"));
}

TEST(CallerRulesTest, ANegativeNumberIsRefusedAtItsLine) {
  EXPECT_THAT(ErrorOf("callers {\n  name: \"web\"\n  max_live_tokens: -1\n}"),
              HasSubstr("policy.txtpb:3:"));
  EXPECT_THAT(ErrorOf("default_policy { max_ttl_seconds: -5 }"),
              HasSubstr("max_ttl_seconds must be from 0 to 2147483647"));
}

TEST(CallerRulesTest, ATtlBeyondWhatApiVideoTakesIsRefused) {
  EXPECT_THAT(ErrorOf("default_policy { max_ttl_seconds: 2147483648 }"),
              HasSubstr("must be from 0 to 2147483647"));
}

TEST(CallerRulesTest, ADefaultAboveTheMaximumIsRefused) {
  EXPECT_THAT(
      ErrorOf("default_policy { max_ttl_seconds: 60 }\n"
              "callers { name: \"web\" default_ttl_seconds: 61 }"),
      HasSubstr("policy.txtpb:2:23: the default ttl of web (61 s) is above "
                "its maximum (60 s)"));
}

TEST(CallerRulesTest, ADefaultOfNoExpiryIsRefusedWhereNoExpiryIsNotAllowed) {
  EXPECT_THAT(ErrorOf("default_policy { max_ttl_seconds: 60 "
                      "default_ttl_seconds: 0 }"),
              HasSubstr("is 0 (never expires)"));
}

TEST(CallerRulesTest, ANamedDefaultPolicyIsRefused) {
  EXPECT_THAT(ErrorOf(R"(default_policy { name: "web" })"),
              HasSubstr("has no name"));
}

TEST(CallerRulesTest, AMissingFileIsNamed) {
  absl::StatusOr<CallerRules> rules = CallerRules::Load("/nonexistent/policy");
  ASSERT_FALSE(rules.ok());
  EXPECT_THAT(rules.status().message(), HasSubstr("/nonexistent/policy"));
}

// ---- Decisions --------------------------------------------------------------

TEST(ResolveTtlTest, AnUnsetTtlGetsTheCallersDefault) {
  CallerLimits limits;
  limits.default_ttl_seconds = 900;
  EXPECT_EQ(ResolveTtl(limits, "web", std::nullopt).value(), 900);
}

TEST(ResolveTtlTest, ATtlWithinTheMaximumIsKept) {
  CallerLimits limits;
  limits.max_ttl_seconds = 3600;
  EXPECT_EQ(ResolveTtl(limits, "web", 3600).value(), 3600);
}

TEST(ResolveTtlTest, ATtlAboveTheMaximumIsInvalidAndNamesTheLimit) {
  CallerLimits limits;
  limits.max_ttl_seconds = 3600;
  limits.allow_no_expiry = false;
  absl::StatusOr<std::int32_t> ttl = ResolveTtl(limits, "web", 3601);
  ASSERT_EQ(ttl.status().code(), absl::StatusCode::kInvalidArgument);
  const auto bad_request = GetDetail<google::rpc::BadRequest>(ttl.status());
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations(0).field(), "ttl");
  EXPECT_THAT(bad_request->field_violations(0).description(),
              HasSubstr("ask for 1 to 3600 seconds"));
  EXPECT_EQ(GetDetail<google::rpc::ErrorInfo>(ttl.status())->reason(),
            "TTL_NOT_ALLOWED");
}

TEST(ResolveTtlTest, NoExpiryIsInvalidWhereItIsNotAllowed) {
  CallerLimits limits;
  limits.max_ttl_seconds = 3600;
  limits.allow_no_expiry = false;
  absl::StatusOr<std::int32_t> ttl = ResolveTtl(limits, "web", 0);
  ASSERT_EQ(ttl.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ttl.status().message(), HasSubstr("never expires"));
}

TEST(ResolveTtlTest, NoExpiryIsKeptWhereItIsAllowedDespiteAMaximum) {
  CallerLimits limits;
  limits.max_ttl_seconds = 3600;
  limits.allow_no_expiry = true;
  EXPECT_EQ(ResolveTtl(limits, "ops", 0).value(), 0);
}

TEST(CheckMayWriteTest, AReadOnlyCallerIsDenied) {
  CallerLimits limits;
  limits.read_only = true;
  const absl::Status status =
      CheckMayWrite(limits, "reporting", "DeleteUploadToken");
  ASSERT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(GetDetail<google::rpc::ErrorInfo>(status)->reason(),
            "CALLER_READ_ONLY");
  EXPECT_TRUE(CheckMayWrite(CallerLimits(), "web", "DeleteUploadToken").ok());
}

TEST(CheckTokenAccessTest, ACallerMayAlwaysActOnItsOwnToken) {
  CallerLimits limits;
  limits.others = OthersAccess::kNone;
  EXPECT_TRUE(
      CheckTokenAccess(limits, "web", TokenAccess::kDelete, "to1", "web").ok());
}

TEST(CheckTokenAccessTest, OthersDecidesForAnotherCallersToken) {
  CallerLimits limits;
  limits.others = OthersAccess::kNone;
  EXPECT_FALSE(
      CheckTokenAccess(limits, "web", TokenAccess::kRead, "to1", "ops").ok());
  limits.others = OthersAccess::kRead;
  EXPECT_TRUE(
      CheckTokenAccess(limits, "web", TokenAccess::kRead, "to1", "ops").ok());
  EXPECT_FALSE(
      CheckTokenAccess(limits, "web", TokenAccess::kDelete, "to1", "ops").ok());
  limits.others = OthersAccess::kDelete;
  EXPECT_TRUE(
      CheckTokenAccess(limits, "web", TokenAccess::kDelete, "to1", "ops").ok());
}

TEST(CheckTokenAccessTest, ARefusalNamesTheTokenAndItsCreator) {
  CallerLimits limits;
  limits.others = OthersAccess::kRead;
  const absl::Status status =
      CheckTokenAccess(limits, "web", TokenAccess::kDelete, "to1", "ops");
  ASSERT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(GetDetail<google::rpc::ErrorInfo>(status)->reason(),
            "NOT_TOKEN_CREATOR");
  const auto resource = GetDetail<google::rpc::ResourceInfo>(status);
  ASSERT_TRUE(resource.has_value());
  EXPECT_EQ(resource->resource_name(), "to1");
  EXPECT_EQ(resource->owner(), "ops");
}

TEST(CheckTokenAccessTest, ATokenOfNoKnownCreatorIsAnothersToken) {
  CallerLimits limits;
  limits.others = OthersAccess::kRead;
  EXPECT_FALSE(
      CheckTokenAccess(limits, "web", TokenAccess::kDelete, "to1", std::nullopt)
          .ok());
}

}  // namespace
}  // namespace gateway::governance
