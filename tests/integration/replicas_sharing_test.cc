// Three gateway processes in front of one api.video account (the emulator,
// with small rate-limit windows), sharing its windows, the callers' fair
// shares and the token cache through a real redis-server.

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/redis/testing/redis_server.h"
#include "gateway/service/testing/error_details.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/caller_tokens.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/flood_scenario.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_calls.h"

namespace {

namespace v1 = ::apivideo::uploadtokens::v1;
using ::gateway::redis::RedisServer;
using ::gateway::service::testing::FindDetail;
using ::testing_support::Authenticate;
using ::testing_support::EmulatorProcess;
using ::testing_support::FloodOutcome;
using ::testing_support::GatewayProcess;
using ::testing_support::HttpExchange;
using ::testing_support::PendingCall;
using ::testing_support::RunFloodBesideInteractiveCaller;
using ::testing_support::SetDeadline;
using ::testing_support::WriteCallerTokensFile;

constexpr char kApiKey[] = "replicas-sharing-test-key";
constexpr char kFloodToken[] = "caller-token-of-the-flood";
constexpr char kInteractiveToken[] = "caller-token-of-the-interactive-caller";
constexpr int kReplicas = 3;

// The x-cache metadata of a finished call; "(none)" when absent.
std::string CacheOf(const grpc::ClientContext& context) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find("x-cache");
  if (it == metadata.end()) return "(none)";
  return std::string(it->second.data(), it->second.size());
}

// Waits until `process` has written `text` at least `times` times.
bool WaitForTimes(testing_support::Subprocess& process, const std::string& text,
                  int times, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  do {
    const std::string output = process.Output();
    int seen = 0;
    for (size_t at = output.find(text); at != std::string::npos;
         at = output.find(text, at + 1)) {
      ++seen;
    }
    if (seen >= times) return true;
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < give_up);
  return false;
}

class ReplicasSharingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emulator = EmulatorProcess::Start(kApiKey, {"--latency=20ms"});
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = *std::move(emulator);
    auto redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    tokens_file_ = absl::StrCat(::testing::TempDir(),
                                "/replicas_caller_tokens_", getpid());
    WriteCallerTokensFile(tokens_file_, {{"flood", kFloodToken},
                                         {"interactive", kInteractiveToken}});
  }

  void TearDown() override { std::remove(tokens_file_.c_str()); }

  // Starts the replicas, all on the same Redis, with `flags` added.
  void StartReplicas(const std::vector<std::string>& flags) {
    for (int i = 0; i < kReplicas; ++i) {
      std::vector<std::string> all = {
          absl::StrCat("--caller_tokens_file=", tokens_file_),
          absl::StrCat("--redis_address=", redis_->address()),
          "--redis_timeout=200ms", "--metrics_listen=127.0.0.1:0"};
      all.insert(all.end(), flags.begin(), flags.end());
      auto gateway = GatewayProcess::Start(emulator_->base_url(), kApiKey, all);
      ASSERT_TRUE(gateway.ok()) << gateway.status();
      auto metrics = (*gateway)->process().WaitForLine(
          "metrics on (http://\\S+/metrics)", absl::Seconds(5));
      ASSERT_TRUE(metrics.ok()) << metrics.status();
      metrics_urls_.push_back(*metrics);
      // Connected to Redis before the test goes on.
      ASSERT_TRUE((*gateway)
                      ->process()
                      .WaitForLine("redis: connected", absl::Seconds(10))
                      .ok())
          << (*gateway)->process().Output();
      stubs_.push_back((*gateway)->NewStub());
      replicas_.push_back(*std::move(gateway));
    }
  }

  // The replica's gateway_redis_connected; -1 when the page lacks it.
  int RedisConnectedGauge(int replica) {
    auto page = HttpExchange("GET", metrics_urls_[replica]);
    if (!page.ok()) return -1;
    const std::string name = "\ngateway_redis_connected ";
    const size_t at = page->body.find(name);
    if (at == std::string::npos) return -1;
    return page->body[at + name.size()] - '0';
  }

  grpc::health::v1::HealthCheckResponse::ServingStatus Health(int replica) {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(5));
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status =
        grpc::health::v1::Health::NewStub(replicas_[replica]->NewChannel())
            ->Check(&context, grpc::health::v1::HealthCheckRequest(),
                    &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }

  std::string MustCreate(int replica) {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(20));
    Authenticate(context, kInteractiveToken);
    v1::CreateUploadTokenRequest request;
    v1::UploadToken token;
    const grpc::Status status =
        stubs_[replica]->CreateUploadToken(&context, request, &token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return token.token();
  }

  // Gets `token` from `replica`; `x_cache`, if given, receives the
  // answer's x-cache.
  grpc::Status Get(int replica, const std::string& token,
                   const char* caller_token, absl::Duration deadline,
                   std::string* x_cache = nullptr) {
    grpc::ClientContext context;
    SetDeadline(context, deadline);
    Authenticate(context, caller_token);
    v1::GetUploadTokenRequest request;
    request.set_token(token);
    v1::UploadToken response;
    const grpc::Status status =
        stubs_[replica]->GetUploadToken(&context, request, &response);
    if (x_cache != nullptr) *x_cache = CacheOf(context);
    return status;
  }

  grpc::Status Delete(int replica, const std::string& token) {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(20));
    Authenticate(context, kInteractiveToken);
    v1::DeleteUploadTokenRequest request;
    request.set_token(token);
    google::protobuf::Empty response;
    return stubs_[replica]->DeleteUploadToken(&context, request, &response);
  }

  std::unique_ptr<EmulatorProcess> emulator_;
  std::unique_ptr<RedisServer> redis_;
  std::vector<std::unique_ptr<GatewayProcess>> replicas_;
  std::vector<std::unique_ptr<v1::UploadTokenService::Stub>> stubs_;
  std::vector<std::string> metrics_urls_;
  std::string tokens_file_;
};

