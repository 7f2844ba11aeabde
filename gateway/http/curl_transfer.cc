#include "gateway/http/curl_transfer.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/http/curl_status.h"

namespace gateway::http {
namespace {

// RFC 9110 token characters. Anything else could inject header lines or
// confuse libcurl's "Name;" (empty value) syntax.
bool IsValidHeaderName(absl::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           absl::StrContains("!#$%&'*+-.^_`|~", c);
  });
}

bool IsValidHeaderValue(absl::string_view value) {
  return value.find_first_of(absl::string_view("\r\n\0", 3)) ==
         absl::string_view::npos;
}

// libcurl's millisecond options: 0 means "no limit", so a finite duration
// is rounded up to at least 1 ms.
long ToCurlMillis(absl::Duration duration) {  // NOLINT(google-runtime-int)
  if (duration == absl::InfiniteDuration()) return 0;
  const std::int64_t millis =
      absl::ToInt64Milliseconds(absl::Ceil(duration, absl::Milliseconds(1)));
  return static_cast<long>(  // NOLINT(google-runtime-int)
      std::clamp<std::int64_t>(millis, 1, LONG_MAX));
}

// Now plus `timeout`, or never for timeouts too long to matter (which also
// keeps an infinite one from overflowing the clock).
CurlTransfer::Clock::time_point DeadlineAfter(absl::Duration timeout) {
  if (timeout >= absl::Hours(24 * 365)) {
    return CurlTransfer::Clock::time_point::max();
  }
  return CurlTransfer::Clock::now() +
         absl::ToChronoNanoseconds(std::max(timeout, absl::ZeroDuration()));
}

// Connections idle for longer are not reused for requests that must not be
// resent; servers and load balancers close idle connections after 60 s or
// more (nginx 75 s, AWS load balancers 60 s).
constexpr long kMaxIdleSecondsBeforeUnrepeatableRequest =  // NOLINT
    20;

bool IsHttpsUrl(absl::string_view url) {
  return absl::StartsWithIgnoreCase(url, "https://");
}

}  // namespace

CurlTransfer::CurlTransfer(TransferId id, HttpRequest request,
                           ResponseCallback done)
    : id_(id),
      request_(std::move(request)),
      deadline_(DeadlineAfter(request_.timeout)),
      done_(std::move(done)) {}

CurlTransfer::~CurlTransfer() = default;

absl::Status CurlTransfer::ExpiredBeforeStart() const {
  return MarkRequestNotSent(absl::DeadlineExceededError(
      absl::StrCat(DescribeRequest(MethodName(request_.method), request_.url),
                   ": the timeout (", absl::FormatDuration(request_.timeout),
                   ") elapsed before the request started")));
}

