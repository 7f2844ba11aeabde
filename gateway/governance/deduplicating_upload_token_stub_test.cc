#include "gateway/governance/deduplicating_upload_token_stub.h"

#include <memory>
#include <string>
#include <vector>

#include "gateway/apivideo/testing/mock_upload_token_stub.h"
#include "gateway/apivideo/testing/stub_answers.h"
#include "gateway/common/status_details.h"
#include "gateway/governance/testing/recording_audit_trail.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::gateway::apivideo::AnswerSource;
using ::gateway::apivideo::ApiResult;
using ::gateway::apivideo::CallOptions;
using ::gateway::apivideo::UploadToken;
using ::gateway::apivideo::UpstreamCallInfo;
using ::gateway::apivideo::testing::Answer;
using ::gateway::apivideo::testing::AnswerWith;
using ::gateway::apivideo::testing::HeldCall;
using ::gateway::apivideo::testing::MockUploadTokenStub;
using ::testing::_;

constexpr char kId[] = "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f";
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

UploadToken Token(const std::string& name, int ttl = 60) {
  UploadToken token;
  token.set_token(name);
  token.set_ttl(ttl);
  return token;
}

CallOptions WithRequestId(const std::string& request_id) {
  CallOptions options;
  options.caller = "web";
  options.request_id = request_id;
  options.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  return options;
}

class DeduplicatingUploadTokenStubTest : public ::testing::Test {
 protected:
  Answer<UploadToken> Create(const std::string& request_id, int ttl = 60) {
    Answer<UploadToken> answer;
    handles_.push_back(
        stub_.Create(ttl, WithRequestId(request_id), answer.Callback()));
    return answer;
  }
  // Holds the next upstream create open.
  void HoldNextCreate() {
    EXPECT_CALL(upstream_, Create(_, _, _))
        .WillOnce(held_.Action())
        .RetiresOnSaturation();
  }
  void Settle(absl::StatusOr<UploadToken> value, bool unanswered_send = false) {
    UpstreamCallInfo info;
    info.unanswered_send = unanswered_send;
    std::move(held_.done)(ApiResult<UploadToken>{std::move(value), info});
  }

  MockUploadTokenStub upstream_;
  RequestIdLedger ledger_;
  testing::RecordingAuditTrail audit_;
  DeduplicatingUploadTokenStub stub_{upstream_, ledger_, &audit_, nullptr,
                                     [] { return kNow; }};
  HeldCall<UploadToken> held_;
  std::vector<std::shared_ptr<Cancellable>> handles_;
};

TEST_F(DeduplicatingUploadTokenStubTest,
       ACreateWithoutARequestIdPassesThrough) {
  EXPECT_CALL(upstream_, Create(60, _, _))
      .Times(2)
      .WillRepeatedly(AnswerWith<UploadToken>(Token("toA")));
  EXPECT_TRUE(Create("").value().ok());
  EXPECT_TRUE(Create("").value().ok());
}

TEST_F(DeduplicatingUploadTokenStubTest, ARetryGetsTheFirstTokenWithoutACall) {
  EXPECT_CALL(upstream_, Create(60, _, _))
      .WillOnce(AnswerWith<UploadToken>(Token("toA")));
  ASSERT_TRUE(Create(kId).value().ok());
  const Answer<UploadToken> retry = Create(kId);
  ASSERT_TRUE(retry.value().ok());
  EXPECT_EQ(retry.value()->token(), "toA");
  EXPECT_EQ(retry.source(), AnswerSource::kHit);
}

TEST_F(DeduplicatingUploadTokenStubTest,
       AConcurrentDuplicateGetsTheFirstsToken) {
  HoldNextCreate();
  const Answer<UploadToken> first = Create(kId);
  const Answer<UploadToken> duplicate = Create(kId);
  EXPECT_FALSE(duplicate.answered());
  Settle(Token("toA"));
  ASSERT_TRUE(first.value().ok());
  ASSERT_TRUE(duplicate.value().ok());
  EXPECT_EQ(duplicate.value()->token(), "toA");
  EXPECT_EQ(duplicate.source(), AnswerSource::kCoalesced);
}

