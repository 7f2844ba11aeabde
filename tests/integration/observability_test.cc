// What operators see: Prometheus metrics after a scripted mix of calls and
// faults, the caller's W3C traceparent arriving at api.video, and structured
// access-log lines. Real gateway and emulator processes on loopback.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_calls.h"

namespace {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::UploadToken;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::HttpExchange;
using ::testing_support::SetDeadline;

constexpr char kApiKey[] = "observability-test-key-5d1c";
constexpr char kService[] = "apivideo.uploadtokens.v1.UploadTokenService";
constexpr char kTraceparent[] =
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

// "name{b="2",a="1"}" -> "name{a="1",b="2"}": a series whatever order its
// labels are written in (the text format leaves it free; prometheus-cpp
// sorts them by name). Label values may hold commas and braces.
std::string CanonicalSeries(absl::string_view series) {
  const std::size_t open = series.find('{');
  if (open == absl::string_view::npos || series.back() != '}') {
    return std::string(series);
  }
  std::vector<std::string> labels(1);
  bool quoted = false;
  for (std::size_t i = open + 1; i + 1 < series.size(); ++i) {
    const char c = series[i];
    if (c == ',' && !quoted) {
      labels.emplace_back();
      continue;
    }
    labels.back() += c;
    if (c == '\\' && quoted && i + 2 < series.size()) {
      labels.back() += series[++i];
    } else if (c == '"') {
      quoted = !quoted;
    }
  }
  std::sort(labels.begin(), labels.end());
  return absl::StrCat(series.substr(0, open + 1), absl::StrJoin(labels, ","),
                      "}");
}

// Orders series by name and label set, so that a lookup finds a series
// whatever order its labels are written in.
struct SeriesLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return CanonicalSeries(a) < CanonicalSeries(b);
  }
};

// A scraped page: "name{labels}" -> value.
using Samples = std::map<std::string, double, SeriesLess>;

