#include "gateway/http/testing/fake_http_client.h"

#include <utility>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace gateway::http::testing {

FakeHttpClient::~FakeHttpClient() {
  const std::size_t still_running = running();
  if (still_running != 0) {
    ADD_FAILURE() << "FakeHttpClient destroyed with " << still_running
                  << " transfer(s) whose callback never ran";
  }
}

TransferId FakeHttpClient::Start(HttpRequest request, ResponseCallback done) {
  absl::MutexLock lock(&mu_);
  Transfer transfer;
  transfer.id = next_id_++;
  transfer.request = std::move(request);
  transfer.done = std::move(done);
  transfers_.push_back(std::move(transfer));
  return transfers_.back().id;
}

void FakeHttpClient::Cancel(TransferId id) {
  absl::MutexLock lock(&mu_);
  cancel_calls_.push_back(id);
  for (Transfer& transfer : transfers_) {
    if (transfer.id == id) transfer.cancel_requested = true;
  }
}

std::size_t FakeHttpClient::started() const {
  absl::MutexLock lock(&mu_);
  return transfers_.size();
}

HttpRequest FakeHttpClient::request(std::size_t index) const {
  absl::MutexLock lock(&mu_);
  return transfers_.at(index).request;
}

TransferId FakeHttpClient::id(std::size_t index) const {
  absl::MutexLock lock(&mu_);
  return transfers_.at(index).id;
}

std::size_t FakeHttpClient::running() const {
  absl::MutexLock lock(&mu_);
  std::size_t count = 0;
  for (const Transfer& transfer : transfers_) {
    if (transfer.done) ++count;
  }
  return count;
}

std::vector<TransferId> FakeHttpClient::cancel_calls() const {
  absl::MutexLock lock(&mu_);
  return cancel_calls_;
}

ResponseCallback FakeHttpClient::TakeCallback(std::size_t index) {
  absl::MutexLock lock(&mu_);
  ResponseCallback done = std::move(transfers_.at(index).done);
  transfers_.at(index).done = nullptr;
  return done;
}

bool FakeHttpClient::Complete(std::size_t index,
                              absl::StatusOr<HttpResponse> outcome) {
  ResponseCallback done = TakeCallback(index);
  if (!done) return false;
  // Outside the lock: the callback may start or cancel other transfers.
  std::move(done)(std::move(outcome));
  return true;
}

bool FakeHttpClient::Respond(
    std::size_t index, int status, std::string body,
    std::vector<std::pair<std::string, std::string>> headers) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return Complete(index, std::move(response));
}

int FakeHttpClient::DeliverCancellations() {
  std::vector<ResponseCallback> cancelled;
  {
    absl::MutexLock lock(&mu_);
    for (Transfer& transfer : transfers_) {
      if (transfer.cancel_requested && transfer.done) {
        cancelled.push_back(std::move(transfer.done));
        transfer.done = nullptr;
      }
    }
  }
  for (ResponseCallback& done : cancelled) {
    std::move(done)(absl::CancelledError("transfer cancelled"));
  }
  return static_cast<int>(cancelled.size());
}

}  // namespace gateway::http::testing
