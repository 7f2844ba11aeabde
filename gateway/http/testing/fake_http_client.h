// FakeHttpClient: an http::HttpClient for unit tests of the layers above the
// transport. It sends nothing: it records each started transfer, and the test
// decides when and how each one ends.
//
// It keeps HttpClient's contract: Start never runs the callback (the test does,
// later, through Complete/Respond/DeliverCancellations), and every callback
// runs exactly once. Cancel only records the request, as the real client's
// loop thread would; DeliverCancellations then ends each transfer that was
// cancelled while still running with kCancelled. A transfer completed before
// its cancellation is delivered keeps the completion, as when a real transfer
// finishes before the loop sees the cancel.
//
// Example:
//   FakeHttpClient client;
//   api.Get("to1", options, callback);
//   ASSERT_EQ(client.started(), 1);
//   EXPECT_EQ(client.request(0).url, "https://ws.api.video/upload-tokens/to1");
//   client.Respond(0, 200, R"({"token":"to1", ...})");

#ifndef GATEWAY_HTTP_TESTING_FAKE_HTTP_CLIENT_H_
#define GATEWAY_HTTP_TESTING_FAKE_HTTP_CLIENT_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "gateway/http/http_client.h"
#include "gateway/http/http_types.h"

namespace gateway::http::testing {

class FakeHttpClient final : public HttpClient {
 public:
  FakeHttpClient() = default;
  FakeHttpClient(const FakeHttpClient&) = delete;
  FakeHttpClient& operator=(const FakeHttpClient&) = delete;

  // Fails the test (via ADD_FAILURE in the destructor) if transfers are still
  // running: a test that forgets one would hide a lost callback.
  ~FakeHttpClient() override;

  TransferId Start(HttpRequest request, ResponseCallback done) override;
  void Cancel(TransferId id) override;

  // Transfers started so far, in order; indices below count in this order.
  std::size_t started() const;
  // A copy of the request of transfer `index`.
  HttpRequest request(std::size_t index) const;
  TransferId id(std::size_t index) const;
  // Transfers whose callback has not run yet.
  std::size_t running() const;
  // Every id passed to Cancel, in order, including unknown or finished ones.
  std::vector<TransferId> cancel_calls() const;

  // Ends transfer `index` with `outcome`. Returns false, without running
  // anything, when that transfer has already ended.
  bool Complete(std::size_t index, absl::StatusOr<HttpResponse> outcome);
  // Ends transfer `index` with an HTTP answer.
  bool Respond(std::size_t index, int status, std::string body,
               std::vector<std::pair<std::string, std::string>> headers = {});
  // Ends every running transfer that Cancel was called for with kCancelled.
  // Returns how many callbacks ran.
  int DeliverCancellations();

 private:
  struct Transfer {
    TransferId id = 0;
    HttpRequest request;
    ResponseCallback done;  // empty once run
    bool cancel_requested = false;
  };

  // Takes the callback of `index` if it has not run yet.
  ResponseCallback TakeCallback(std::size_t index);

  mutable absl::Mutex mu_;
  std::vector<Transfer> transfers_ ABSL_GUARDED_BY(mu_);
  std::vector<TransferId> cancel_calls_ ABSL_GUARDED_BY(mu_);
  TransferId next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace gateway::http::testing

#endif  // GATEWAY_HTTP_TESTING_FAKE_HTTP_CLIENT_H_