Samples ParseSamples(const std::string& page) {
  Samples samples;
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.rfind(' ');
    double value = 0;
    if (space == absl::string_view::npos ||
        !absl::SimpleAtod(line.substr(space + 1), &value)) {
      ADD_FAILURE() << "not a sample line: " << line;
      continue;
    }
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

std::string Rpc(absl::string_view method) {
  return absl::StrCat("grpc_type=\"unary\",grpc_service=\"", kService,
                      "\",grpc_method=\"", method, "\"");
}

class ObservabilityTest : public ::testing::Test {
 protected:
  void StartGateway(std::vector<std::string> extra_flags = {}) {
    auto emulator = EmulatorProcess::Start(kApiKey);
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = *std::move(emulator);
    extra_flags.push_back("--metrics_listen=127.0.0.1:0");
    auto gateway =
        GatewayProcess::Start(emulator_->base_url(), kApiKey, extra_flags);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    auto metrics = gateway_->process().WaitForLine(
        "metrics on (http://\\S+/metrics)", absl::Seconds(5));
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    metrics_url_ = *metrics;
    stub_ = gateway_->NewStub();
  }

  // A page scraped once no call is in flight any more: a call's place is
  // given back only after its answer has left, a moment after the caller
  // has it.
  Samples ScrapeWhenIdle() {
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (true) {
      Samples samples = ParseSamples(ScrapePage());
      if (samples["gateway_inflight_calls"] == 0 || absl::Now() > deadline) {
        return samples;
      }
      absl::SleepFor(absl::Milliseconds(2));
    }
  }

  std::string ScrapePage() {
    auto reply = HttpExchange("GET", metrics_url_);
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return "";
    EXPECT_EQ(reply->status, 200);
    return reply->body;
  }

  grpc::Status Create(std::string* token = nullptr) {
    grpc::ClientContext context;
    SetDeadline(context);
    CreateUploadTokenRequest request;
    request.set_ttl(60);
    UploadToken response;
    grpc::Status status =
        stub_->CreateUploadToken(&context, request, &response);
    if (token != nullptr) *token = response.token();
    return status;
  }

  grpc::Status Get(const std::string& token,
                   const std::string& traceparent = "") {
    grpc::ClientContext context;
    SetDeadline(context);
    if (!traceparent.empty()) context.AddMetadata("traceparent", traceparent);
    GetUploadTokenRequest request;
    request.set_token(token);
    UploadToken response;
    return stub_->GetUploadToken(&context, request, &response);
  }

  std::unique_ptr<EmulatorProcess> emulator_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<apivideo::uploadtokens::v1::UploadTokenService::Stub> stub_;
  std::string metrics_url_;
};

TEST_F(ObservabilityTest, MetricsCountTheCallsAndFaultsTheyCaused) {
  // Not the default (3): the counts below show that the flag is obeyed.
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--max_attempts=2"}));
  std::string token;
  ASSERT_TRUE(Create(&token).ok());
  ASSERT_TRUE(Create().ok());
  ASSERT_TRUE(Get(token).ok());
  EXPECT_EQ(Get("toDoesNotExist").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get("").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/toDown",
                     "match":"exact","status":503})")
                  .ok());
  EXPECT_EQ(Get("toDown").error_code(), grpc::StatusCode::UNAVAILABLE);

  const Samples samples = ScrapeWhenIdle();
  const auto sample = [&samples](const std::string& series) {
    auto it = samples.find(series);
    return it == samples.end() ? -1.0 : it->second;
  };
  // The RPCs, as go-grpc-prometheus names and labels them.
  EXPECT_EQ(
      sample("grpc_server_started_total{" + Rpc("CreateUploadToken") + "}"), 2);
  EXPECT_EQ(sample("grpc_server_started_total{" + Rpc("GetUploadToken") + "}"),
            4);
  EXPECT_EQ(sample("grpc_server_handled_total{" + Rpc("GetUploadToken") +
                   ",grpc_code=\"OK\"}"),
            1);
  EXPECT_EQ(sample("grpc_server_handled_total{" + Rpc("GetUploadToken") +
                   ",grpc_code=\"NotFound\"}"),
            1);
  EXPECT_EQ(sample("grpc_server_handled_total{" + Rpc("GetUploadToken") +
                   ",grpc_code=\"InvalidArgument\"}"),
            1);
  EXPECT_EQ(sample("grpc_server_handled_total{" + Rpc("GetUploadToken") +
                   ",grpc_code=\"Unavailable\"}"),
            1);
  EXPECT_EQ(sample("grpc_server_handled_total{" + Rpc("DeleteUploadToken") +
                   ",grpc_code=\"OK\"}"),
            0);
  EXPECT_EQ(sample("grpc_server_handling_seconds_count{" +
                   Rpc("GetUploadToken") + "}"),
            4);
  // The upstream requests behind them: the invalid call made none, the read
  // of the token just created was answered from the token cache, the 503
  // was tried twice (--max_attempts=2).
  EXPECT_EQ(sample("apivideo_upstream_requests_total{route=\"/upload-tokens\","
                   "method=\"POST\",status=\"200\"}"),
            2);
  EXPECT_EQ(sample("apivideo_upstream_requests_total{route=\"/upload-tokens/"
                   "{token}\",method=\"GET\",status=\"200\"}"),
            -1);
  EXPECT_EQ(sample("apivideo_upstream_requests_total{route=\"/upload-tokens/"
                   "{token}\",method=\"GET\",status=\"404\"}"),
            1);
  EXPECT_EQ(sample("apivideo_upstream_requests_total{route=\"/upload-tokens/"
                   "{token}\",method=\"GET\",status=\"503\"}"),
            2);
  EXPECT_EQ(sample("apivideo_upstream_retries_total{route=\"/upload-tokens/"
                   "{token}\",method=\"GET\"}"),
            1);
  EXPECT_EQ(sample("apivideo_upstream_request_duration_seconds_count{route=\"/"
                   "upload-tokens\",method=\"POST\"}"),
            2);
  EXPECT_GE(sample("apivideo_ratelimit_remaining{route=\"/upload-tokens\","
                   "method=\"POST\"}"),
            0);
  // Where the answers of the calls that got past validation came from.
  EXPECT_EQ(sample("gateway_answers_total{caller=\"anonymous\","
                   "operation=\"create\",source=\"miss\"}"),
            2);
  EXPECT_EQ(sample("gateway_answers_total{caller=\"anonymous\","
                   "operation=\"get\",source=\"hit\"}"),
            1);
  EXPECT_EQ(sample("gateway_answers_total{caller=\"anonymous\","
                   "operation=\"get\",source=\"miss\"}"),
            2);
  EXPECT_EQ(sample("gateway_inflight_calls"), 0);
  EXPECT_EQ(sample("apivideo_upstream_healthy"), 1);
  EXPECT_EQ(sample("apivideo_auth_refreshes_total"), 0);
}