// The scenario on three replicas: one caller floods reads through
// all of them from nine threads, another reads once a second through one;
// api.video allows 40 reads per 5 s window.
TEST_F(ReplicasSharingTest,
       FloodOnThreeReplicasNeitherStarvesACallerNorDraws429) {
  StartReplicas({"--token_cache_max_age=0", "--negative_cache_max_age=0"});
  ASSERT_TRUE(emulator_->SetRateLimits(40, 10, 5).ok());
  std::vector<std::string> tokens;
  for (int i = 0; i < 5; ++i) tokens.push_back(MustCreate(i % kReplicas));

  const FloodOutcome outcome = RunFloodBesideInteractiveCaller(
      /*flood_threads=*/3 * kReplicas, /*interactive_calls=*/12,
      [&](int thread, int i) {
        return Get(thread % kReplicas, tokens[i % tokens.size()], kFloodToken,
                   absl::Seconds(6));
      },
      [&](int i) {
        return Get(i % kReplicas, tokens[i % tokens.size()], kInteractiveToken,
                   absl::Seconds(10));
      });

  EXPECT_EQ(outcome.interactive_ok, outcome.interactive_calls)
      << outcome.interactive_failures;
  EXPECT_EQ(*emulator_->RateLimited(), 0);
  EXPECT_GT(outcome.flood_ok, 40);
  RecordProperty("flood_ok", outcome.flood_ok);
}

TEST_F(ReplicasSharingTest, TokenCreatedOnOneReplicaIsACacheHitOnTheOthers) {
  StartReplicas({});
  const std::string token = MustCreate(0);
  for (int replica = 1; replica < kReplicas; ++replica) {
    std::string x_cache;
    EXPECT_TRUE(
        Get(replica, token, kInteractiveToken, absl::Seconds(5), &x_cache)
            .ok());
    EXPECT_EQ(x_cache, "hit") << "replica " << replica;
  }
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 0);
}

TEST_F(ReplicasSharingTest, DeleteOnOneReplicaIsSeenByAllBeforeItReturns) {
  StartReplicas({});
  const std::string token = MustCreate(0);
  // Every replica has read it (and would answer it from a cache).
  for (int replica = 0; replica < kReplicas; ++replica) {
    ASSERT_TRUE(Get(replica, token, kInteractiveToken, absl::Seconds(5)).ok());
  }
  ASSERT_TRUE(Delete(1, token).ok());
  for (int replica = 0; replica < kReplicas; ++replica) {
    EXPECT_EQ(
        Get(replica, token, kInteractiveToken, absl::Seconds(5)).error_code(),
        grpc::StatusCode::NOT_FOUND)
        << "replica " << replica;
  }
}

