#include "gateway/http/curl_status.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gateway/http/http_client.h"

namespace gateway::http {
namespace {

absl::StatusCode CodeFor(const CurlFailure& failure) {
  if (failure.body_too_large || failure.headers_too_large) {
    return absl::StatusCode::kResourceExhausted;
  }
  switch (failure.code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::StatusCode::kDeadlineExceeded;

    // CURLOPT_MAXFILESIZE: the Content-Length announced too big a body.
    case CURLE_FILESIZE_EXCEEDED:
      return absl::StatusCode::kResourceExhausted;

    // No connection.
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_PROXY:
    // TLS failures.
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
    // Connection lost or answer cut short.
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
      return absl::StatusCode::kUnavailable;

    default:
      return absl::StatusCode::kInternal;
  }
}

// libcurl's error text names hosts and ports, not paths; but in case some
// message echoes the URL, drop any text that contains its path or query.
bool DetailIsSafe(absl::string_view detail, absl::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return false;
  const absl::string_view after_authority = [&] {
    absl::string_view rest = url.substr(scheme_end + 3);
    const std::size_t end = rest.find_first_of("/?#");
    return end == absl::string_view::npos ? absl::string_view()
                                          : rest.substr(end);
  }();
  const std::size_t query_start = after_authority.find('?');
  const absl::string_view path = after_authority.substr(0, query_start);
  if (path.size() > 1 && absl::StrContains(detail, path)) return false;
  if (query_start != absl::string_view::npos) {
    absl::string_view query = after_authority.substr(query_start + 1);
    query = query.substr(0, query.find('#'));
    if (!query.empty() && absl::StrContains(detail, query)) return false;
  }
  return true;
}

using CurlString = std::unique_ptr<char, decltype(&curl_free)>;

CurlString GetPart(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK) value = nullptr;
  return {value, &curl_free};
}

}  // namespace

absl::Status WithSendState(absl::Status status,
                           long request_bytes) {  // NOLINT(google-runtime-int)
  return request_bytes == 0 ? MarkRequestNotSent(std::move(status)) : status;
}

std::string DescribeRequest(absl::string_view method, absl::string_view url) {
  std::string where = "<invalid URL>";
  const std::string url_string(url);  // NUL-terminated for libcurl.
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(),
                                                             &curl_url_cleanup);
  if (parsed != nullptr &&
      curl_url_set(parsed.get(), CURLUPART_URL, url_string.c_str(),
                   CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    CurlString scheme = GetPart(parsed.get(), CURLUPART_SCHEME);
    CurlString host = GetPart(parsed.get(), CURLUPART_HOST);
    CurlString port = GetPart(parsed.get(), CURLUPART_PORT);
    if (scheme != nullptr && host != nullptr) {
      where = absl::StrCat(scheme.get(), "://", host.get());
      if (port != nullptr) absl::StrAppend(&where, ":", port.get());
    }
  }
  return absl::StrCat(method, " ", where);
}

absl::Status CurlFailureToStatus(const CurlFailure& failure) {
  const absl::StatusCode code = CodeFor(failure);
  std::string message = DescribeRequest(failure.method, failure.url);
  if (failure.headers_too_large) {
    absl::StrAppend(&message, ": response headers larger than ",
                    failure.max_header_bytes, " bytes");
  } else if (code == absl::StatusCode::kResourceExhausted) {
    absl::StrAppend(&message, ": response body larger than ",
                    failure.max_response_bytes, " bytes");
  } else if (code == absl::StatusCode::kDeadlineExceeded) {
    absl::StrAppend(&message, ": timed out, request timeout ",
                    absl::FormatDuration(failure.timeout));
  } else {
    absl::StrAppend(&message, ": ", curl_easy_strerror(failure.code));
  }
  if (!failure.detail.empty() && DetailIsSafe(failure.detail, failure.url)) {
    absl::StrAppend(&message, " (", failure.detail, ")");
  }
  return WithSendState(absl::Status(code, message), failure.request_bytes);
}

}  // namespace gateway::http
