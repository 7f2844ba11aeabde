// Bearer authentication against api.video (--auth=bearer).
//
// Exchanges the API key for an access token (POST /auth/api-key) once,
// caches it, and renews it before it expires through POST /auth/refresh,
// falling back to /auth/api-key when the refresh token is refused. However
// many calls are waiting, one request at a time is in flight for a token
// ("single flight"). Calls made while a still-valid token is being renewed
// go on with the old one. After a 401, Renew() drops the rejected token so
// that the next Authorize() fetches a new one.
//
// The API key and the tokens never appear in a log line or an error that the
// gateway writes; BearerAuthOptions::on_new_token hands each token to the
// secret scrubber, for errors that quote what the upstream was sent.

#ifndef GATEWAY_APIVIDEO_BEARER_AUTHENTICATOR_H_
#define GATEWAY_APIVIDEO_BEARER_AUTHENTICATOR_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/routes.h"
#include "gateway/apivideo/upstream_observer.h"
#include "gateway/http/http_client.h"

namespace gateway::apivideo {

struct BearerAuthOptions {
  // Bounds each POST /auth/... exchange.
  absl::Duration request_timeout = absl::Seconds(10);
  // Renew this long before expiry (at most half of the token's lifetime).
  absl::Duration refresh_ahead = absl::Seconds(60);
  // After a failed renewal of a still-valid token, wait this long before
  // trying again, so that every call does not set off another attempt.
  absl::Duration retry_after_failure = absl::Seconds(2);
  std::function<absl::Time()> now = [] { return absl::Now(); };
  // Told of each /auth exchange and each token obtained; may be null.
  UpstreamObserver* observer = nullptr;
  // Given each access and refresh token before any call uses it, with the
  // time after which it is worth nothing to anyone who sees it (the secret
  // scrubber looks for it until then); may be empty.
  std::function<void(absl::string_view token, absl::Time forget_after)>
      on_new_token;
};

class BearerAuthenticator final : public Authenticator {
 public:
  // `client` must outlive the authenticator.
  BearerAuthenticator(http::HttpClient& client, const BaseUrl& base_url,
                      std::string api_key, BearerAuthOptions options = {});

  void Authorize(Callback done) override;
  bool Renew(absl::string_view authorization) override;
  // Drops the current tokens: the next call fetches one with the new key.
  void SetApiKey(absl::string_view api_key) override;

  // Tokens obtained so far (each /auth exchange that succeeded).
  std::int64_t tokens_obtained() const { return tokens_obtained_.load(); }

 private:
  // Sends POST /auth/refresh when a refresh token is at hand, else
  // POST /auth/api-key.
  void Fetch(bool use_refresh_token);
  void OnAnswer(absl::StatusOr<http::HttpResponse> answer, bool was_refresh,
                int key_generation);
  // Hands `result` to every waiting caller.
  void Resolve(const absl::StatusOr<std::string>& result);

  http::HttpClient& client_;
  const std::string base_url_;
  const BearerAuthOptions options_;
  std::atomic<std::int64_t> tokens_obtained_{0};

  absl::Mutex mu_;
  std::string api_key_ ABSL_GUARDED_BY(mu_);
  // Bumped by SetApiKey: an answer to a request made with an older key is
  // not kept.
  int key_generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::string header_ ABSL_GUARDED_BY(mu_);  // "Bearer <token>" or empty
  std::string refresh_token_ ABSL_GUARDED_BY(mu_);
  absl::Time expires_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time renew_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool fetching_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Callback> waiting_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_BEARER_AUTHENTICATOR_H_
