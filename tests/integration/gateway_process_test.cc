// The gateway as a process: start-up checks, upstream credentials and
// reachability, reflection, and shutdown on SIGTERM. Each test starts its own
// processes.

#include "tests/testing/gateway_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gateway/service/testing/error_details.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/grpc_calls.h"
#include "tests/testing/refusing_port.h"
#include "tests/testing/subprocess.h"

namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensResponse;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::gateway::service::testing::FindDetail;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing_support::BinaryDir;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::PendingCall;
using ::testing_support::RefusingPort;
using ::testing_support::SetDeadline;
using ::testing_support::Subprocess;
using ::testing_support::TeachTheRateLimitWindows;

constexpr char kApiKey[] = "process-test-key-2b7d91";

TEST(GatewayProcessTest, RejectedApiKeyIsInternalAndNeverShown) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  const std::string wrong_key = "wrong-key-that-must-not-leak-5521";
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), wrong_key);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  grpc::ClientContext context;
  SetDeadline(context);
  UploadToken token;
  grpc::Status status =
      stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), HasSubstr("credentials"));
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "AUTHENTICATION_INVALID_API_KEY");
  EXPECT_THAT(status.error_message(), Not(HasSubstr(wrong_key)));
  EXPECT_THAT(status.error_details(), Not(HasSubstr(wrong_key)));
  EXPECT_THAT((*gateway)->process().Output(), Not(HasSubstr(wrong_key)));
}

