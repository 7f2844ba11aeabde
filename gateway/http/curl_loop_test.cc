#include "gateway/http/curl_loop.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/http/http_client.h"
#include "gateway/http/http_types.h"
#include "gateway/http/testing/fake_http_server.h"
#include "gateway/http/testing/nghttpd_server.h"
#include "gateway/http/testing/test_certificates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::http {
namespace {

using ::gateway::http::testing::FakeHttpServer;
using ::gateway::http::testing::RecordedRequest;
using ::gateway::http::testing::Reply;
using ::testing::Each;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pointee;
using ::testing::UnorderedElementsAre;

// Generous: only a broken implementation waits this long.
constexpr absl::Duration kWait = absl::Seconds(30);

// Receives one transfer's outcome and counts callback runs. Copies share
// the outcome; the callback keeps it alive, so a test that stops early
// leaves nothing dangling.
class ResultSlot {
 public:
  ResponseCallback Callback() const {
    return [state = state_](absl::StatusOr<HttpResponse> result) {
      if (state->calls.fetch_add(1) > 0) return;  // Counted; tests check.
      state->result = std::move(result);
      state->thread = std::this_thread::get_id();
      state->done.Notify();
    };
  }

  // The result, or kUnknown if the callback has not run within `timeout`.
  const absl::StatusOr<HttpResponse>& Wait(
      absl::Duration timeout = kWait) const {
    static const auto* const kTimedOut = new absl::StatusOr<HttpResponse>(
        absl::UnknownError("the callback did not run"));
    if (!state_->done.WaitForNotificationWithTimeout(timeout)) {
      return *kTimedOut;
    }
    return state_->result;
  }

  int calls() const { return state_->calls.load(); }
  std::thread::id thread() const { return state_->thread; }

 private:
  struct State {
    std::atomic<int> calls{0};
    absl::StatusOr<HttpResponse> result;
    std::thread::id thread;
    absl::Notification done;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// Counts the outcomes of many transfers; shares them like ResultSlot.
class ResultCounter {
 public:
  explicit ResultCounter(int expected)
      : state_(std::make_shared<State>(expected)) {}

  ResponseCallback Callback() const {
    return [state = state_](const absl::StatusOr<HttpResponse>& result) {
      if (absl::IsCancelled(result.status())) state->cancelled.fetch_add(1);
      if (state->calls.fetch_add(1) + 1 == state->expected) {
        state->all_done.Notify();
      }
    };
  }

  int calls() const { return state_->calls.load(); }
  int cancelled() const { return state_->cancelled.load(); }