TEST_F(ObservabilityTest, NoLabelCarriesATokenOrTheKey) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  std::string token;
  ASSERT_TRUE(Create(&token).ok());
  ASSERT_TRUE(Get(token).ok());
  const std::string page = ScrapePage();
  ASSERT_THAT(page, HasSubstr("apivideo_upstream_requests_total"));
  EXPECT_THAT(page, Not(HasSubstr(token)));
  EXPECT_THAT(page, Not(HasSubstr(kApiKey)));
}

TEST_F(ObservabilityTest, BuildInfoGaugeAndStartLineNameTheVersion) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  const std::string version = testing_support::SourceVersion();
  ASSERT_FALSE(version.empty());
  EXPECT_THAT(ScrapePage(),
              ContainsRegex(absl::StrCat("gateway_build_info\\{[^}]*version=\"",
                                         version, "\"[^}]*\\} 1")));
  EXPECT_THAT(
      gateway_->process().Output(),
      HasSubstr(absl::StrCat("upload_token_gateway ", version, " (commit ")));
}

TEST_F(ObservabilityTest, InFlightGaugeSeesASlowCall) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/toSlow",
                     "match":"exact","latency_ms":3000,"status":404})")
                  .ok());
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(10));
  GetUploadTokenRequest request;
  request.set_token("toSlow");
  UploadToken response;
  testing_support::PendingCall call;
  stub_->async()->GetUploadToken(&context, &request, &response, call.OnDone());
  ASSERT_TRUE(emulator_->WaitForRequests("GET /upload-tokens/{token}", 1).ok());
  EXPECT_EQ(ParseSamples(ScrapePage())["gateway_inflight_calls"], 1);
  context.TryCancel();
  EXPECT_TRUE(call.Wait(absl::Seconds(10)));
}

TEST_F(ObservabilityTest, WaitingGaugeSeesACallOverTheUpstreamCap) {
  ASSERT_NO_FATAL_FAILURE(
      StartGateway({"--upstream_max_concurrent_requests=1"}));
  ASSERT_TRUE(testing_support::TeachTheRateLimitWindows(*stub_));
  ASSERT_TRUE(emulator_
                  ->AddFault(R"({"method":"GET","path":"/upload-tokens/toSlow",
                     "match":"exact","latency_ms":3000,"status":404})")
                  .ok());
  grpc::ClientContext slow_context;
  grpc::ClientContext waiting_context;
  SetDeadline(slow_context, absl::Seconds(10));
  SetDeadline(waiting_context, absl::Seconds(10));
  GetUploadTokenRequest slow_request;
  slow_request.set_token("toSlow");
  GetUploadTokenRequest waiting_request;
  waiting_request.set_token("toWait");
  UploadToken slow_response;
  UploadToken waiting_response;
  testing_support::PendingCall slow_call;
  testing_support::PendingCall waiting_call;
  stub_->async()->GetUploadToken(&slow_context, &slow_request, &slow_response,
                                 slow_call.OnDone());
  ASSERT_TRUE(emulator_->WaitForRequests("GET /upload-tokens/{token}", 2).ok());
  stub_->async()->GetUploadToken(&waiting_context, &waiting_request,
                                 &waiting_response, waiting_call.OnDone());

  // The gauge once it shows `expected`, or its last value after 5 s.
  auto waiting_requests = [this](double expected) {
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    double value = -1;
    while ((value = ParseSamples(
                ScrapePage())["apivideo_upstream_waiting_requests"]) !=
               expected &&
           absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    return value;
  };
  EXPECT_EQ(waiting_requests(1), 1);
  EXPECT_EQ(emulator_->RequestCount("GET /upload-tokens/{token}").value_or(-1),
            2);
  // The client's call ends at once; the gateway hears of it a little later.
  waiting_context.TryCancel();
  EXPECT_TRUE(waiting_call.Wait(absl::Seconds(10)));
  EXPECT_EQ(waiting_requests(0), 0);
  slow_context.TryCancel();
  EXPECT_TRUE(slow_call.Wait(absl::Seconds(10)));
}

