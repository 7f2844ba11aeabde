// CachingUploadTokenStub over a mock stub and a fake clock: what it answers
// from memory, what it sends upstream once for many callers, and what a
// write through it forgets.

#include "gateway/apivideo/caching_upload_token_stub.h"

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gateway/apivideo/testing/fake_shared_token_store.h"
#include "gateway/apivideo/testing/mock_upload_token_stub.h"
#include "gateway/apivideo/testing/stub_answers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

using ::gateway::apivideo::testing::Answer;
using ::gateway::apivideo::testing::AnswerWith;
using ::gateway::apivideo::testing::CountingCancellable;
using ::gateway::apivideo::testing::FakeSharedTokenStore;
using ::gateway::apivideo::testing::HeldCall;
using ::gateway::apivideo::testing::MockUploadTokenStub;
using ::testing::_;

constexpr absl::string_view kToken = "to1tcmSFHeYY5KzyhOqVKMKb";
constexpr absl::string_view kOther = "to2tcmSFHeYY5KzyhOqVKMKb";
const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

UploadToken TokenNamed(absl::string_view name, int ttl = 0) {
  UploadToken token;
  token.set_token(std::string(name));
  token.set_ttl(ttl);
  token.mutable_created_at()->set_seconds(absl::ToUnixSeconds(kStart));
  if (ttl > 0) {
    token.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(kStart) + ttl);
  }
  return token;
}

class RecordingObserver final : public AnswerObserver {
 public:
  void OnAnswer(absl::string_view caller, absl::string_view operation,
                AnswerSource source) override {
    seen.emplace_back(std::string(caller), std::string(operation), source);
  }
  std::vector<std::tuple<std::string, std::string, AnswerSource>> seen;
};

class CachingUploadTokenStubTest : public ::testing::Test {
 protected:
  // A stub with `options`, on the test's clock.
  void Make(ReadCacheOptions options = {}) {
    options.now = [this] { return now_; };
    stub_ = std::make_unique<CachingUploadTokenStub>(upstream_, options,
                                                     &observer_);
  }

  Answer<UploadToken> Get(absl::string_view token,
                          const CallOptions& options = {}) {
    Answer<UploadToken> answer;
    stub_->Get(token, options, answer.Callback());
    return answer;
  }
  Answer<UploadToken> Create(int ttl = 0) {
    Answer<UploadToken> answer;
    stub_->Create(ttl, {}, answer.Callback());
    return answer;
  }
  Answer<google::protobuf::Empty> Delete(absl::string_view token) {
    Answer<google::protobuf::Empty> answer;
    stub_->Delete(token, {}, answer.Callback());
    return answer;
  }
  Answer<TokenPage> List(const ListQuery& query = {}) {
    Answer<TokenPage> answer;
    stub_->List(query, {}, answer.Callback());
    return answer;
  }

  // Expects `times` upstream Gets of `token`, each answered with `value`.
  void ExpectGets(absl::string_view token, int times,
                  const absl::StatusOr<UploadToken>& value) {
    EXPECT_CALL(upstream_, Get(token, _, _))
        .Times(times)
        .WillRepeatedly(AnswerWith<UploadToken>(value));
  }

  absl::Time now_ = kStart;
  MockUploadTokenStub upstream_;
  RecordingObserver observer_;
  std::unique_ptr<CachingUploadTokenStub> stub_;
};

// ---- The token cache --------------------------------------------------------

TEST_F(CachingUploadTokenStubTest, GetAfterCreateIsAHitWithoutAnUpstreamRead) {
  Make();
  EXPECT_CALL(upstream_, Create(_, _, _))
      .WillOnce(AnswerWith<UploadToken>(TokenNamed(kToken)));
  EXPECT_CALL(upstream_, Get(_, _, _)).Times(0);
  ASSERT_TRUE(Create().value().ok());
  Answer<UploadToken> got = Get(kToken);
  ASSERT_TRUE(got.value().ok());
  EXPECT_EQ(got.value()->token(), kToken);
  EXPECT_EQ(got.source(), AnswerSource::kHit);
}