 private:
  struct State {
    explicit State(int expected) : expected(expected) {}
    const int expected;
    std::atomic<int> calls{0};
    std::atomic<int> cancelled{0};
    absl::Notification all_done;
  };
  std::shared_ptr<State> state_;
};

// A handler that gives every request the same reply.
FakeHttpServer::Handler Always(Reply reply) {
  return [reply](const RecordedRequest&) { return reply; };
}

FakeHttpServer::Handler Respond(int status, const std::string& body,
                                const testing::HeaderList& headers = {}) {
  Reply reply;
  reply.status = status;
  reply.body = body;
  reply.headers = headers;
  return Always(reply);
}

// About `kib` KiB of response headers: one "X-Filler-<i>" header of 1 KiB
// (name, value and line end) per KiB.
testing::HeaderList FillerHeaders(int kib) {
  testing::HeaderList headers;
  for (int i = 0; i < kib; ++i) {
    std::string name = absl::StrCat("X-Filler-", i);
    std::string value(1024 - name.size() - 4, 'h');  // ": " and CRLF
    headers.emplace_back(std::move(name), std::move(value));
  }
  return headers;
}

// Answers only once the test calls ReleaseHeld().
FakeHttpServer::Handler Hold() {
  Reply reply;
  reply.hold = true;
  reply.body = "late";
  return Always(reply);
}

FakeHttpServer::Handler Act(Reply::Action action, const std::string& body = "",
                            std::size_t stream_bytes = 0) {
  Reply reply;
  reply.action = action;
  reply.body = body;
  reply.stream_bytes = stream_bytes;
  return Always(reply);
}

HttpRequest Get(std::string url) {
  HttpRequest request;
  request.method = Method::kGet;
  request.url = std::move(url);
  return request;
}

HttpRequest Post(std::string url, std::string body) {
  HttpRequest request;
  request.method = Method::kPost;
  request.url = std::move(url);
  request.body = std::move(body);
  return request;
}

CurlLoopOptions MaxConcurrentTransfers(int max) {
  CurlLoopOptions options;
  options.max_concurrent_transfers = max;
  return options;
}

CurlLoopOptions MaxResponseBytes(std::size_t max) {
  CurlLoopOptions options;
  options.max_response_bytes = max;
  return options;
}

CurlLoopOptions TrustingCa(const std::string& ca_file) {
  CurlLoopOptions options;
  options.ca_file = ca_file;
  return options;
}

// Whether a failed transfer's request may have reached the server.
enum class Sent { kNo, kMaybe };

// Matches a failed transfer's result: its status has `code` and says whether
// the request may have been sent.
::testing::Matcher<absl::StatusOr<HttpResponse>> FailedWith(
    absl::StatusCode code, Sent sent) {
  return ::testing::ResultOf(
      "status",
      [](const absl::StatusOr<HttpResponse>& result) {
        return result.status();
      },
      ::testing::AllOf(
          ::testing::Property("code", &absl::Status::code, code),
          ::testing::ResultOf("RequestMayHaveBeenSent", RequestMayHaveBeenSent,
                              sent == Sent::kMaybe)));
}

// Matches how long a transfer with `timeout` took when it timed out: about
// that long, and not much longer.
::testing::Matcher<absl::Duration> EndedNear(absl::Duration timeout) {
  return ::testing::AllOf(::testing::Ge(timeout - absl::Milliseconds(10)),
                          ::testing::Lt(timeout + absl::Seconds(2)));
}

// A handler that answers "ok", but closes the connection without answering
// the second request it gets: as a kept-alive connection that the server
// dropped looks to the client.
FakeHttpServer::Handler CloseOnTheSecondRequest() {
  auto answered = std::make_shared<std::atomic<int>>(0);
  return [answered](const RecordedRequest&) {
    Reply reply;
    if (answered->fetch_add(1) == 1) {
      reply.action = Reply::Action::kCloseWithoutAnswer;
    } else {
      reply.body = "ok";
    }
    return reply;
  };
}

// A 127.0.0.1 port with nothing listening: bound, then released.
int UnusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  const bool bound =
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  close(fd);
  return bound ? ntohs(address.sin_port) : 0;
}

class CurlLoopTest : public ::testing::Test {
 protected:
  void StartServer(FakeHttpServer::Handler handler) {
    absl::StatusOr<std::unique_ptr<FakeHttpServer>> server =
        FakeHttpServer::Start(std::move(handler));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  void StartLoop(CurlLoopOptions options = {}) {
    absl::StatusOr<std::unique_ptr<CurlLoop>> loop =
        CurlLoop::Create(std::move(options));
    ASSERT_TRUE(loop.ok()) << loop.status();
    loop_ = *std::move(loop);
  }

  absl::StatusOr<HttpResponse> Fetch(HttpRequest request) {
    ResultSlot slot;
    loop_->Start(std::move(request), slot.Callback());
    absl::StatusOr<HttpResponse> result = slot.Wait();
    EXPECT_EQ(slot.calls(), 1);
    return result;
  }

  struct Timed {
    absl::StatusOr<HttpResponse> result;
    absl::Duration elapsed;
  };

  // Fetches `request` with that timeout, and times it.
  Timed FetchWithTimeout(HttpRequest request, absl::Duration timeout) {
    request.timeout = timeout;
    const absl::Time start = absl::Now();
    absl::StatusOr<HttpResponse> result = Fetch(std::move(request));
    return {std::move(result), absl::Now() - start};
  }

  // Starts the server and a loop with a single transfer place, and takes the
  // place with a transfer the server holds; `held` gets that one's outcome.
  void TakeTheOnlyPlace(const ResultSlot& held) {
    StartServer(Hold());
    StartLoop(MaxConcurrentTransfers(1));
    loop_->Start(Get(server_->Url("/held")), held.Callback());
    ASSERT_TRUE(server_->WaitForRequests(1, kWait));
  }

  // Destroyed in this order: the loop first, so that no transfer outlives
  // the server.
  std::unique_ptr<FakeHttpServer> server_;
  std::unique_ptr<CurlLoop> loop_;

  void TearDown() override {
    loop_.reset();
    server_.reset();
  }
};

TEST_F(CurlLoopTest, GetReturnsStatusHeadersAndBody) {
  StartServer(Respond(
      200, "hello",
      {{"X-Custom-Header", "Some Value"}, {"Content-Type", "text/plain"}}));
  StartLoop();
  HttpRequest request = Get(server_->Url("/v1/things?page=2"));
  request.headers = {{"Authorization", "Bearer token"}};

  absl::StatusOr<HttpResponse> response = Fetch(std::move(request));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_THAT(response->FindHeader("x-custom-header"),
              Pointee(Eq("Some Value")));
  EXPECT_THAT(response->FindHeader("content-type"), Pointee(Eq("text/plain")));
  const std::vector<RecordedRequest> seen = server_->requests();
  ASSERT_EQ(seen.size(), 1);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/v1/things?page=2");
  EXPECT_THAT(seen[0].FindHeader("authorization"), Pointee(Eq("Bearer token")));
  EXPECT_THAT(seen[0].FindHeader("user-agent"),
              Pointee(Eq("upload-token-gateway")));
}

TEST_F(CurlLoopTest, PostSendsBodyAndHeaders) {
  StartServer(Respond(201, R"({"token":"t"})"));
  StartLoop();
  HttpRequest request = Post(server_->Url("/upload-tokens"), R"({"ttl":60})");
  request.headers = {{"Content-Type", "application/json"}};

  absl::StatusOr<HttpResponse> response = Fetch(std::move(request));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"token":"t"})");
  const std::vector<RecordedRequest> seen = server_->requests();
  ASSERT_EQ(seen.size(), 1);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, R"({"ttl":60})");
  EXPECT_THAT(seen[0].FindHeader("content-type"),
              Pointee(Eq("application/json")));
  EXPECT_THAT(seen[0].FindHeader("content-length"), Pointee(Eq("10")));
}

TEST_F(CurlLoopTest, LargePostIsSentWithoutExpectContinue) {
  StartServer(Respond(200, "ok"));
  StartLoop();
  // Over libcurl's 1 MiB threshold.
  const HttpRequest request =
      Post(server_->Url("/big"), std::string(2 << 20, 'b'));

  absl::StatusOr<HttpResponse> response = Fetch(request);

  ASSERT_TRUE(response.ok()) << response.status();
  const std::vector<RecordedRequest> seen = server_->requests();
  ASSERT_EQ(seen.size(), 1);
  EXPECT_EQ(seen[0].FindHeader("expect"), nullptr);
  EXPECT_EQ(seen[0].body, request.body);
}

TEST_F(CurlLoopTest, DeleteSendsDeleteMethod) {
  StartServer(Respond(204, ""));
  StartLoop();
  HttpRequest request;
  request.method = Method::kDelete;
  request.url = server_->Url("/upload-tokens/to123");

  absl::StatusOr<HttpResponse> response = Fetch(std::move(request));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 204);
  const std::vector<RecordedRequest> seen = server_->requests();
  ASSERT_EQ(seen.size(), 1);
  EXPECT_EQ(seen[0].method, "DELETE");
  EXPECT_EQ(seen[0].target, "/upload-tokens/to123");
}