TEST_F(DeduplicatingUploadTokenStubTest,
       CancellingTheFirstLeavesTheCreateRunning) {
  HoldNextCreate();
  const Answer<UploadToken> first = Create(kId);
  handles_.back()->Cancel();
  EXPECT_EQ(first.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(held_.handle->cancels(), 0) << "the upstream create was stopped";

  Settle(Token("toA"));
  EXPECT_EQ(first.times(), 1);
  const Answer<UploadToken> retry = Create(kId);
  ASSERT_TRUE(retry.value().ok());
  EXPECT_EQ(retry.value()->token(), "toA");
}

TEST_F(DeduplicatingUploadTokenStubTest,
       ACreateFinishedAfterItsCallerLeftIsAudited) {
  HoldNextCreate();
  Create(kId);
  handles_.back()->Cancel();
  Settle(Token("toA", 60));
  ASSERT_EQ(audit_.events().size(), 1u);
  const AuditEvent event = audit_.events()[0];
  EXPECT_EQ(event.rpc(), "CreateUploadToken");
  EXPECT_EQ(event.caller(), "web");
  EXPECT_EQ(event.token(), "toA");
  EXPECT_EQ(event.request_id(), kId);
  EXPECT_EQ(event.outcome(), "OK");
  EXPECT_TRUE(event.after_caller_left());
  EXPECT_EQ(event.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_F(DeduplicatingUploadTokenStubTest,
       ACreateAnsweredToItsCallerIsNotAuditedHere) {
  HoldNextCreate();
  Create(kId);
  Settle(Token("toA"));
  EXPECT_TRUE(audit_.events().empty()) << "the gRPC edge audits it";
}

TEST_F(DeduplicatingUploadTokenStubTest, ACancelledDuplicateStopsWaitingOnly) {
  HoldNextCreate();
  const Answer<UploadToken> first = Create(kId);
  const Answer<UploadToken> duplicate = Create(kId);
  handles_.back()->Cancel();
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kCancelled);
  Settle(Token("toA"));
  EXPECT_TRUE(first.value().ok());
  EXPECT_EQ(duplicate.times(), 1);
}

TEST_F(DeduplicatingUploadTokenStubTest, AnUnansweredSendMakesRetriesAborted) {
  HoldNextCreate();
  const Answer<UploadToken> first = Create(kId);
  Settle(absl::UnavailableError("connection reset"), /*unanswered_send=*/true);
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable);
  const Answer<UploadToken> retry = Create(kId);
  EXPECT_EQ(retry.code(), absl::StatusCode::kAborted);
  const auto info = GetDetail<google::rpc::ErrorInfo>(retry.value().status());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "CREATE_OUTCOME_UNKNOWN");
}

TEST_F(DeduplicatingUploadTokenStubTest,
       AFailureThatCreatedNothingMayBeRetried) {
  HoldNextCreate();
  Create(kId);
  Settle(absl::ResourceExhaustedError("caller's rate"));
  EXPECT_CALL(upstream_, Create(60, _, _))
      .WillOnce(AnswerWith<UploadToken>(Token("toB")));
  const Answer<UploadToken> retry = Create(kId);
  ASSERT_TRUE(retry.value().ok());
  EXPECT_EQ(retry.value()->token(), "toB");
}

TEST_F(DeduplicatingUploadTokenStubTest, AnotherTtlIsInvalidArgument) {
  HoldNextCreate();
  Create(kId, 60);
  EXPECT_EQ(Create(kId, 120).code(), absl::StatusCode::kInvalidArgument);
  Settle(Token("toA"));
}

}  // namespace
}  // namespace gateway::governance