TEST_F(CachingUploadTokenStubTest, SecondGetIsAHit) {
  Make();
  ExpectGets(kToken, 1, TokenNamed(kToken));
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kMiss);
  Answer<UploadToken> again = Get(kToken);
  ASSERT_TRUE(again.value().ok());
  EXPECT_EQ(again.source(), AnswerSource::kHit);
}

TEST_F(CachingUploadTokenStubTest, GetAfterMaxAgeGoesUpstreamAgain) {
  ReadCacheOptions options;
  options.tokens.max_age = absl::Seconds(10);
  Make(options);
  ExpectGets(kToken, 2, TokenNamed(kToken));
  Get(kToken);
  now_ += absl::Seconds(9);
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kHit);
  now_ += absl::Seconds(1);
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kMiss);
}

TEST_F(CachingUploadTokenStubTest, TokenIsNotAnsweredPastItsExpiresAt) {
  Make();  // max age 10 s, the token lives 3 s
  ExpectGets(kToken, 2, TokenNamed(kToken, /*ttl=*/3));
  Get(kToken);
  now_ += absl::Seconds(2);
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kHit);
  now_ += absl::Seconds(1);
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kMiss);
}

TEST_F(CachingUploadTokenStubTest, LeastRecentlyUsedTokenIsEvictedWhenFull) {
  ReadCacheOptions options;
  options.tokens.max_entries = 2;
  Make(options);
  const std::string third = "to3tcmSFHeYY5KzyhOqVKMKb";
  ExpectGets(kToken, 2, TokenNamed(kToken));
  ExpectGets(kOther, 1, TokenNamed(kOther));
  ExpectGets(third, 1, TokenNamed(third));
  Get(kToken);
  Get(kOther);
  Get(third);  // evicts kToken, used least recently
  EXPECT_EQ(Get(kOther).source(), AnswerSource::kHit);
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kMiss);
}

TEST_F(CachingUploadTokenStubTest, DeleteThroughTheGatewayForgetsTheToken) {
  Make();
  EXPECT_CALL(upstream_, Get(kToken, _, _))
      .WillOnce(AnswerWith<UploadToken>(TokenNamed(kToken)))
      .WillOnce(AnswerWith<UploadToken>(absl::NotFoundError("gone")));
  EXPECT_CALL(upstream_, Delete(kToken, _, _))
      .WillOnce(AnswerWith<google::protobuf::Empty>(google::protobuf::Empty()));
  Get(kToken);
  Delete(kToken);
  Answer<UploadToken> after = Get(kToken);
  EXPECT_EQ(after.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(after.source(), AnswerSource::kMiss);
}

TEST_F(CachingUploadTokenStubTest, GetInFlightDuringADeleteIsNotCached) {
  Make();
  HeldCall<UploadToken> before_delete;
  EXPECT_CALL(upstream_, Get(kToken, _, _))
      .WillOnce(before_delete.Action())
      .WillOnce(AnswerWith<UploadToken>(absl::NotFoundError("gone")));
  EXPECT_CALL(upstream_, Delete(kToken, _, _))
      .WillOnce(AnswerWith<google::protobuf::Empty>(google::protobuf::Empty()));
  Answer<UploadToken> early = Get(kToken);
  Delete(kToken);
  // A read after the delete does not join the read from before it.
  Answer<UploadToken> late = Get(kToken);
  EXPECT_EQ(late.code(), absl::StatusCode::kNotFound);
  before_delete.Complete(TokenNamed(kToken));
  EXPECT_TRUE(early.value().ok());
  // The answer from before the delete was not kept.
  EXPECT_EQ(Get(kToken).code(), absl::StatusCode::kNotFound);
}

TEST_F(CachingUploadTokenStubTest, NotFoundIsRememberedForNegativeMaxAge) {
  ReadCacheOptions options;
  options.tokens.negative_max_age = absl::Seconds(1);
  Make(options);
  ExpectGets(kToken, 2, absl::NotFoundError("upload token was not found"));
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kMiss);
  now_ += absl::Milliseconds(999);
  Answer<UploadToken> remembered = Get(kToken);
  EXPECT_EQ(remembered.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(remembered.value().status().message(),
            "upload token was not found");
  EXPECT_EQ(remembered.source(), AnswerSource::kHit);
  now_ += absl::Milliseconds(1);
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kMiss);
}