TEST_F(CurlLoopTest, EmptyHeaderValueIsSent) {
  StartServer(Respond(200, ""));
  StartLoop();
  HttpRequest request = Get(server_->Url("/"));
  request.headers = {{"X-Empty", ""}};

  ASSERT_TRUE(Fetch(std::move(request)).ok());

  const std::vector<RecordedRequest> seen = server_->requests();
  ASSERT_EQ(seen.size(), 1);
  EXPECT_THAT(seen[0].FindHeader("x-empty"), Pointee(Eq("")));
}

TEST_F(CurlLoopTest, NotFoundIsAResponseNotAnError) {
  StartServer(Respond(404, R"({"title":"not found"})"));
  StartLoop();

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/missing")));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, R"({"title":"not found"})");
}

TEST_F(CurlLoopTest, RedirectsAreNotFollowed) {
  StartServer(Respond(302, "", {{"Location", "/elsewhere"}}));
  StartLoop();

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/here")));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 302);
  EXPECT_THAT(response->FindHeader("location"), Pointee(Eq("/elsewhere")));
  EXPECT_EQ(server_->requests().size(), 1);
}

TEST_F(CurlLoopTest, InterimResponseHeadersAreDiscarded) {
  StartServer([](const RecordedRequest&) {
    Reply reply;
    reply.interim_headers = {{"Link", "</style.css>; rel=preload"}};
    reply.headers = {{"X-Final", "yes"}};
    reply.body = "done";
    return reply;
  });
  StartLoop();

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(response->FindHeader("link"), nullptr);
  EXPECT_THAT(response->FindHeader("x-final"), Pointee(Eq("yes")));
}

TEST_F(CurlLoopTest, ConnectionRefusedIsUnavailableAndNotSent) {
  StartLoop();
  const int port = UnusedPort();

  absl::StatusOr<HttpResponse> response = Fetch(
      Get(absl::StrCat("http://127.0.0.1:", port, "/path?secret=s3cr3t")));

  EXPECT_THAT(response, FailedWith(absl::StatusCode::kUnavailable, Sent::kNo));
  EXPECT_THAT(response.status().message(),
              HasSubstr(absl::StrCat("127.0.0.1:", port)));
  EXPECT_THAT(response.status().message(), Not(HasSubstr("s3cr3t")));
}

TEST_F(CurlLoopTest, ServerClosingBeforeAnsweringIsUnavailable) {
  StartServer(Act(Reply::Action::kCloseWithoutAnswer));
  StartLoop();

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  EXPECT_THAT(response,
              FailedWith(absl::StatusCode::kUnavailable, Sent::kMaybe));
}

TEST_F(CurlLoopTest, ServerClosingMidResponseIsUnavailableAndMayHaveBeenSent) {
  StartServer(
      Act(Reply::Action::kSendHalfBodyAndClose, std::string(1000, 'h')));
  StartLoop();

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  EXPECT_THAT(response,
              FailedWith(absl::StatusCode::kUnavailable, Sent::kMaybe));
}

TEST_F(CurlLoopTest, TimeoutIsDeadlineExceededNearTheTimeout) {
  StartServer(Hold());
  StartLoop();

  const Timed fetched =
      FetchWithTimeout(Get(server_->Url("/slow")), absl::Milliseconds(300));

  EXPECT_THAT(fetched.result,
              FailedWith(absl::StatusCode::kDeadlineExceeded, Sent::kMaybe));
  EXPECT_THAT(fetched.elapsed, EndedNear(absl::Milliseconds(300)));
}

TEST_F(CurlLoopTest, ZeroTimeoutIsDeadlineExceededAndNotSent) {
  StartServer(Respond(200, ""));
  StartLoop();
  HttpRequest request = Get(server_->Url("/"));
  request.timeout = absl::ZeroDuration();

  absl::StatusOr<HttpResponse> response = Fetch(std::move(request));

  EXPECT_THAT(response,
              FailedWith(absl::StatusCode::kDeadlineExceeded, Sent::kNo));
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(CurlLoopTest, CancelCompletesPromptlyAndClosesTheConnection) {
  StartServer(Hold());
  StartLoop();
  const ResultSlot slot;
  const TransferId id = loop_->Start(Get(server_->Url("/")), slot.Callback());
  ASSERT_TRUE(server_->WaitForRequests(1, kWait));

  const absl::Time start = absl::Now();
  loop_->Cancel(id);
  const absl::StatusOr<HttpResponse>& response = slot.Wait();
  const absl::Duration elapsed = absl::Now() - start;

  EXPECT_THAT(response, FailedWith(absl::StatusCode::kCancelled, Sent::kMaybe));
  EXPECT_LT(elapsed, absl::Seconds(1));
  EXPECT_TRUE(server_->WaitForHangupsWhileHeld(1, kWait));
  EXPECT_EQ(slot.calls(), 1);
}

TEST_F(CurlLoopTest, CancelRightAfterStartIsCancelled) {
  StartServer(Hold());
  StartLoop();
  ResultSlot slot;

  loop_->Cancel(loop_->Start(Get(server_->Url("/")), slot.Callback()));

  EXPECT_EQ(slot.Wait().status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(slot.calls(), 1);
}

TEST_F(CurlLoopTest, CancelOfFinishedOrUnknownTransferIsANoOp) {
  StartServer(Respond(200, "first"));
  StartLoop();
  ResultSlot first;
  const TransferId id = loop_->Start(Get(server_->Url("/")), first.Callback());
  ASSERT_TRUE(first.Wait().ok());

  loop_->Cancel(id);
  loop_->Cancel(id + 1000);  // Never issued.
  loop_->Cancel(0);

  // The loop runs commands in order: once a later transfer completes, the
  // cancels above have been handled.
  EXPECT_TRUE(Fetch(Get(server_->Url("/"))).ok());
  EXPECT_EQ(first.calls(), 1);
  EXPECT_EQ(loop_->GetStats().transfers_in_flight, 0);
}

TEST_F(CurlLoopTest, AnnouncedBodyOverTheCapIsResourceExhausted) {
  StartServer(Respond(200, std::string(4096, 'x')));
  StartLoop(MaxResponseBytes(1024));

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kResourceExhausted)
      << response.status();
}

TEST_F(CurlLoopTest, StreamedBodyOverTheCapIsResourceExhausted) {
  StartServer(Act(Reply::Action::kStreamUntilClosed, "", 4 << 20));
  StartLoop(MaxResponseBytes(64 << 10));

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kResourceExhausted)
      << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr("65536"));
}

