// The one upstream request a benchmark floor repeats, and how a libcurl easy
// handle is set up to make it: floor_curl.cc and floor_server.cc --relay
// make theirs the same way, so that they measure the same client work.

#ifndef BENCH_CURL_REQUEST_H_
#define BENCH_CURL_REQUEST_H_

#include <curl/curl.h>

#include <string>

namespace bench {

struct CurlRequest {
  std::string verb;  // POST sends `body` as JSON; anything else is a GET
  std::string url;
  std::string auth_header;  // e.g. "Authorization: Basic ..."
  std::string body;

  bool is_post() const { return verb == "POST"; }

  // The request's headers; the caller frees them (curl_slist_free_all) once
  // no handle set up with them is in use.
  curl_slist* NewHeaders() const {
    curl_slist* headers = curl_slist_append(nullptr, auth_header.c_str());
    if (is_post()) {
      headers = curl_slist_append(headers, "Content-Type: application/json");
    }
    return headers;
  }

  // Sets `easy` up to make this request, handing the answer's body to
  // `write(…, user)`; `user` is also the handle's CURLINFO_PRIVATE. `this`
  // and `headers` must outlive the handle's use.
  void Configure(CURL* easy, curl_slist* headers, curl_write_callback write,
                 void* user) const {
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, user);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, user);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    if (is_post()) {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(body.size()));
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
    }
  }
};

}  // namespace bench

#endif  // BENCH_CURL_REQUEST_H_