TEST_F(CachingUploadTokenStubTest, OtherErrorsAreNeverCached) {
  Make();
  ExpectGets(kToken, 2, absl::UnavailableError("api.video answered 503"));
  EXPECT_EQ(Get(kToken).code(), absl::StatusCode::kUnavailable);
  Answer<UploadToken> again = Get(kToken);
  EXPECT_EQ(again.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(again.source(), AnswerSource::kMiss);
}

TEST_F(CachingUploadTokenStubTest, MaxAgeZeroTurnsTheTokenCacheOff) {
  ReadCacheOptions options;
  options.tokens.max_age = absl::ZeroDuration();
  options.tokens.negative_max_age = absl::ZeroDuration();
  Make(options);
  EXPECT_CALL(upstream_, Create(_, _, _))
      .WillOnce(AnswerWith<UploadToken>(TokenNamed(kToken)));
  ExpectGets(kToken, 2, TokenNamed(kToken));
  ExpectGets(kOther, 2, absl::NotFoundError("gone"));
  Create();
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kMiss);
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kMiss);
  Get(kOther);
  EXPECT_EQ(Get(kOther).source(), AnswerSource::kMiss);
}

// ---- Coalescing -------------------------------------------------------------

TEST_F(CachingUploadTokenStubTest, ConcurrentGetsShareOneUpstreamRead) {
  Make();
  HeldCall<UploadToken> upstream_get;
  EXPECT_CALL(upstream_, Get(kToken, _, _)).WillOnce(upstream_get.Action());
  CallOptions first;
  first.caller = "first";
  first.deadline = kStart + absl::Seconds(3);
  CallOptions second;
  second.caller = "second";
  second.deadline = kStart + absl::Seconds(30);
  Answer<UploadToken> a = Get(kToken, first);
  Answer<UploadToken> b = Get(kToken, second);
  Answer<UploadToken> c = Get(kToken, second);
  EXPECT_FALSE(a.answered());
  upstream_get.Complete(TokenNamed(kToken));
  // The shared read ran with the first caller's options.
  EXPECT_EQ(upstream_get.options.caller, "first");
  EXPECT_EQ(upstream_get.options.deadline, first.deadline);
  for (const Answer<UploadToken>* answer : {&a, &b, &c}) {
    EXPECT_EQ(answer->times(), 1);
    ASSERT_TRUE(answer->value().ok());
    EXPECT_EQ(answer->value()->token(), kToken);
  }
  EXPECT_EQ(a.source(), AnswerSource::kMiss);
  EXPECT_EQ(b.source(), AnswerSource::kCoalesced);
  EXPECT_EQ(c.source(), AnswerSource::kCoalesced);
}