TEST(GatewayProcessTest, UnreachableUpstreamIsUnavailable) {
  auto refusing = RefusingPort::Open();
  ASSERT_TRUE(refusing.ok()) << refusing.status();
  auto gateway = GatewayProcess::Start((*refusing)->url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  grpc::ClientContext context;
  SetDeadline(context);
  GetUploadTokenRequest request;
  request.set_token("toAnything");
  UploadToken token;
  grpc::Status status = stub->GetUploadToken(&context, request, &token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  auto info = FindDetail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "UPSTREAM_UNREACHABLE");
  EXPECT_EQ(info->domain(), "upload-token-gateway");
}

TEST(GatewayProcessTest, RefusesPlainHttpToRemoteHost) {
  auto process = Subprocess::Start(
      {absl::StrCat(BinaryDir(), "/upload_token_gateway"),
       "--listen=127.0.0.1:0", "--api_base_url=http://ws.api.video"},
      {{"APIVIDEO_API_KEY", kApiKey}});
  ASSERT_TRUE(process.ok()) << process.status();
  auto exit_status = (*process)->Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_TRUE(WIFEXITED(*exit_status));
  EXPECT_NE(WEXITSTATUS(*exit_status), 0);
  EXPECT_THAT((*process)->Output(), HasSubstr("refusing plain http"));
}

// What `upload_token_gateway --version` prints, or an error if it does not
// exit with 0 within 10 s.
absl::StatusOr<std::string> VersionOutput() {
  auto process = Subprocess::Start(
      {absl::StrCat(BinaryDir(), "/upload_token_gateway"), "--version"});
  if (!process.ok()) return process.status();
  auto exit_status = (*process)->Wait(absl::Seconds(10));
  if (!exit_status.ok()) return exit_status.status();
  if (!WIFEXITED(*exit_status) || WEXITSTATUS(*exit_status) != 0) {
    return absl::InternalError(absl::StrCat("--version exited with status ",
                                            *exit_status, ": ",
                                            (*process)->Output()));
  }
  return (*process)->Output();
}

TEST(GatewayProcessTest, VersionPrintsTheBuildAndTheLibrariesAndExits) {
  const absl::StatusOr<std::string> output = VersionOutput();
  ASSERT_TRUE(output.ok()) << output.status();
  ASSERT_FALSE(testing_support::SourceVersion().empty());
  EXPECT_THAT(*output, HasSubstr(absl::StrCat("upload_token_gateway ",
                                              testing_support::SourceVersion(),
                                              " (commit ")));
  EXPECT_THAT(*output, HasSubstr("\ngRPC "));
  EXPECT_THAT(*output, HasSubstr("\nlibcurl "));
}

TEST(GatewayProcessTest, RunsOnJemallocWithItsOptionsUnlessSanitized) {
  const absl::StatusOr<std::string> output = VersionOutput();
  ASSERT_TRUE(output.ok()) << output.status();
  // GATEWAY_EXPECT_JEMALLOC: 1 where the build links it (tests/CMakeLists.txt).
#if GATEWAY_EXPECT_JEMALLOC
  EXPECT_THAT(*output, ContainsRegex("\nmalloc: jemalloc 5\\.[0-9.]+-.* "
                                     "\\(dirty_decay_ms 1000\\)\n"));
#else
  EXPECT_THAT(*output, HasSubstr("\nmalloc: the C library's\n"));
#endif
}

TEST(GatewayProcessTest, MissingApiKeyStopsStartup) {
  auto process =
      Subprocess::Start({absl::StrCat(BinaryDir(), "/upload_token_gateway"),
                         "--listen=127.0.0.1:0"},
                        {{"APIVIDEO_API_KEY", ""}});
  ASSERT_TRUE(process.ok()) << process.status();
  auto exit_status = (*process)->Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_NE(WEXITSTATUS(*exit_status), 0);
  EXPECT_THAT((*process)->Output(), HasSubstr("APIVIDEO_API_KEY"));
}

TEST(GatewayProcessTest, ReflectionListsTheServices) {
  auto refusing = RefusingPort::Open();
  ASSERT_TRUE(refusing.ok()) << refusing.status();
  auto gateway = GatewayProcess::Start((*refusing)->url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(
      (*gateway)->NewChannel());
  grpc::ClientContext context;
  SetDeadline(context);
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::set<std::string> services;
  for (const auto& service : response.list_services_response().service()) {
    services.insert(service.name());
  }
  EXPECT_THAT(services, ::testing::IsSupersetOf(
                            {"apivideo.uploadtokens.v1.UploadTokenService",
                             "grpc.health.v1.Health"}));
  // The service's file descriptor is served too, so grpcurl can describe it.
  request.set_file_containing_symbol(
      "apivideo.uploadtokens.v1.UploadTokenService");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_GE(response.file_descriptor_response().file_descriptor_proto_size(),
            1);
  stream->WritesDone();
}

TEST(GatewayProcessTest, CallsBeyondTheInFlightLimitAreRefusedAtOnce) {
  // A window that cannot reset during the test: the second slow read must
  // not wait for the first to teach a new one.
  auto emulator = EmulatorProcess::Start(kApiKey, {"--rate_limit_window=1h"});
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey,
                                       {"--max_calls_in_flight=2"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  ASSERT_TRUE(TeachTheRateLimitWindows(*stub));
  // The two slow reads are held by the emulator until the test lets them
  // go: no latency window for a loaded machine to outlast.
  absl::StatusOr<std::string> hold = (*emulator)->AddFaultWithId(
      R"({"method":"GET","path":"/upload-tokens/","match":"prefix",)"
      R"("hold":true,"times":2})");
  ASSERT_TRUE(hold.ok()) << hold.status();

  // Two slow calls take both places. Of two tokens: two reads of one token
  // would share one upstream request.
  GetUploadTokenRequest requests[2];
  requests[0].set_token("toSlowOne");
  requests[1].set_token("toSlowTwo");
  const GetUploadTokenRequest& request = requests[0];
  grpc::ClientContext contexts[2];
  UploadToken responses[2];
  PendingCall slow[2];
  for (int i = 0; i < 2; ++i) {
    SetDeadline(contexts[i], absl::Seconds(60));
    stub->async()->GetUploadToken(&contexts[i], &requests[i], &responses[i],
                                  slow[i].OnDone());
  }
  // The teaching read and both held reads have reached the emulator.
  ASSERT_TRUE(
      (*emulator)->WaitForRequests("GET /upload-tokens/{token}", 3).ok());

  grpc::ClientContext refused_context;
  SetDeadline(refused_context, absl::Seconds(30));
  UploadToken refused_response;
  const absl::Time asked = absl::Now();
  grpc::Status refused =
      stub->GetUploadToken(&refused_context, request, &refused_response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // "At once": a gateway that queued the call would answer only when the
  // held reads are let go (never, here) or at the 30 s deadline. Generous
  // for a loaded machine.
  EXPECT_LT(absl::Now() - asked, absl::Seconds(5));
  auto info = FindDetail<google::rpc::ErrorInfo>(refused);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "GATEWAY_OVERLOADED");
  EXPECT_FALSE(slow[0].Wait(absl::ZeroDuration()));

  // Once they are done, their places are free again.
  ASSERT_TRUE((*emulator)->RemoveFault(*hold).ok());
  for (PendingCall& call : slow) ASSERT_TRUE(call.Wait(absl::Seconds(30)));
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    SetDeadline(context);
    UploadToken response;
    EXPECT_EQ(stub->GetUploadToken(&context, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
}

// Reads health updates from `watch` until one says `status`.
bool WatchUntil(
    grpc::ClientReaderInterface<grpc::health::v1::HealthCheckResponse>& watch,
    grpc::health::v1::HealthCheckResponse::ServingStatus status) {
  grpc::health::v1::HealthCheckResponse response;
  while (watch.Read(&response)) {
    if (response.status() == status) return true;
  }
  return false;
}

TEST(GatewayProcessTest, HealthFollowsWhetherApiVideoAcceptsTheKey) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey,
                                       {"--health_probe_interval=100ms"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto channel = (*gateway)->NewChannel();
  grpc::ClientContext watch_context;
  SetDeadline(watch_context, absl::Seconds(30));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("apivideo.uploadtokens.v1.UploadTokenService");
  auto watch = grpc::health::v1::Health::NewStub(channel)->Watch(&watch_context,
                                                                 request);
  ASSERT_TRUE(
      WatchUntil(*watch, grpc::health::v1::HealthCheckResponse::SERVING));

  // api.video stops accepting the key: the next answer tells the gateway.
  ASSERT_TRUE(
      (*emulator)->SetApiKeys({"a-key-the-gateway-does-not-have"}).ok());
  auto stub = apivideo::uploadtokens::v1::UploadTokenService::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(context);
  UploadToken token;
  EXPECT_EQ(
      stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &token)
          .error_code(),
      grpc::StatusCode::INTERNAL);
  EXPECT_TRUE(
      WatchUntil(*watch, grpc::health::v1::HealthCheckResponse::NOT_SERVING));

  // And accepts it again: the gateway's probe notices on its own.
  ASSERT_TRUE((*emulator)->SetApiKeys({kApiKey}).ok());
  EXPECT_TRUE(
      WatchUntil(*watch, grpc::health::v1::HealthCheckResponse::SERVING));
  watch_context.TryCancel();
}

// api.video refusing one request (a 403 whose problem is not the gateway's
// credentials) concerns that caller only: readiness stays as it was.
TEST(GatewayProcessTest, ARefusalOfOneRequestLeavesHealthServing) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  ASSERT_TRUE(
      (*emulator)
          ->AddFault(
              R"({"path":"/upload-tokens/","match":"prefix","status":403,)"
              R"("body":"{\"type\":\"https://docs.api.video/reference/forbidden-resource\",)"
              R"(\"title\":\"Not yours.\",\"status\":403}"})")
          .ok());
  auto channel = (*gateway)->NewChannel();
  auto stub = apivideo::uploadtokens::v1::UploadTokenService::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(context);
  GetUploadTokenRequest get;
  get.set_token("to1ZbqPtSnuT2ukBkhLHP9Zz");
  UploadToken token;
  ASSERT_FALSE(stub->GetUploadToken(&context, get, &token).ok());

  grpc::ClientContext health_context;
  SetDeadline(health_context);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("apivideo.uploadtokens.v1.UploadTokenService");
  grpc::health::v1::HealthCheckResponse health;
  ASSERT_TRUE(grpc::health::v1::Health::NewStub(channel)
                  ->Check(&health_context, request, &health)
                  .ok());
  EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST(GatewayProcessTest, MaxConnectionAgeEndsOldConnections) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey,
                                       {"--max_connection_age=300ms"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto channel = (*gateway)->NewChannel();
  auto stub = apivideo::uploadtokens::v1::UploadTokenService::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(context);
  UploadToken token;
  ASSERT_TRUE(
      stub->CreateUploadToken(&context, CreateUploadTokenRequest(), &token)
          .ok());
  ASSERT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);
  // The server's GOAWAY takes the connection away; the channel goes idle
  // and would reconnect (re-resolving) on the next call.
  EXPECT_TRUE(channel->WaitForStateChange(
      GRPC_CHANNEL_READY,
      std::chrono::system_clock::now() + std::chrono::seconds(10)));
  EXPECT_NE(channel->GetState(false), GRPC_CHANNEL_READY);
}

// A listing started on one replica continues on another that runs with a
// newer API key, when both sign page tokens with the same secret; without
// it, the second replica cannot vouch for the first one's tokens.
TEST(GatewayProcessTest, SharedPageTokenSecretCarriesListingsAcrossKeys) {
  constexpr char kNewKey[] = "process-test-key-rotated-77c1";
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  ASSERT_TRUE((*emulator)->SetApiKeys({kApiKey, kNewKey}).ok());
  const std::string secret_file =
      absl::StrCat(::testing::TempDir(), "page_token_secret_", getpid());
  std::ofstream(secret_file) << "a-shared-page-token-secret-0f3e9a\n";
  const std::string secret_flag =
      absl::StrCat("--page_token_secret_file=", secret_file);
  auto old_replica =
      GatewayProcess::Start((*emulator)->base_url(), kApiKey, {secret_flag});
  ASSERT_TRUE(old_replica.ok()) << old_replica.status();
  auto new_replica =
      GatewayProcess::Start((*emulator)->base_url(), kNewKey, {secret_flag});
  ASSERT_TRUE(new_replica.ok()) << new_replica.status();
  auto unshared_replica =
      GatewayProcess::Start((*emulator)->base_url(), kNewKey);
  ASSERT_TRUE(unshared_replica.ok()) << unshared_replica.status();

  auto old_stub = (*old_replica)->NewStub();
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    SetDeadline(context);
    UploadToken token;
    ASSERT_TRUE(
        old_stub
            ->CreateUploadToken(&context, CreateUploadTokenRequest(), &token)
            .ok());
  }
  ListUploadTokensRequest first;
  first.set_page_size(1);
  ListUploadTokensResponse page;
  {
    grpc::ClientContext context;
    SetDeadline(context);
    ASSERT_TRUE(old_stub->ListUploadTokens(&context, first, &page).ok());
  }
  ASSERT_FALSE(page.next_page_token().empty());
  ListUploadTokensRequest next = first;
  next.set_page_token(page.next_page_token());
  {
    grpc::ClientContext context;
    SetDeadline(context);
    ListUploadTokensResponse second;
    grpc::Status status =
        (*new_replica)->NewStub()->ListUploadTokens(&context, next, &second);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(second.upload_tokens_size(), 1);
  }
  {
    grpc::ClientContext context;
    SetDeadline(context);
    ListUploadTokensResponse second;
    EXPECT_EQ((*unshared_replica)
                  ->NewStub()
                  ->ListUploadTokens(&context, next, &second)
                  .error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  std::remove(secret_file.c_str());
}

TEST(GatewayProcessTest, RejectedKeyShowsInHealthRightAfterStart) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  auto gateway =
      GatewayProcess::Start((*emulator)->base_url(), "not-the-right-key",
                            {"--health_probe_interval=10s"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  grpc::ClientContext watch_context;
  SetDeadline(watch_context, absl::Seconds(30));
  grpc::health::v1::HealthCheckRequest request;
  auto watch = grpc::health::v1::Health::NewStub((*gateway)->NewChannel())
                   ->Watch(&watch_context, request);
  EXPECT_TRUE(
      WatchUntil(*watch, grpc::health::v1::HealthCheckResponse::NOT_SERVING));
  // The start-up probe found out, before any call.
  EXPECT_EQ(*(*emulator)->RequestCount("GET /upload-tokens"), 1);
  watch_context.TryCancel();
}

TEST(GatewayProcessTest, SigtermLetsCallsInFlightFinishAndExitsZero) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  ASSERT_TRUE((*emulator)
                  ->AddFault(R"({"method":"POST","path":"/upload-tokens",
                     "match":"exact","action":"respond","latency_ms":1000})")
                  .ok());
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();

  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(10));
  UploadToken token;
  CreateUploadTokenRequest request;
  PendingCall call;
  stub->async()->CreateUploadToken(&context, &request, &token, call.OnDone());
  ASSERT_TRUE((*emulator)->WaitForRequests("POST /upload-tokens", 1).ok());
  (*gateway)->process().Signal(SIGTERM);
  ASSERT_TRUE(call.Wait(absl::Seconds(10)));
  EXPECT_TRUE(call.status().ok()) << call.status().error_message();
  EXPECT_FALSE(token.token().empty());
  auto exit_status = (*gateway)->process().Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_TRUE(WIFEXITED(*exit_status));
  EXPECT_EQ(WEXITSTATUS(*exit_status), 0);
}

TEST(GatewayProcessTest, SigtermTurnsHealthNotServingWhileDraining) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  // A held call keeps the gateway draining after the signal, until the
  // test lets it go: no latency for a loaded machine to outlast.
  absl::StatusOr<std::string> hold = (*emulator)->AddFaultWithId(
      R"({"method":"POST","path":"/upload-tokens","match":"exact",)"
      R"("hold":true})");
  ASSERT_TRUE(hold.ok()) << hold.status();
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto channel = (*gateway)->NewChannel();

  grpc::ClientContext watch_context;
  SetDeadline(watch_context, absl::Seconds(20));
  grpc::health::v1::HealthCheckRequest watch_request;
  watch_request.set_service("apivideo.uploadtokens.v1.UploadTokenService");
  auto watch = grpc::health::v1::Health::NewStub(channel)->Watch(&watch_context,
                                                                 watch_request);
  grpc::health::v1::HealthCheckResponse health;
  ASSERT_TRUE(watch->Read(&health));
  EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  auto stub = apivideo::uploadtokens::v1::UploadTokenService::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(10));
  CreateUploadTokenRequest request;
  UploadToken token;
  PendingCall call;
  stub->async()->CreateUploadToken(&context, &request, &token, call.OnDone());
  ASSERT_TRUE((*emulator)->WaitForRequests("POST /upload-tokens", 1).ok());
  (*gateway)->process().Signal(SIGTERM);

  ASSERT_TRUE(watch->Read(&health));
  EXPECT_EQ(health.status(),
            grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(call.Wait(absl::ZeroDuration()))
      << "the call in flight should still be running while health says "
         "NOT_SERVING";
  ASSERT_TRUE((*emulator)->RemoveFault(*hold).ok());
  ASSERT_TRUE(call.Wait(absl::Seconds(10)));
  EXPECT_TRUE(call.status().ok()) << call.status().error_message();
  watch_context.TryCancel();
}

TEST(GatewayProcessTest, SigtermCancelsCallsThatOutlastTheGracePeriod) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  ASSERT_TRUE((*emulator)
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/",
                     "match":"prefix","action":"respond","latency_ms":30000})")
                  .ok());
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey,
                                       {"--shutdown_grace=200ms"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = (*gateway)->NewStub();
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(60));
  GetUploadTokenRequest request;
  request.set_token("toNeverAnswered");
  UploadToken token;
  PendingCall call;
  stub->async()->GetUploadToken(&context, &request, &token, call.OnDone());
  ASSERT_TRUE(
      (*emulator)->WaitForRequests("GET /upload-tokens/{token}", 1).ok());
  const absl::Time signalled = absl::Now();
  (*gateway)->process().Signal(SIGTERM);
  ASSERT_TRUE(call.Wait(absl::Seconds(10)));
  // gRPC's own answer when the server's shutdown deadline passes with
  // calls still running ("Cancelling all calls").
  EXPECT_EQ(call.status().error_code(), grpc::StatusCode::UNAVAILABLE)
      << call.status().error_message();
  auto exit_status = (*gateway)->process().Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_EQ(WEXITSTATUS(*exit_status), 0);
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(5));
}

}  // namespace
