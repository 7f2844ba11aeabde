// CurlTransfer: one HTTP exchange of a CurlLoop (curl_loop.h). It owns the
// request and the caller's callback, configures a libcurl easy handle for the
// request, collects the response from libcurl's callbacks, and turns the end
// of the transfer into the result the HttpClient contract promises.
//
// Internal to CurlLoop: everything but construction happens on the loop
// thread, so the class is not thread-safe.

#ifndef GATEWAY_HTTP_CURL_TRANSFER_H_
#define GATEWAY_HTTP_CURL_TRANSFER_H_

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/http/curl_loop_options.h"
#include "gateway/http/extra_ca_certs.h"
#include "gateway/http/http_client.h"
#include "gateway/http/http_types.h"

namespace gateway::http {

// What every transfer of one CurlLoop shares.
struct TransferSettings {
  CurlLoopOptions options;
  // Null without CurlLoopOptions::ca_file.
  const ExtraCaCerts* extra_ca = nullptr;
  // Leave out libcurl's default CA directory, trusting its default CA file
  // alone: see CurlLoop::Create() for why.
  bool skip_default_ca_path = false;
};

class CurlTransfer {
 public:
  using Clock = std::chrono::steady_clock;

  // The request's timeout starts now: time spent waiting for the loop, or
  // for a place under CurlLoopOptions::max_concurrent_transfers, counts.
  CurlTransfer(TransferId id, HttpRequest request, ResponseCallback done);

  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;
  ~CurlTransfer();

  TransferId id() const { return id_; }

  // The easy handle given to Configure(), or nullptr before.
  CURL* easy() const { return easy_; }

  // When the request's timeout runs out.
  Clock::time_point deadline() const { return deadline_; }

  // Sets up `easy`, a new or curl_easy_reset() handle, for this request. The
  // transfer must outlive libcurl's use of the handle. On error (a request
  // that cannot be sent: bad header, zero timeout, ...) the returned status
  // is the transfer's result, already marked not-sent. The transfer gets
  // what is left of its timeout at `now`.
  absl::Status Configure(CURL* easy, const TransferSettings& settings,
                         Clock::time_point now = Clock::now());

  // The result of a transfer whose timeout ran out before it was handed to
  // libcurl.
  absl::Status ExpiredBeforeStart() const;

  // The result once libcurl finished the transfer with `code`. Moves the
  // collected response out; call at most once, before the handle is reset.
  absl::StatusOr<HttpResponse> Result(CURLcode code);

  // The result of a transfer abandoned by Cancel() or shutdown.
  absl::Status Cancelled() const;

  // CURLINFO_NUM_CONNECTS: connections libcurl opened for this transfer.
  long ConnectionsOpened() const;  // NOLINT(google-runtime-int)

  // Runs the callback with `result`. Call exactly once.
  void Complete(absl::StatusOr<HttpResponse> result);

 private:
  // CURLOPT_HEADERFUNCTION and CURLOPT_WRITEFUNCTION.
  static std::size_t OnHeader(char* data, std::size_t size, std::size_t count,
                              void* self);
  static std::size_t OnBody(char* data, std::size_t size, std::size_t count,
                            void* self);
  // CURLOPT_PREREQFUNCTION of requests that must not be resent.
  static int OnPrereq(void* self, char* primary_ip, char* local_ip,
                      int primary_port, int local_port);

  void AddHeaderLine(absl::string_view line);
  long RequestBytes() const;  // NOLINT(google-runtime-int)
  // A long-valued CURLINFO of the transfer; 0 before Configure() or if
  // libcurl cannot tell.
  long LongInfo(CURLINFO info) const;  // NOLINT(google-runtime-int)

  const TransferId id_;
  const HttpRequest request_;
  const Clock::time_point deadline_;
  ResponseCallback done_;

  CURL* easy_ = nullptr;  // Not owned.
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list_{
      nullptr, &curl_slist_free_all};
  std::size_t max_response_bytes_ = 0;
  bool body_too_large_ = false;
  std::size_t max_header_bytes_ = 0;
  std::size_t header_bytes_ = 0;  // Of every header block so far.
  bool headers_too_large_ = false;
  int attempts_ = 0;             // Requests libcurl was about to send.
  bool resend_refused_ = false;  // OnPrereq stopped a second one.
  HttpResponse response_;
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_CURL_TRANSFER_H_