absl::Status CurlTransfer::Configure(CURL* easy,
                                     const TransferSettings& settings,
                                     Clock::time_point now) {
  const CurlLoopOptions& options = settings.options;
  easy_ = easy;
  max_response_bytes_ = options.max_response_bytes;
  max_header_bytes_ = options.max_response_header_bytes;
  const absl::string_view method = MethodName(request_.method);

  if (deadline_ <= now) return ExpiredBeforeStart();
  const absl::Duration timeout = deadline_ == Clock::time_point::max()
                                     ? absl::InfiniteDuration()
                                     : absl::FromChrono(deadline_ - now);

  // Header lines. Names and values are checked but never echoed: values may
  // carry credentials.
  auto add_line = [this](const std::string& line) {
    curl_slist* head = curl_slist_append(header_list_.get(), line.c_str());
    if (head == nullptr) return false;
    (void)header_list_.release();  // `head` is the same list, or a new one.
    header_list_.reset(head);
    return true;
  };
  std::string line;   // Reused: curl_slist_append copies it.
  line.reserve(256);  // Longer than the gateway's usual headers.
  for (const auto& [name, value] : request_.headers) {
    if (!IsValidHeaderName(name) || !IsValidHeaderValue(value)) {
      return MarkRequestNotSent(absl::InternalError(
          absl::StrCat(DescribeRequest(method, request_.url),
                       ": invalid header name or value")));
    }
    // libcurl sends "Name;" as a header with an empty value; "Name:" would
    // remove the header instead.
    line.clear();
    if (value.empty()) {
      absl::StrAppend(&line, name, ";");
    } else {
      absl::StrAppend(&line, name, ": ", value);
    }
    if (!add_line(line)) {
      return MarkRequestNotSent(absl::ResourceExhaustedError("out of memory"));
    }
  }
  // An empty Expect: stops libcurl from waiting for "100 Continue" on big
  // bodies: a wasted round trip with servers that never send it.
  if (request_.method == Method::kPost && !add_line("Expect:")) {
    return MarkRequestNotSent(absl::ResourceExhaustedError("out of memory"));
  }

  const bool can_multiplex =
      options.http2_prior_knowledge || IsHttpsUrl(request_.url);
  const absl::Duration connect_timeout =
      std::min(options.connect_timeout, timeout);

  CURLcode rc = CURLE_OK;
  auto check = [&rc](CURLcode result) {
    if (rc == CURLE_OK) rc = result;
  };
  check(curl_easy_setopt(easy, CURLOPT_PRIVATE, this));
  check(curl_easy_setopt(easy, CURLOPT_URL, request_.url.c_str()));
  check(curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https"));
  check(curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L));
  // Multi-threaded program: no signals (SIGALRM for DNS timeouts, SIGPIPE
  // juggling). On Linux libcurl then sends with MSG_NOSIGNAL.
  check(curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L));
  // With the multi interface this includes time queued for a connection.
  check(curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, ToCurlMillis(timeout)));
  check(curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                         ToCurlMillis(connect_timeout)));
  check(curl_easy_setopt(easy, CURLOPT_HTTP_VERSION,
                         options.http2_prior_knowledge
                             ? CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
                             : CURL_HTTP_VERSION_2TLS));
  // Wait for a connection being set up to say whether it multiplexes rather
  // than open another. Pointless (a delay) where HTTP/2 is impossible.
  check(curl_easy_setopt(easy, CURLOPT_PIPEWAIT, can_multiplex ? 1L : 0L));
  // Keeps idle pooled connections alive through NATs and firewalls.
  check(curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L));
  check(curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str()));
  check(curl_easy_setopt(easy, CURLOPT_HTTPHEADER, header_list_.get()));
  check(curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L));
  check(curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L));
  if (settings.skip_default_ca_path) {
    check(curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr));
  }
  if (settings.extra_ca != nullptr) {
    check(curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION,
                           &ExtraCaCerts::SslCtxCallback));
    check(curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, settings.extra_ca));
  }
  check(curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_));
  check(
      curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &CurlTransfer::OnHeader));
  check(curl_easy_setopt(easy, CURLOPT_HEADERDATA, this));
  check(curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &CurlTransfer::OnBody));
  check(curl_easy_setopt(easy, CURLOPT_WRITEDATA, this));
  if (max_response_bytes_ > 0) {
    // Fails at once on a Content-Length over the cap; OnBody covers bodies
    // of unannounced length.
    check(curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                           static_cast<curl_off_t>(max_response_bytes_)));
  }
  switch (request_.method) {
    case Method::kGet:
      check(curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L));
      break;
    case Method::kPost:
      check(curl_easy_setopt(easy, CURLOPT_POST, 1L));
      check(curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request_.body.size())));
      // Not copied: request_ outlives the transfer.
      check(curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request_.body.data()));
      break;
    case Method::kDelete:
      check(curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "DELETE"));
      break;
  }
  if (!request_.resend_on_stale_connection) {
    // libcurl resends a request by itself, on a new connection, when the
    // reused connection it went out on dies before any answer arrives, and
    // has no option against it. Every attempt passes through the prereq
    // callback just before the request is sent, so the second one is
    // refused there. Such requests still reuse connections (a new TCP and
    // TLS handshake per create cost more than the GET itself), but only
    // ones idle for a short time, which a server is unlikely to be closing
    // at that very moment: the race that makes libcurl resend.
    // Trade-offs, as with Go's net/http, which does not resend such requests
    // on reused connections either: a resend libcurl knows to be safe (an
    // HTTP/2 stream refused by the server, as after a GOAWAY) is refused
    // too and ends as UNAVAILABLE, may have been sent; and libcurl applies
    // the shorter idle age to the whole connection cache when it prunes it,
    // so idle connections are closed after 20 s rather than 118 s.
    check(curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION,
                           &CurlTransfer::OnPrereq));
    check(curl_easy_setopt(easy, CURLOPT_PREREQDATA, this));
    check(curl_easy_setopt(easy, CURLOPT_MAXAGE_CONN,
                           kMaxIdleSecondsBeforeUnrepeatableRequest));
  }
  if (rc != CURLE_OK) {
    return MarkRequestNotSent(absl::InternalError(
        absl::StrCat(DescribeRequest(method, request_.url),
                     ": cannot configure libcurl: ", curl_easy_strerror(rc))));
  }
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> CurlTransfer::Result(CURLcode code) {
  if (resend_refused_) {
    // What libcurl reported is the refusal; what happened is that the
    // connection died after the request went out and before any answer.
    return absl::UnavailableError(absl::StrCat(
        DescribeRequest(MethodName(request_.method), request_.url),
        ": the connection closed before an answer; not resent, as the "
        "request may have taken effect"));
  }
  if (code == CURLE_OK && !body_too_large_ && !headers_too_large_) {
    long status = 0;  // NOLINT(google-runtime-int)
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    response_.status = static_cast<int>(status);
    return std::move(response_);
  }
  CurlFailure failure;
  failure.code = code;
  failure.request_bytes = RequestBytes();
  failure.body_too_large = body_too_large_;
  failure.headers_too_large = headers_too_large_;
  failure.method = MethodName(request_.method);
  failure.url = request_.url;
  failure.detail = error_;
  failure.max_response_bytes = max_response_bytes_;
  failure.max_header_bytes = max_header_bytes_;
  failure.timeout = request_.timeout;
  return CurlFailureToStatus(failure);
}