TEST_F(CurlLoopTest, BodyExactlyAtTheCapIsAccepted) {
  StartServer(Respond(200, std::string(1024, 'x')));
  StartLoop(MaxResponseBytes(1024));

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body.size(), 1024);
}

TEST_F(CurlLoopTest, ResponseHeadersOverTheCapAreResourceExhausted) {
  StartServer(Respond(200, "ok", FillerHeaders(70)));
  StartLoop();

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  EXPECT_THAT(response,
              FailedWith(absl::StatusCode::kResourceExhausted, Sent::kMaybe));
  EXPECT_THAT(response.status().message(),
              HasSubstr("response headers larger than 65536 bytes"));
}

TEST_F(CurlLoopTest, ResponseHeadersUnderTheCapAreAccepted) {
  StartServer(Respond(200, "ok", FillerHeaders(60)));
  StartLoop();

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "ok");
  EXPECT_NE(response->FindHeader("x-filler-59"), nullptr);
}

TEST_F(CurlLoopTest, InterimAndFinalResponseHeadersCountTogether) {
  StartServer([](const RecordedRequest&) {
    Reply reply;
    reply.interim_headers = FillerHeaders(40);
    reply.headers = FillerHeaders(40);
    reply.body = "ok";
    return reply;
  });
  StartLoop();

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  EXPECT_THAT(response,
              FailedWith(absl::StatusCode::kResourceExhausted, Sent::kMaybe));
}

TEST_F(CurlLoopTest, InvalidHeaderFailsWithoutSending) {
  StartServer(Respond(200, ""));
  StartLoop();
  HttpRequest request = Get(server_->Url("/"));
  request.headers = {{"X-Token", "abc\r\nX-Injected: 1"}};

  absl::StatusOr<HttpResponse> response = Fetch(std::move(request));

  EXPECT_THAT(response, FailedWith(absl::StatusCode::kInternal, Sent::kNo));
  EXPECT_THAT(response.status().message(), Not(HasSubstr("abc")));
  EXPECT_EQ(server_->accepted_connections(), 0);
}

TEST_F(CurlLoopTest, NonHttpSchemeIsRejectedWithoutSending) {
  StartLoop();

  absl::StatusOr<HttpResponse> response =
      Fetch(Get("ftp://127.0.0.1:1/file.txt"));

  EXPECT_THAT(response, FailedWith(absl::StatusCode::kInternal, Sent::kNo));
}

TEST_F(CurlLoopTest, SequentialRequestsReuseOneConnection) {
  StartServer(Respond(200, "again"));
  StartLoop();

  for (int i = 0; i < 50; ++i) {
    absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));
    ASSERT_TRUE(response.ok()) << i << ": " << response.status();
  }

  EXPECT_EQ(server_->accepted_connections(), 1);
  const CurlLoop::Stats stats = loop_->GetStats();
  EXPECT_EQ(stats.transfers_started, 50);
  EXPECT_EQ(stats.transfers_in_flight, 0);
  EXPECT_EQ(stats.connections_opened, 1);
}

TEST_F(CurlLoopTest, ConnectionClosedByTheServerIsReplacedTransparently) {
  StartServer([](const RecordedRequest&) {
    Reply reply;
    reply.body = "fresh";
    reply.close_after_response = true;
    return reply;
  });
  StartLoop();

  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));
    ASSERT_TRUE(response.ok()) << i << ": " << response.status();
  }

  EXPECT_EQ(server_->accepted_connections(), 3);
  EXPECT_EQ(server_->requests().size(), 3);
}

// The loop keeps an idle pooled connection's socket in its epoll set. When
// the server closes it, the socket stays readable; the loop must drop it
// rather than wake for it on every turn.
TEST_F(CurlLoopTest, IdleConnectionClosedByTheServerLeavesTheLoopIdle) {
  StartServer([](const RecordedRequest&) {
    Reply reply;
    reply.close_after_response = true;  // Unannounced: libcurl pools it.
    return reply;
  });
  StartLoop();
  clockid_t loop_clock{};
  absl::Notification got_clock;
  HttpRequest request = Get(server_->Url("/"));
  loop_->Start(std::move(request), [&](absl::StatusOr<HttpResponse>) {
    pthread_getcpuclockid(pthread_self(), &loop_clock);
    got_clock.Notify();
  });
  ASSERT_TRUE(got_clock.WaitForNotificationWithTimeout(kWait));
  absl::SleepFor(absl::Milliseconds(50));  // The server's close arrives.

  timespec before{};
  timespec after{};
  ASSERT_EQ(clock_gettime(loop_clock, &before), 0);
  absl::SleepFor(absl::Milliseconds(500));
  ASSERT_EQ(clock_gettime(loop_clock, &after), 0);

  // A loop woken on every turn burns most of the 500 ms; an idle one none.
  EXPECT_LT(
      absl::DurationFromTimespec(after) - absl::DurationFromTimespec(before),
      absl::Milliseconds(100));
  // And the next request still goes out, on a new connection.
  ASSERT_TRUE(Fetch(Get(server_->Url("/"))).ok());
  EXPECT_EQ(server_->accepted_connections(), 2);
}