TEST_F(ReplicasSharingTest, SharedWindowUsedUpElsewhereRefusesAtOnce) {
  StartReplicas({"--token_cache_max_age=0", "--negative_cache_max_age=0"});
  ASSERT_TRUE(emulator_->SetRateLimits(2, 10, 60).ok());
  const std::string token = MustCreate(0);
  ASSERT_TRUE(Get(0, token, kInteractiveToken, absl::Seconds(5)).ok());
  ASSERT_TRUE(Get(1, token, kInteractiveToken, absl::Seconds(5)).ok());

  // The third replica has sent nothing, yet knows the window is spent.
  const absl::Time started = absl::Now();
  const grpc::Status status =
      Get(2, token, kInteractiveToken, absl::Seconds(5));
  EXPECT_LT(absl::Now() - started, absl::Seconds(2));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto retry = FindDetail<google::rpc::RetryInfo>(status);
  ASSERT_TRUE(retry.has_value());
  EXPECT_GT(retry->retry_delay().seconds(), 50);
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 2);
  EXPECT_EQ(*emulator_->RateLimited(), 0);
}

TEST_F(ReplicasSharingTest, WaiterCancelledOnOneReplicaTakesNothing) {
  StartReplicas({"--token_cache_max_age=0", "--negative_cache_max_age=0"});
  ASSERT_TRUE(emulator_->SetRateLimits(1, 10, 2).ok());
  const std::string token = MustCreate(0);
  ASSERT_TRUE(Get(0, token, kInteractiveToken, absl::Seconds(5)).ok());

  // Replica 1 waits for the next window on the shared state's word.
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(10));
  Authenticate(context, kInteractiveToken);
  v1::GetUploadTokenRequest request;
  request.set_token(token);
  v1::UploadToken response;
  PendingCall waiting;
  stubs_[1]->async()->GetUploadToken(&context, &request, &response,
                                     waiting.OnDone());
  absl::SleepFor(absl::Milliseconds(200));
  context.TryCancel();
  ASSERT_TRUE(waiting.Wait(absl::Seconds(5)));
  EXPECT_EQ(waiting.status().error_code(), grpc::StatusCode::CANCELLED);

  // The next window's unit goes to a call on replica 2, and the cancelled
  // one never reached api.video.
  EXPECT_TRUE(Get(2, token, kInteractiveToken, absl::Seconds(10)).ok());
  EXPECT_EQ(*emulator_->RequestCount("GET /upload-tokens/{token}"), 2);
  EXPECT_EQ(*emulator_->RateLimited(), 0);
}

TEST_F(ReplicasSharingTest,
       RedisKilledAndRestartedFailsNoCallAndSharingResumes) {
  StartReplicas({});
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> failed{0};
  std::string first_failure;
  std::vector<std::thread> callers;
  for (int replica = 0; replica < kReplicas; ++replica) {
    callers.emplace_back([&, replica] {
      while (!stop.load()) {
        const std::string token = MustCreate(replica);
        const grpc::Status status = Get((replica + 1) % kReplicas, token,
                                        kInteractiveToken, absl::Seconds(5));
        ++calls;
        if (!status.ok() && failed++ == 0) {
          first_failure = status.error_message();
        }
        absl::SleepFor(absl::Milliseconds(50));
      }
    });
  }
  absl::SleepFor(absl::Seconds(1));
  redis_->Stop();
  for (auto& replica : replicas_) {
    EXPECT_TRUE(WaitForTimes(replica->process(), "redis: lost connection", 1,
                             absl::Seconds(5)));
  }
  absl::SleepFor(absl::Seconds(2));
  for (int replica = 0; replica < kReplicas; ++replica) {
    EXPECT_EQ(RedisConnectedGauge(replica), 0) << "replica " << replica;
    EXPECT_EQ(Health(replica), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  ASSERT_TRUE(redis_->Restart().ok());
  for (auto& replica : replicas_) {
    // The second "connected" line: the reconnection.
    EXPECT_TRUE(WaitForTimes(replica->process(), "redis: connected", 2,
                             absl::Seconds(15)))
        << replica->process().Output();
  }
  absl::SleepFor(absl::Seconds(1));
  stop = true;
  for (std::thread& thread : callers) thread.join();
  for (int replica = 0; replica < kReplicas; ++replica) {
    EXPECT_EQ(RedisConnectedGauge(replica), 1) << "replica " << replica;
  }
  EXPECT_EQ(failed.load(), 0) << first_failure;
  EXPECT_GT(calls.load(), 20);

  // Sharing resumed: a token created on one replica is a hit on another.
  const std::string token = MustCreate(0);
  std::string x_cache;
  ASSERT_TRUE(
      Get(2, token, kInteractiveToken, absl::Seconds(5), &x_cache).ok());
  EXPECT_EQ(x_cache, "hit");
}

}  // namespace