absl::Status CurlTransfer::Cancelled() const {
  return WithSendState(
      absl::CancelledError(absl::StrCat(
          DescribeRequest(MethodName(request_.method), request_.url),
          ": cancelled")),
      RequestBytes());
}

long CurlTransfer::ConnectionsOpened() const {  // NOLINT(google-runtime-int)
  return LongInfo(CURLINFO_NUM_CONNECTS);
}

void CurlTransfer::Complete(absl::StatusOr<HttpResponse> result) {
  std::move(done_)(std::move(result));
}

long CurlTransfer::RequestBytes() const {  // NOLINT(google-runtime-int)
  return LongInfo(CURLINFO_REQUEST_SIZE);
}

long CurlTransfer::LongInfo(
    CURLINFO info) const {  // NOLINT(google-runtime-int)
  long value = 0;           // NOLINT(google-runtime-int)
  if (easy_ == nullptr || curl_easy_getinfo(easy_, info, &value) != CURLE_OK) {
    return 0;
  }
  return value;
}

int CurlTransfer::OnPrereq(void* self, char* /*primary_ip*/, char* /*local_ip*/,
                           int /*primary_port*/, int /*local_port*/) {
  auto* transfer = static_cast<CurlTransfer*>(self);
  if (++transfer->attempts_ == 1) return CURL_PREREQFUNC_OK;
  transfer->resend_refused_ = true;
  return CURL_PREREQFUNC_ABORT;
}

std::size_t CurlTransfer::OnHeader(char* data, std::size_t size,
                                   std::size_t count, void* self) {
  auto* transfer = static_cast<CurlTransfer*>(self);
  const std::size_t length = size * count;
  // Counted across header blocks: an upstream must not get around the cap
  // by sending many interim responses.
  if (length > transfer->max_header_bytes_ - transfer->header_bytes_) {
    transfer->headers_too_large_ = true;
    return 0;  // Not `length`: libcurl aborts with CURLE_WRITE_ERROR.
  }
  transfer->header_bytes_ += length;
  transfer->AddHeaderLine(absl::string_view(data, length));
  return length;
}

void CurlTransfer::AddHeaderLine(absl::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  if (line.empty()) return;  // The end of one header block.
  auto& headers = response_.headers;
  if (absl::StartsWith(line, "HTTP/")) {
    // A status line starts a new response: the headers so far belonged to an
    // interim (1xx) response.
    headers.clear();
    return;
  }
  if (line.front() == ' ' || line.front() == '\t') {
    // Obsolete line folding continues the previous header's value.
    if (!headers.empty()) {
      absl::StrAppend(&headers.back().second, " ",
                      absl::StripAsciiWhitespace(line));
    }
    return;
  }
  const std::size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return;
  // api.video answers with about a dozen headers (rate limits, caching,
  // content type); growing the vector one doubling at a time cost 4
  // allocations per transfer.
  if (headers.capacity() == 0) headers.reserve(16);
  headers.emplace_back(
      absl::AsciiStrToLower(line.substr(0, colon)),
      std::string{absl::StripAsciiWhitespace(line.substr(colon + 1))});
}

std::size_t CurlTransfer::OnBody(char* data, std::size_t size,
                                 std::size_t count, void* self) {
  auto* transfer = static_cast<CurlTransfer*>(self);
  std::string& body = transfer->response_.body;
  const std::size_t length = size * count;
  if (length > transfer->max_response_bytes_ - body.size()) {
    transfer->body_too_large_ = true;
    return 0;  // Not `length`: libcurl aborts with CURLE_WRITE_ERROR.
  }
  if (body.empty()) {
    curl_off_t announced = -1;
    if (curl_easy_getinfo(transfer->easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
                          &announced) == CURLE_OK &&
        announced > 0) {
      body.reserve(static_cast<std::size_t>(announced));  // <= the cap.
    }
  }
  body.append(data, length);
  return length;
}

}  // namespace gateway::http