// libcurl resends a request whose kept-alive connection dies before any
// answer; harmless for a GET, which is why GETs allow it.
TEST_F(CurlLoopTest, GetOnADeadKeptAliveConnectionIsResentQuietly) {
  StartServer(CloseOnTheSecondRequest());
  StartLoop();
  ASSERT_TRUE(Fetch(Get(server_->Url("/"))).ok());
  absl::StatusOr<HttpResponse> second = Fetch(Get(server_->Url("/")));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(server_->requests().size(), 3);
  EXPECT_EQ(server_->accepted_connections(), 2);
}

TEST_F(CurlLoopTest, RequestThatMustNotBeResentIsNeverSentTwice) {
  StartServer(CloseOnTheSecondRequest());
  StartLoop();
  ASSERT_TRUE(Fetch(Get(server_->Url("/"))).ok());
  HttpRequest post = Post(server_->Url("/create"), "{}");
  post.resend_on_stale_connection = false;
  absl::StatusOr<HttpResponse> result = Fetch(std::move(post));
  EXPECT_THAT(result, FailedWith(absl::StatusCode::kUnavailable, Sent::kMaybe));
  EXPECT_THAT(result.status().message(), HasSubstr("not resent"));
  // It went out once, on the kept-alive connection; libcurl's resend was
  // stopped before it was sent on the new one.
  EXPECT_EQ(server_->requests().size(), 2);
  EXPECT_EQ(server_->requests().back().target, "/create");
}

TEST_F(CurlLoopTest, RequestThatMustNotBeResentStillReusesAFreshConnection) {
  StartServer(Respond(200, "ok"));
  StartLoop();
  ASSERT_TRUE(Fetch(Get(server_->Url("/"))).ok());
  HttpRequest post = Post(server_->Url("/create"), "{}");
  post.resend_on_stale_connection = false;

  ASSERT_TRUE(Fetch(std::move(post)).ok());

  EXPECT_EQ(server_->requests().size(), 2);
  EXPECT_EQ(server_->accepted_connections(), 1);
}

TEST_F(CurlLoopTest, ConcurrentRequestsAllCompleteExactlyOnce) {
  constexpr int kTransfers = 200;
  StartServer(Respond(200, "parallel"));
  StartLoop();
  std::vector<ResultSlot> slots;
  for (int i = 0; i < kTransfers; ++i) {
    slots.emplace_back();
    loop_->Start(Get(server_->Url(absl::StrCat("/", i))),
                 slots.back().Callback());
  }

  for (int i = 0; i < kTransfers; ++i) {
    const absl::StatusOr<HttpResponse>& response = slots[i].Wait();
    ASSERT_TRUE(response.ok()) << i << ": " << response.status();
    EXPECT_EQ(response->body, "parallel");
  }
  loop_.reset();  // No callback may run after this.

  for (const ResultSlot& slot : slots) EXPECT_EQ(slot.calls(), 1);
  EXPECT_EQ(server_->requests().size(), kTransfers);
}

TEST_F(CurlLoopTest, MaxHostConnectionsQueuesTheRest) {
  constexpr int kTransfers = 20;
  StartServer(Respond(200, "queued"));
  CurlLoopOptions options;
  options.max_host_connections = 2;
  StartLoop(options);
  std::vector<ResultSlot> slots(kTransfers);
  for (const ResultSlot& slot : slots) {
    loop_->Start(Get(server_->Url("/")), slot.Callback());
  }

  for (const ResultSlot& slot : slots) {
    const absl::StatusOr<HttpResponse>& response = slot.Wait();
    ASSERT_TRUE(response.ok()) << response.status();
  }

  EXPECT_LE(server_->accepted_connections(), 2);
  EXPECT_EQ(server_->requests().size(), kTransfers);
}

// Answers requests in arrival order, each once the test has let that many
// through; a request not let through within kWait is answered anyway.
class AnswerGate {
 public:
  // The FakeHttpServer handler; blocks its connection's thread meanwhile.
  Reply Answer() {
    absl::MutexLock lock(&mu_);
    const int index = arrived_++;
    const auto let_through = [this, index]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(
                                 mu_) { return released_ > index; };
    mu_.AwaitWithTimeout(absl::Condition(&let_through), kWait);
    Reply reply;
    reply.body = "gated";
    return reply;
  }

  void LetThrough(int count) {
    absl::MutexLock lock(&mu_);
    released_ += count;
  }