TEST_F(ObservabilityTest, BearerTokensObtainedAreCounted) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--auth=bearer"}));
  ASSERT_TRUE(Create().ok());
  const Samples samples = ParseSamples(ScrapePage());
  EXPECT_EQ(samples.at("apivideo_auth_refreshes_total"), 1);
  EXPECT_EQ(samples.at("apivideo_upstream_requests_total{route=\"/auth/"
                       "api-key\",method=\"POST\",status=\"200\"}"),
            1);
}

TEST_F(ObservabilityTest, MetricsServerAnswersOnlyMetrics) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  const std::string root = metrics_url_.substr(
      0, metrics_url_.size() - std::string("/metrics").size());
  auto other = HttpExchange("GET", root + "/debug");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->status, 404);
  auto post = HttpExchange("POST", metrics_url_, "x");
  ASSERT_TRUE(post.ok()) << post.status();
  EXPECT_EQ(post->status, 405);
}

TEST_F(ObservabilityTest, CallersTraceparentReachesTheUpstreamAndTheLog) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  EXPECT_EQ(Get("toTraced", kTraceparent).error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto seen = emulator_->RecentRequests();
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_FALSE(seen->empty());
  EXPECT_EQ(seen->back().path, "/upload-tokens/toTraced");
  EXPECT_EQ(seen->back().traceparent, kTraceparent);
  EXPECT_TRUE(gateway_->process()
                  .WaitForLine("(method=GetUploadToken code=NOT_FOUND .* "
                               "trace_id=0af7651916cd43dd8448eb211c80319c)",
                               absl::Seconds(5))
                  .ok());
}

TEST_F(ObservabilityTest, GatewayStartsATraceWhenTheCallerSentNone) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  // A malformed one counts as none.
  EXPECT_EQ(Get("toUntraced", "00-not-a-trace").error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto seen = emulator_->RecentRequests();
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_FALSE(seen->empty());
  const std::string& sent = seen->back().traceparent;
  ASSERT_EQ(sent.size(), 55u) << sent;
  EXPECT_EQ(sent.substr(0, 3), "00-");
  // The log names the trace the upstream request carried.
  auto logged = gateway_->process().WaitForLine(
      "method=GetUploadToken code=NOT_FOUND .* trace_id=([0-9a-f]{32})",
      absl::Seconds(5));
  ASSERT_TRUE(logged.ok()) << logged.status();
  EXPECT_EQ(*logged, sent.substr(3, 32));
}

TEST_F(ObservabilityTest, JsonLogLinesAreJsonWithTheCallsFields) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--log_format=json"}));
  EXPECT_EQ(Get("toJson", kTraceparent).error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto line = gateway_->process().WaitForLine("^(\\{.*\"msg\":\"rpc\".*\\})$",
                                              absl::Seconds(5));
  ASSERT_TRUE(line.ok()) << line.status();
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*line, &parsed).ok())
      << *line;
  const auto& fields = parsed.fields();
  EXPECT_EQ(fields.at("level").string_value(), "info");
  EXPECT_EQ(fields.at("method").string_value(), "GetUploadToken");
  EXPECT_EQ(fields.at("code").string_value(), "NOT_FOUND");
  EXPECT_EQ(fields.at("upstream_status").number_value(), 404);
  EXPECT_EQ(fields.at("attempts").number_value(), 1);
  EXPECT_GE(fields.at("latency_ms").number_value(), 0);
  EXPECT_THAT(fields.at("peer").string_value(), HasSubstr("127.0.0.1"));
  EXPECT_EQ(fields.at("trace_id").string_value(),
            "0af7651916cd43dd8448eb211c80319c");
  EXPECT_FALSE(fields.at("time").string_value().empty());
}

TEST_F(ObservabilityTest, LogLevelWarningHidesTheAccessLog) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--log_level=warning"}));
  EXPECT_EQ(Get("toQuiet").error_code(), grpc::StatusCode::NOT_FOUND);
  // The gateway logs nothing at warning for a plain call; a later error
  // line would show if it did. Shut down to flush, then read everything.
  // Our channel closes first: an idle client connection holds gRPC's
  // graceful drain for seconds.
  stub_.reset();
  gateway_->process().Signal(SIGTERM);
  auto exit_code = gateway_->process().Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0);
  EXPECT_THAT(gateway_->process().Output(), Not(HasSubstr("rpc method=")));
}