TEST_F(CachingUploadTokenStubTest, CoalescedGetsAllGetTheSharedError) {
  Make();
  HeldCall<UploadToken> upstream_get;
  EXPECT_CALL(upstream_, Get(kToken, _, _)).WillOnce(upstream_get.Action());
  Answer<UploadToken> a = Get(kToken);
  Answer<UploadToken> b = Get(kToken);
  upstream_get.Complete(absl::UnavailableError("api.video answered 503"));
  EXPECT_EQ(a.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(b.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(b.source(), AnswerSource::kCoalesced);
}

TEST_F(CachingUploadTokenStubTest, OneWaiterCancellingLeavesTheOthersWaiting) {
  Make();
  HeldCall<UploadToken> upstream_get;
  EXPECT_CALL(upstream_, Get(kToken, _, _)).WillOnce(upstream_get.Action());
  Answer<UploadToken> a;
  std::shared_ptr<Cancellable> first = stub_->Get(kToken, {}, a.Callback());
  Answer<UploadToken> b = Get(kToken);
  first->Cancel();
  // The one who left hears CANCELLED at once; the request goes on.
  EXPECT_EQ(a.code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(b.answered());
  EXPECT_EQ(upstream_get.handle->cancels(), 0);
  upstream_get.Complete(TokenNamed(kToken));
  EXPECT_EQ(a.times(), 1);
  ASSERT_TRUE(b.value().ok());
}

TEST_F(CachingUploadTokenStubTest,
       EveryWaiterCancellingCancelsTheUpstreamRead) {
  Make();
  HeldCall<UploadToken> upstream_get;
  HeldCall<UploadToken> next_get;
  EXPECT_CALL(upstream_, Get(kToken, _, _))
      .WillOnce(upstream_get.Action())
      .WillOnce(next_get.Action());
  Answer<UploadToken> a;
  Answer<UploadToken> b;
  std::shared_ptr<Cancellable> first = stub_->Get(kToken, {}, a.Callback());
  std::shared_ptr<Cancellable> second = stub_->Get(kToken, {}, b.Callback());
  first->Cancel();
  second->Cancel();
  EXPECT_EQ(upstream_get.handle->cancels(), 1);
  EXPECT_EQ(b.code(), absl::StatusCode::kCancelled);
  // A read after that does not join the cancelled one.
  Answer<UploadToken> c = Get(kToken);
  upstream_get.Complete(absl::CancelledError("the call was cancelled"));
  EXPECT_FALSE(c.answered());
  next_get.Complete(TokenNamed(kToken));
  EXPECT_TRUE(c.value().ok());
  EXPECT_EQ(a.times(), 1);
  EXPECT_EQ(b.times(), 1);
}

TEST_F(CachingUploadTokenStubTest, ConcurrentIdenticalListsShareOneRequest) {
  Make();
  HeldCall<TokenPage> upstream_list;
  EXPECT_CALL(upstream_, List(_, _, _)).WillOnce(upstream_list.Action());
  ListQuery other_page;
  other_page.current_page = 2;
  EXPECT_CALL(upstream_,
              List(::testing::Field(&ListQuery::current_page, 2), _, _))
      .WillOnce(AnswerWith<TokenPage>(TokenPage()));
  Answer<TokenPage> a = List();
  Answer<TokenPage> b = List();
  Answer<TokenPage> page_two = List(other_page);
  EXPECT_EQ(page_two.source(), AnswerSource::kMiss);
  TokenPage page;
  page.total_tokens = 7;
  upstream_list.Complete(page);
  EXPECT_EQ(a.value()->total_tokens, 7);
  EXPECT_EQ(b.value()->total_tokens, 7);
  EXPECT_EQ(b.source(), AnswerSource::kCoalesced);
}

TEST_F(CachingUploadTokenStubTest,
       ConcurrentGetsEachGoUpstreamWhenCoalescingIsOff) {
  ReadCacheOptions options;
  options.coalesce = false;
  Make(options);
  HeldCall<UploadToken> first_get;
  HeldCall<UploadToken> second_get;
  EXPECT_CALL(upstream_, Get(kToken, _, _))
      .WillOnce(first_get.Action())
      .WillOnce(second_get.Action());
  CallOptions second;
  second.caller = "second";
  Answer<UploadToken> a = Get(kToken);
  Answer<UploadToken> b = Get(kToken, second);
  // Each read went upstream with its own options.
  EXPECT_EQ(second_get.options.caller, "second");
  second_get.Complete(absl::UnavailableError("reset"));
  EXPECT_FALSE(a.answered());
  EXPECT_EQ(b.code(), absl::StatusCode::kUnavailable);
  first_get.Complete(TokenNamed(kToken));
  ASSERT_TRUE(a.value().ok());
  EXPECT_EQ(a.source(), AnswerSource::kMiss);
}

TEST_F(CachingUploadTokenStubTest,
       ConcurrentIdenticalListsEachGoUpstreamWhenCoalescingIsOff) {
  ReadCacheOptions options;
  options.coalesce = false;
  Make(options);
  HeldCall<TokenPage> first_list;
  HeldCall<TokenPage> second_list;
  EXPECT_CALL(upstream_, List(_, _, _))
      .WillOnce(first_list.Action())
      .WillOnce(second_list.Action());
  Answer<TokenPage> a = List();
  Answer<TokenPage> b = List();
  TokenPage page;
  page.total_tokens = 3;
  second_list.Complete(page);
  EXPECT_FALSE(a.answered());
  EXPECT_EQ(b.value()->total_tokens, 3);
  EXPECT_EQ(b.source(), AnswerSource::kMiss);
  first_list.Complete(TokenPage());
  EXPECT_EQ(a.value()->total_tokens, 0);
}

// ---- The list cache ---------------------------------------------------------

TEST_F(CachingUploadTokenStubTest, ListsAreNotCachedByDefault) {
  Make();
  EXPECT_CALL(upstream_, List(_, _, _))
      .Times(2)
      .WillRepeatedly(AnswerWith<TokenPage>(TokenPage()));
  List();
  EXPECT_EQ(List().source(), AnswerSource::kMiss);
}

TEST_F(CachingUploadTokenStubTest, ListCacheAnswersRepeatedListsWhenOn) {
  ReadCacheOptions options;
  options.list_max_age = absl::Seconds(5);
  Make(options);
  EXPECT_CALL(upstream_, List(_, _, _))
      .Times(2)
      .WillRepeatedly(AnswerWith<TokenPage>(TokenPage()));
  List();
  EXPECT_EQ(List().source(), AnswerSource::kHit);
  now_ += absl::Seconds(5);
  EXPECT_EQ(List().source(), AnswerSource::kMiss);
}

TEST_F(CachingUploadTokenStubTest, CreateDropsCachedLists) {
  ReadCacheOptions options;
  options.list_max_age = absl::Seconds(60);
  Make(options);
  EXPECT_CALL(upstream_, List(_, _, _))
      .Times(2)
      .WillRepeatedly(AnswerWith<TokenPage>(TokenPage()));
  EXPECT_CALL(upstream_, Create(_, _, _))
      .WillOnce(AnswerWith<UploadToken>(TokenNamed(kToken)));
  List();
  Create();
  EXPECT_EQ(List().source(), AnswerSource::kMiss);
}

TEST_F(CachingUploadTokenStubTest, DeleteDropsCachedLists) {
  ReadCacheOptions options;
  options.list_max_age = absl::Seconds(60);
  Make(options);
  EXPECT_CALL(upstream_, List(_, _, _))
      .Times(2)
      .WillRepeatedly(AnswerWith<TokenPage>(TokenPage()));
  EXPECT_CALL(upstream_, Delete(kToken, _, _))
      .WillOnce(AnswerWith<google::protobuf::Empty>(
          absl::NotFoundError("already gone")));
  List();
  Delete(kToken);
  EXPECT_EQ(List().source(), AnswerSource::kMiss);
}

// ---- What the observer hears ------------------------------------------------

TEST_F(CachingUploadTokenStubTest, ObserverHearsEachAnswerWithItsCaller) {
  Make();
  ExpectGets(kToken, 1, TokenNamed(kToken));
  CallOptions alice;
  alice.caller = "alice";
  Get(kToken, alice);
  Get(kToken);
  using Seen = std::tuple<std::string, std::string, AnswerSource>;
  EXPECT_THAT(observer_.seen,
              ::testing::ElementsAre(Seen{"alice", "get", AnswerSource::kMiss},
                                     Seen{"", "get", AnswerSource::kHit}));
}

// ---- The shared store (replicas sharing one Redis)
// ---------------------------

class SharedCachingUploadTokenStubTest : public CachingUploadTokenStubTest {
 protected:
  // Replica A (the fixture's stub_ over upstream_) and replica B (over
  // upstream_b_), both over store_.
  void MakeReplicas(ReadCacheOptions options = {}) {
    options.now = [this] { return now_; };
    stub_ = std::make_unique<CachingUploadTokenStub>(upstream_, options,
                                                     &observer_, &store_);
    replica_b_ = std::make_unique<CachingUploadTokenStub>(upstream_b_, options,
                                                          nullptr, &store_);
  }

  Answer<UploadToken> GetOnB(absl::string_view token) {
    Answer<UploadToken> answer;
    replica_b_->Get(token, {}, answer.Callback());
    return answer;
  }

  FakeSharedTokenStore store_;
  MockUploadTokenStub upstream_b_;
  std::unique_ptr<CachingUploadTokenStub> replica_b_;
};

TEST_F(SharedCachingUploadTokenStubTest, SharedHitAnswersWithoutUpstream) {
  MakeReplicas();
  store_.AddAnswer(kToken, TokenNamed(kToken));
  EXPECT_CALL(upstream_, Get(_, _, _)).Times(0);
  Answer<UploadToken> got = Get(kToken);
  ASSERT_TRUE(got.value().ok());
  EXPECT_EQ(got.value()->token(), kToken);
  EXPECT_EQ(got.source(), AnswerSource::kHit);
}

TEST_F(SharedCachingUploadTokenStubTest,
       SharedNotFoundIsAnsweredWithTheRememberedStatus) {
  MakeReplicas();
  store_.AddAnswer(kToken, absl::NotFoundError("upload token was not found"));
  EXPECT_CALL(upstream_, Get(_, _, _)).Times(0);
  Answer<UploadToken> got = Get(kToken);
  EXPECT_EQ(got.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(got.value().status().message(), "upload token was not found");
  EXPECT_EQ(got.source(), AnswerSource::kHit);
}

TEST_F(SharedCachingUploadTokenStubTest, SharedMissGoesUpstreamAndStoresIt) {
  MakeReplicas();
  ExpectGets(kToken, 1, TokenNamed(kToken));
  Answer<UploadToken> got = Get(kToken);
  ASSERT_TRUE(got.value().ok());
  EXPECT_EQ(got.source(), AnswerSource::kMiss);
  std::optional<absl::StatusOr<UploadToken>> stored = store_.Stored(kToken);
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->ok());
  EXPECT_EQ((*stored)->token(), kToken);
}

TEST_F(SharedCachingUploadTokenStubTest,
       CreateOnOneReplicaIsAHitOnAnotherWithoutUpstreamRead) {
  MakeReplicas();
  EXPECT_CALL(upstream_, Create(_, _, _))
      .WillOnce(AnswerWith<UploadToken>(TokenNamed(kToken)));
  EXPECT_CALL(upstream_b_, Get(_, _, _)).Times(0);
  ASSERT_TRUE(Create().value().ok());
  Answer<UploadToken> got = GetOnB(kToken);
  ASSERT_TRUE(got.value().ok());
  EXPECT_EQ(got.value()->token(), kToken);
  EXPECT_EQ(got.source(), AnswerSource::kHit);
}

TEST_F(SharedCachingUploadTokenStubTest,
       DeleteOnOneReplicaMakesAnotherAskUpstream) {
  MakeReplicas();
  EXPECT_CALL(upstream_b_, Get(kToken, _, _))
      .WillOnce(AnswerWith<UploadToken>(TokenNamed(kToken)))
      .WillOnce(AnswerWith<UploadToken>(absl::NotFoundError("gone")));
  EXPECT_CALL(upstream_, Delete(kToken, _, _))
      .WillOnce(AnswerWith<google::protobuf::Empty>(google::protobuf::Empty()));
  ASSERT_TRUE(GetOnB(kToken).value().ok());  // B caches it (shared, local)
  ASSERT_TRUE(Delete(kToken).value().ok());
  Answer<UploadToken> after = GetOnB(kToken);
  EXPECT_EQ(after.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(after.source(), AnswerSource::kMiss);
}

TEST_F(SharedCachingUploadTokenStubTest,
       GetInFlightDuringADeleteElsewhereIsNotStored) {
  MakeReplicas();
  HeldCall<UploadToken> before_delete;
  EXPECT_CALL(upstream_b_, Get(kToken, _, _)).WillOnce(before_delete.Action());
  EXPECT_CALL(upstream_, Delete(kToken, _, _))
      .WillOnce(AnswerWith<google::protobuf::Empty>(google::protobuf::Empty()));
  Answer<UploadToken> early = GetOnB(kToken);
  ASSERT_TRUE(Delete(kToken).value().ok());
  before_delete.Complete(TokenNamed(kToken));
  EXPECT_TRUE(early.value().ok());
  EXPECT_FALSE(store_.Stored(kToken).has_value());
}

TEST_F(SharedCachingUploadTokenStubTest,
       UnavailableStoreLeavesTheLocalCacheInCharge) {
  MakeReplicas();
  store_.set_available(false);
  ExpectGets(kToken, 1, TokenNamed(kToken));
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kMiss);
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kHit);
  EXPECT_EQ(store_.finds(), 0);
  EXPECT_FALSE(store_.Stored(kToken).has_value());
}

TEST_F(SharedCachingUploadTokenStubTest, FindErrorFallsBackToUpstreamAnswer) {
  MakeReplicas();
  store_.set_error(absl::UnavailableError("redis: not connected"));
  ExpectGets(kToken, 1, TokenNamed(kToken));
  Answer<UploadToken> got = Get(kToken);
  ASSERT_TRUE(got.value().ok());
  EXPECT_EQ(got.value()->token(), kToken);
  EXPECT_EQ(got.source(), AnswerSource::kMiss);
}

TEST_F(SharedCachingUploadTokenStubTest, FindErrorFallsBackToTheLocalCache) {
  MakeReplicas();
  ExpectGets(kToken, 1, TokenNamed(kToken));
  Get(kToken);  // kept locally too
  store_.set_error(absl::DeadlineExceededError("redis: too slow"));
  EXPECT_EQ(Get(kToken).source(), AnswerSource::kHit);
}

TEST_F(SharedCachingUploadTokenStubTest,
       DeleteAnswersOnlyAfterForgetCompleted) {
  MakeReplicas();
  EXPECT_CALL(upstream_, Delete(kToken, _, _))
      .WillOnce(AnswerWith<google::protobuf::Empty>(google::protobuf::Empty()));
  store_.set_hold(true);
  Answer<google::protobuf::Empty> deleted = Delete(kToken);
  EXPECT_FALSE(deleted.answered());
  EXPECT_EQ(store_.ReleaseHeld(), 1u);
  EXPECT_EQ(deleted.times(), 1);
  EXPECT_TRUE(deleted.value().ok());
  EXPECT_TRUE(store_.Tombstoned(kToken));
}

TEST_F(SharedCachingUploadTokenStubTest, ForgetErrorStillAnswersTheDeleteOk) {
  MakeReplicas();
  EXPECT_CALL(upstream_, Delete(kToken, _, _))
      .WillOnce(AnswerWith<google::protobuf::Empty>(google::protobuf::Empty()));
  store_.set_error(absl::UnavailableError("redis: connection lost"));
  EXPECT_TRUE(Delete(kToken).value().ok());
}

TEST_F(SharedCachingUploadTokenStubTest,
       CreateAnswersOnlyAfterTheTokenIsShared) {
  MakeReplicas();
  EXPECT_CALL(upstream_, Create(_, _, _))
      .WillOnce(AnswerWith<UploadToken>(TokenNamed(kToken)));
  store_.set_hold(true);
  Answer<UploadToken> created = Create();
  EXPECT_FALSE(created.answered());
  store_.ReleaseHeld();
  ASSERT_TRUE(created.value().ok());
  EXPECT_EQ(created.value()->token(), kToken);
}

TEST_F(SharedCachingUploadTokenStubTest, CreateStoreErrorStillAnswersTheToken) {
  MakeReplicas();
  EXPECT_CALL(upstream_, Create(_, _, _))
      .WillOnce(AnswerWith<UploadToken>(TokenNamed(kToken)));
  store_.set_error(absl::UnavailableError("redis: connection lost"));
  Answer<UploadToken> created = Create();
  ASSERT_TRUE(created.value().ok());
  EXPECT_EQ(created.value()->token(), kToken);
}

TEST_F(SharedCachingUploadTokenStubTest,
       CancelWhileFindIsPendingAnswersCancelledOnce) {
  MakeReplicas();
  EXPECT_CALL(upstream_, Get(_, _, _)).Times(0);
  store_.set_hold(true);
  Answer<UploadToken> got;
  std::shared_ptr<Cancellable> handle = stub_->Get(kToken, {}, got.Callback());
  handle->Cancel();
  EXPECT_EQ(got.code(), absl::StatusCode::kCancelled);
  store_.ReleaseHeld();  // the store's miss comes too late: dropped
  EXPECT_EQ(got.times(), 1);
}

TEST_F(SharedCachingUploadTokenStubTest,
       CancelAfterASharedMissCancelsTheUpstreamRead) {
  MakeReplicas();
  HeldCall<UploadToken> upstream_get;
  EXPECT_CALL(upstream_, Get(kToken, _, _)).WillOnce(upstream_get.Action());
  Answer<UploadToken> got;
  std::shared_ptr<Cancellable> handle = stub_->Get(kToken, {}, got.Callback());
  handle->Cancel();
  EXPECT_EQ(got.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(upstream_get.handle->cancels(), 1);
  EXPECT_EQ(got.times(), 1);
}

}  // namespace
}  // namespace gateway::apivideo