 private:
  absl::Mutex mu_;
  int arrived_ ABSL_GUARDED_BY(mu_) = 0;
  int released_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_F(CurlLoopTest, ConnectionsOfABurstStayPooledThroughALull) {
  constexpr int kBurst = 8;
  // Shared with the server's threads, which outlive the test body.
  auto gate = std::make_shared<AnswerGate>();
  StartServer([gate](const RecordedRequest&) { return gate->Answer(); });
  StartLoop();
  int requests = 0;
  // kBurst requests answered together, so each needs a connection of its own.
  const auto burst = [&] {
    std::vector<ResultSlot> slots(kBurst);
    for (const ResultSlot& slot : slots) {
      loop_->Start(Get(server_->Url("/burst")), slot.Callback());
    }
    requests += kBurst;
    ASSERT_TRUE(server_->WaitForRequests(requests, kWait));
    gate->LetThrough(kBurst);
    for (const ResultSlot& slot : slots) {
      const absl::StatusOr<HttpResponse>& response = slot.Wait();
      ASSERT_TRUE(response.ok()) << response.status();
    }
  };

  ASSERT_NO_FATAL_FAILURE(burst());
  ASSERT_EQ(server_->accepted_connections(), kBurst);
  // The lull: one transfer at a time.
  for (int i = 0; i < kBurst; ++i) {
    gate->LetThrough(1);
    ++requests;
    absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/lull")));
    ASSERT_TRUE(response.ok()) << response.status();
  }
  ASSERT_NO_FATAL_FAILURE(burst());

  EXPECT_EQ(server_->accepted_connections(), kBurst);
  EXPECT_EQ(loop_->GetStats().connections_opened, kBurst);
}

// True once `condition` holds; false if it still does not after `timeout`.
template <typename Condition>
bool Eventually(Condition condition, absl::Duration timeout = kWait) {
  const absl::Time end = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() > end) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

TEST_F(CurlLoopTest, TransfersOverTheCapWaitUntilOthersFinish) {
  constexpr int kTransfers = 6;
  StartServer(Hold());
  StartLoop(MaxConcurrentTransfers(2));
  std::vector<ResultSlot> slots(kTransfers);
  for (int i = 0; i < kTransfers; ++i) {
    loop_->Start(Get(server_->Url(absl::StrCat("/", i))), slots[i].Callback());
  }

  ASSERT_TRUE(server_->WaitForRequests(2, kWait));
  ASSERT_TRUE(Eventually(
      [&] { return loop_->GetStats().transfers_waiting == kTransfers - 2; }));
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(server_->requests().size(), 2);
  server_->ReleaseHeld();

  for (const ResultSlot& slot : slots) {
    const absl::StatusOr<HttpResponse>& response = slot.Wait();
    ASSERT_TRUE(response.ok()) << response.status();
  }
  const std::vector<RecordedRequest> requests = server_->requests();
  ASSERT_EQ(requests.size(), kTransfers);
  // The first two in, the first two served; the rest waited their turn on
  // the two connections the first ones opened.
  EXPECT_THAT(
      (std::vector<std::string>{requests[0].target, requests[1].target}),
      UnorderedElementsAre("/0", "/1"));
  EXPECT_LE(server_->accepted_connections(), 2);
  EXPECT_EQ(loop_->GetStats().transfers_waiting, 0);
}

TEST_F(CurlLoopTest, WaitingTransferTimesOutWithoutBeingSent) {
  const ResultSlot held;
  TakeTheOnlyPlace(held);

  const Timed fetched =
      FetchWithTimeout(Get(server_->Url("/waiting")), absl::Milliseconds(300));

  EXPECT_THAT(fetched.result,
              FailedWith(absl::StatusCode::kDeadlineExceeded, Sent::kNo));
  EXPECT_THAT(fetched.result.status().message(),
              HasSubstr("before the request"));
  EXPECT_THAT(fetched.elapsed, EndedNear(absl::Milliseconds(300)));
  EXPECT_EQ(server_->requests().size(), 1);
  EXPECT_EQ(held.calls(), 0);
}

TEST_F(CurlLoopTest, TimeWaitingForAPlaceCountsAgainstTheTimeout) {
  StartServer(Hold());
  StartLoop(MaxConcurrentTransfers(1));
  HttpRequest first = Get(server_->Url("/first"));
  first.timeout = absl::Seconds(2);
  HttpRequest second = Get(server_->Url("/second"));
  second.timeout = absl::Seconds(3);
  const ResultSlot first_slot;
  const ResultSlot second_slot;

  const absl::Time start = absl::Now();
  loop_->Start(std::move(first), first_slot.Callback());
  loop_->Start(std::move(second), second_slot.Callback());
  const absl::StatusOr<HttpResponse>& response = second_slot.Wait();
  const absl::Duration elapsed = absl::Now() - start;

  // The second request went out after about 2 s of waiting, when the first
  // timed out, and then had about 1 s left, not 3: it ends near 3 s, not 5.
  EXPECT_THAT(response,
              FailedWith(absl::StatusCode::kDeadlineExceeded, Sent::kMaybe));
  EXPECT_EQ(server_->requests().size(), 2);
  EXPECT_GE(elapsed, absl::Milliseconds(2990));
  // Generous for a loaded machine: what it must tell apart is ~3 s from 5 s.
  EXPECT_LT(elapsed, absl::Milliseconds(4800));
  EXPECT_EQ(first_slot.Wait().status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST_F(CurlLoopTest, CancelOfAWaitingTransferCompletesItUnsent) {
  const ResultSlot held;
  TakeTheOnlyPlace(held);
  const ResultSlot waiting;
  const TransferId id =
      loop_->Start(Get(server_->Url("/waiting")), waiting.Callback());
  ASSERT_TRUE(
      Eventually([&] { return loop_->GetStats().transfers_waiting == 1; }));

  loop_->Cancel(id);

  const absl::StatusOr<HttpResponse>& response = waiting.Wait();
  EXPECT_THAT(response, FailedWith(absl::StatusCode::kCancelled, Sent::kNo));
  EXPECT_EQ(loop_->GetStats().transfers_waiting, 0);
  // The place it would have taken goes to nobody: the held one finishes
  // alone once released.
  server_->ReleaseHeld();
  EXPECT_TRUE(held.Wait().ok());
  EXPECT_EQ(server_->requests().size(), 1);
  EXPECT_EQ(waiting.calls(), 1);
}

TEST_F(CurlLoopTest, DestructorCompletesWaitingTransfersOnceUnsent) {
  constexpr int kTransfers = 5;
  StartServer(Hold());
  StartLoop(MaxConcurrentTransfers(1));
  ResultCounter counter(kTransfers);
  for (int i = 0; i < kTransfers; ++i) {
    loop_->Start(Get(server_->Url("/")), counter.Callback());
  }
  ASSERT_TRUE(server_->WaitForRequests(1, kWait));
  ASSERT_TRUE(Eventually(
      [&] { return loop_->GetStats().transfers_waiting == kTransfers - 1; }));

  loop_.reset();

  EXPECT_EQ(counter.calls(), kTransfers);
  EXPECT_EQ(counter.cancelled(), kTransfers);
  EXPECT_EQ(server_->requests().size(), 1);
}

TEST_F(CurlLoopTest, DestructorCancelsEveryTransferOnce) {
  constexpr int kStarted = 10;
  constexpr int kQueued = 10;
  StartServer(Hold());
  StartLoop();
  ResultCounter counter(kStarted + kQueued);
  for (int i = 0; i < kStarted; ++i) {
    loop_->Start(Get(server_->Url("/")), counter.Callback());
  }
  ASSERT_TRUE(server_->WaitForRequests(kStarted, kWait));
  // These may or may not have reached the loop when it stops.
  for (int i = 0; i < kQueued; ++i) {
    loop_->Start(Get(server_->Url("/")), counter.Callback());
  }

  loop_.reset();

  EXPECT_EQ(counter.calls(), kStarted + kQueued);
  EXPECT_EQ(counter.cancelled(), kStarted + kQueued);
}

TEST_F(CurlLoopTest, StartFromACallbackDuringShutdownIsCancelled) {
  StartServer(Hold());
  StartLoop();
  const ResultSlot first;
  const ResultSlot second;
  CurlLoop* loop = loop_.get();
  const std::string url = server_->Url("/");
  loop_->Start(Get(url), [loop, url, second, first_done = first.Callback()](
                             absl::StatusOr<HttpResponse> result) mutable {
    loop->Start(Get(url), second.Callback());
    std::move(first_done)(std::move(result));
  });
  ASSERT_TRUE(server_->WaitForRequests(1, kWait));

  loop_.reset();

  EXPECT_EQ(first.calls(), 1);
  EXPECT_EQ(second.calls(), 1);
  EXPECT_EQ(second.Wait(absl::ZeroDuration()).status().code(),
            absl::StatusCode::kCancelled);
}

TEST_F(CurlLoopTest, CallbacksRunOnTheLoopThreadNeverOnTheCaller) {
  StartServer(Respond(200, ""));
  StartLoop();
  std::vector<ResultSlot> slots;
  auto start = [&](HttpRequest request) {
    slots.emplace_back();
    loop_->Start(std::move(request), slots.back().Callback());
  };
  for (int i = 0; i < 10; ++i) start(Get(server_->Url("/")));
  // Failures found before any I/O must not run inline either.
  HttpRequest bad_header = Get(server_->Url("/"));
  bad_header.headers = {{"Bad Name", "x"}};
  start(std::move(bad_header));
  HttpRequest no_time = Get(server_->Url("/"));
  no_time.timeout = absl::ZeroDuration();
  start(std::move(no_time));

  std::vector<std::thread::id> threads;
  for (const ResultSlot& slot : slots) {
    slot.Wait();
    threads.push_back(slot.thread());
  }

  EXPECT_THAT(threads, Each(Not(Eq(std::this_thread::get_id()))));
  EXPECT_THAT(threads, Each(Eq(threads[0])));
}

// HTTPS against a server whose certificate comes from a throwaway CA.
class CurlLoopTlsTest : public CurlLoopTest {
 protected:
  void SetUp() override {
    absl::StatusOr<testing::TestCertificates> certs =
        testing::MakeTestCertificates();
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_ = *std::move(certs);
    absl::StatusOr<std::unique_ptr<FakeHttpServer>> server =
        FakeHttpServer::Start(Respond(200, "secure"),
                              FakeHttpServer::TlsFiles{certs_.server_cert_file,
                                                       certs_.server_key_file});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  void TearDown() override {
    CurlLoopTest::TearDown();
    if (!certs_.directory.empty()) {
      std::filesystem::remove_all(certs_.directory);
    }
  }

  testing::TestCertificates certs_;
};

TEST_F(CurlLoopTlsTest, UnknownCaFailsVerificationWithoutSending) {
  StartLoop();

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  EXPECT_THAT(response, FailedWith(absl::StatusCode::kUnavailable, Sent::kNo));
  EXPECT_THAT(response.status().message(), HasSubstr("certificate"));
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(CurlLoopTlsTest, ExtraCaFileAddsTrust) {
  StartLoop(TrustingCa(certs_.ca_cert_file));

  absl::StatusOr<HttpResponse> response = Fetch(Get(server_->Url("/")));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "secure");
}

// Each new TLS connection must not re-read the system CA bundle on the loop
// thread (see CurlLoop::Create): that took ~50 ms of CPU per connection,
// so a burst like this one needed ~10 s. Held replies keep every connection
// busy, so each transfer needs a handshake of its own.
TEST_F(CurlLoopTlsTest, BurstOfNewTlsConnectionsCompletes) {
  constexpr int kTransfers = 200;
  absl::StatusOr<std::unique_ptr<FakeHttpServer>> server =
      FakeHttpServer::Start(Hold(),
                            FakeHttpServer::TlsFiles{certs_.server_cert_file,
                                                     certs_.server_key_file});
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  CurlLoopOptions options = TrustingCa(certs_.ca_cert_file);
  options.connect_timeout = absl::Seconds(5);  // About 10x what it needs.
  StartLoop(options);
  std::vector<ResultSlot> slots(kTransfers);
  for (const ResultSlot& slot : slots) {
    loop_->Start(Get(server_->Url("/")), slot.Callback());
  }

  ASSERT_TRUE(server_->WaitForRequests(kTransfers, kWait));
  server_->ReleaseHeld();

  for (const ResultSlot& slot : slots) {
    const absl::StatusOr<HttpResponse>& response = slot.Wait();
    ASSERT_TRUE(response.ok()) << response.status();
  }
  EXPECT_EQ(server_->accepted_connections(), kTransfers);
}

TEST_F(CurlLoopTlsTest, ExtraCaFileServesEveryNewConnection) {
  StartLoop(TrustingCa(certs_.ca_cert_file));

  // "Connection: close" forces a new TLS connection for each request; the
  // second sees libcurl's cached trust store that already holds the CA.
  for (int i = 0; i < 2; ++i) {
    HttpRequest request = Get(server_->Url("/"));
    request.headers = {{"Connection", "close"}};
    absl::StatusOr<HttpResponse> response = Fetch(std::move(request));
    ASSERT_TRUE(response.ok()) << i << ": " << response.status();
  }
  EXPECT_EQ(server_->accepted_connections(), 2);
}

// Against nghttpd, a real HTTP/2 server (Debian's nghttp2-server, which
// scripts/install-deps.sh installs): a machine without it fails these tests
// rather than leaving the HTTP/2 path untested.
class CurlLoopHttp2Test : public CurlLoopTest {
 protected:
  void SetUp() override {
    docroot_ = std::filesystem::temp_directory_path() /
               absl::StrCat("curl_loop_h2_", getpid());
    std::filesystem::create_directories(docroot_);
    std::ofstream(docroot_ / "hello.txt") << "hello over h2";
  }

  void TearDown() override {
    CurlLoopTest::TearDown();
    nghttpd_.reset();
    std::filesystem::remove_all(docroot_);
    if (!certs_.directory.empty()) {
      std::filesystem::remove_all(certs_.directory);
    }
  }

  absl::Status StartNghttpd(std::optional<FakeHttpServer::TlsFiles> tls) {
    absl::StatusOr<std::unique_ptr<testing::NghttpdServer>> nghttpd =
        testing::NghttpdServer::Start(docroot_.string(), std::move(tls));
    if (!nghttpd.ok()) return nghttpd.status();
    nghttpd_ = *std::move(nghttpd);
    return absl::OkStatus();
  }

  absl::Status StartTlsNghttpd() {
    absl::StatusOr<testing::TestCertificates> certs =
        testing::MakeTestCertificates();
    if (!certs.ok()) return certs.status();
    certs_ = *std::move(certs);
    return StartNghttpd(FakeHttpServer::TlsFiles{certs_.server_cert_file,
                                                 certs_.server_key_file});
  }

  // Starts `count` GETs of hello.txt at once and checks every answer.
  void FetchConcurrently(int count) {
    std::vector<ResultSlot> slots;
    for (int i = 0; i < count; ++i) {
      slots.emplace_back();
      loop_->Start(Get(nghttpd_->Url("/hello.txt")), slots.back().Callback());
    }
    for (int i = 0; i < count; ++i) {
      const absl::StatusOr<HttpResponse>& response = slots[i].Wait();
      ASSERT_TRUE(response.ok()) << i << ": " << response.status();
      EXPECT_EQ(response->status, 200);
      EXPECT_EQ(response->body, "hello over h2");
    }
  }

  std::filesystem::path docroot_;
  testing::TestCertificates certs_;
  std::unique_ptr<testing::NghttpdServer> nghttpd_;
};

// libcurl < 8.0.0 breaks reused prior-knowledge connections (curl #10634).
bool LibcurlHandlesPriorKnowledge() {
  return curl_version_info(CURLVERSION_NOW)->version_num >= 0x080000;
}

// Built only where CurlLoop accepts `http2_prior_knowledge`; elsewhere
// PriorKnowledgeIsRefusedWhereLibcurlBreaksIt covers the option.
#if LIBCURL_VERSION_NUM >= 0x080000
TEST_F(CurlLoopHttp2Test, PriorKnowledgeMultiplexesOnOneConnection) {
  ASSERT_TRUE(LibcurlHandlesPriorKnowledge());
  const absl::Status started = StartNghttpd(std::nullopt);
  ASSERT_TRUE(started.ok()) << started;
  CurlLoopOptions options;
  options.http2_prior_knowledge = true;
  StartLoop(options);

  FetchConcurrently(50);

  EXPECT_EQ(loop_->GetStats().connections_opened, 1);
}
#endif

TEST_F(CurlLoopHttp2Test, TlsNegotiatesHttp2AndMultiplexesOnOneConnection) {
  const absl::Status started = StartTlsNghttpd();
  ASSERT_TRUE(started.ok()) << started;
  StartLoop(TrustingCa(certs_.ca_cert_file));

  FetchConcurrently(50);
  FetchConcurrently(50);  // The warm connection takes a second wave.

  EXPECT_EQ(loop_->GetStats().connections_opened, 1);
}

TEST_F(CurlLoopHttp2Test, PostBodyAndHeadersTravelOverHttp2) {
  const absl::Status started = StartTlsNghttpd();
  ASSERT_TRUE(started.ok()) << started;
  StartLoop(TrustingCa(certs_.ca_cert_file));
  absl::StatusOr<HttpResponse> response =
      Fetch(Post(nghttpd_->Url("/echo"), R"({"ttl":60})"));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"ttl":60})");
  // HTTP/2 header names arrive in lower case already; check one is there.
  EXPECT_NE(response->FindHeader("server"), nullptr);
}

TEST(CurlLoopCreateTest, PriorKnowledgeIsRefusedWhereLibcurlBreaksIt) {
  CurlLoopOptions options;
  options.http2_prior_knowledge = true;

  absl::StatusOr<std::unique_ptr<CurlLoop>> loop = CurlLoop::Create(options);

  if (LibcurlHandlesPriorKnowledge()) {
    EXPECT_TRUE(loop.ok()) << loop.status();
  } else {
    EXPECT_EQ(loop.status().code(), absl::StatusCode::kFailedPrecondition);
  }
}

TEST(CurlLoopCreateTest, MissingCaFileIsAnError) {
  CurlLoopOptions options;
  options.ca_file = "/nonexistent/ca.pem";

  EXPECT_EQ(CurlLoop::Create(options).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(CurlLoopCreateTest, CaFileWithoutCertificatesIsAnError) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            absl::StrCat("not_a_ca_", getpid(), ".pem"))
                               .string();
  std::ofstream(path) << "not a certificate\n";
  CurlLoopOptions options;
  options.ca_file = path;

  absl::Status status = CurlLoop::Create(options).status();

  std::filesystem::remove(path);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
}

}  // namespace
}  // namespace gateway::http