TEST_F(ObservabilityTest, AccessLinesWaitForTheFlushIntervalAndStopWritesThem) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--log_flush_interval=1h"}));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Get("toBatched").error_code(), grpc::StatusCode::NOT_FOUND);
  }
  // Nothing forces the batch out while the gateway runs: the lines wait.
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_THAT(gateway_->process().Output(), Not(HasSubstr("rpc method=")));
  // Stopping writes them, each once and before the last line.
  stub_.reset();
  gateway_->process().Signal(SIGTERM);
  auto exit_code = gateway_->process().Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0);
  const std::string output = gateway_->process().Output();
  std::size_t lines = 0;
  for (std::size_t at = output.find("rpc method=GetUploadToken code=NOT_FOUND");
       at != std::string::npos;
       at = output.find("rpc method=GetUploadToken code=NOT_FOUND", at + 1)) {
    ++lines;
    EXPECT_LT(at, output.rfind(" stopped"));
  }
  EXPECT_EQ(lines, 3u) << output;
}

TEST_F(ObservabilityTest, ZeroFlushIntervalWritesAccessLinesWhileRunning) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--log_flush_interval=0"}));
  EXPECT_EQ(Get("toUnbatched").error_code(), grpc::StatusCode::NOT_FOUND);
  auto line = gateway_->process().WaitForLine(
      "(rpc method=GetUploadToken code=NOT_FOUND)", absl::Seconds(5));
  EXPECT_TRUE(line.ok()) << line.status();
}

// A socket connected to the metrics server at `url` ("http://host:port/..."),
// or -1.
int ConnectTo(const std::string& url) {
  const absl::string_view rest = absl::StripPrefix(url, "http://");
  const absl::string_view host_port = rest.substr(0, rest.find('/'));
  const std::size_t colon = host_port.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(host_port.substr(colon + 1), &port)) {
    return -1;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, std::string(host_port.substr(0, colon)).c_str(),
                &address.sin_addr) != 1) {
    return -1;
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address),
              sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Item 1 of the hardening review: /metrics is the liveness probe, so slow
// and idle strangers on its port must not starve it, nor health, nor hold
// up a shutdown.
TEST_F(ObservabilityTest, SlowAndIdleMetricsClientsStopNoScrapeHealthOrExit) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--shutdown_grace=2s"}));
  std::vector<int> sockets;
  for (int i = 0; i < 200; ++i) {  // a flood of idle connections
    const int fd = ConnectTo(metrics_url_);
    ASSERT_GE(fd, 0) << "connection " << i;
    sockets.push_back(fd);
  }
  // Slowloris: a request that never ends, one byte every 100 ms.
  std::atomic<bool> stop{false};
  std::vector<int> slow;
  for (int i = 0; i < 4; ++i) {
    const int fd = ConnectTo(metrics_url_);
    ASSERT_GE(fd, 0);
    const char start[] = "GET /metrics HTTP/1.1\r\nX-Slow: ";
    ASSERT_GT(send(fd, start, sizeof(start) - 1, MSG_NOSIGNAL), 0);
    slow.push_back(fd);
  }
  std::thread dripper([&] {
    while (!stop.load()) {
      for (int fd : slow) send(fd, "a", 1, MSG_NOSIGNAL);
      absl::SleepFor(absl::Milliseconds(100));
    }
  });
  absl::SleepFor(absl::Milliseconds(500));

  const absl::Time scrape_start = absl::Now();
  EXPECT_THAT(ScrapePage(), HasSubstr("gateway_inflight_calls"));
  EXPECT_LT(absl::Now() - scrape_start, absl::Seconds(1));

  grpc::ClientContext health_context;
  SetDeadline(health_context, absl::Seconds(1));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(kService);
  grpc::health::v1::HealthCheckResponse health;
  EXPECT_TRUE(grpc::health::v1::Health::NewStub(gateway_->NewChannel())
                  ->Check(&health_context, request, &health)
                  .ok());
  EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  stub_.reset();
  const absl::Time signalled = absl::Now();
  gateway_->process().Signal(SIGTERM);
  auto exit_code = gateway_->process().Wait(absl::Seconds(10));
  const absl::Duration exit_time = absl::Now() - signalled;
  stop.store(true);
  dripper.join();
  for (int fd : sockets) close(fd);
  for (int fd : slow) close(fd);
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0);
  EXPECT_LT(exit_time, absl::Seconds(2) + absl::Seconds(1))
      << "the grace is 2 s";
}

}  // namespace
