#include "gateway/apivideo/bearer_authenticator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/apivideo/errors.h"
#include "gateway/apivideo/json_mapping.h"

namespace gateway::apivideo {
namespace {

constexpr absl::string_view kApiKeyRoute = "POST /auth/api-key";
constexpr absl::string_view kRefreshRoute = "POST /auth/refresh";

// A token this close to expiry is not handed out: the request it would
// authorize could arrive after it expired.
constexpr absl::Duration kExpirySafetyMargin = absl::Seconds(5);

// How far api.video's clock may be behind ours: an access token is still
// hidden this long after it expired by our clock.
constexpr absl::Duration kClockSkew = absl::Minutes(5);

}  // namespace

BearerAuthenticator::BearerAuthenticator(http::HttpClient& client,
                                         const BaseUrl& base_url,
                                         std::string api_key,
                                         BearerAuthOptions options)
    : client_(client),
      base_url_(base_url.ToString()),
      options_(std::move(options)),
      api_key_(std::move(api_key)) {}

void BearerAuthenticator::Authorize(Callback done) {
  std::string header;
  Callback answer_now;  // Set when the cached header will do.
  bool fetch = false;
  bool use_refresh_token = false;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = options_.now();
    if (!header_.empty() && now < expires_at_ - kExpirySafetyMargin) {
      header = header_;
      answer_now = std::move(done);
      if (now >= renew_at_ && !fetching_) {
        fetching_ = true;
        fetch = true;
        use_refresh_token = !refresh_token_.empty();
      }
    } else {
      waiting_.push_back(std::move(done));
      if (!fetching_) {
        fetching_ = true;
        fetch = true;
        use_refresh_token = !refresh_token_.empty();
      }
    }
  }
  if (fetch) Fetch(use_refresh_token);
  if (answer_now) std::move(answer_now)(std::move(header));
}

void BearerAuthenticator::SetApiKey(absl::string_view api_key) {
  absl::MutexLock lock(&mu_);
  api_key_ = std::string(api_key);
  ++key_generation_;
  header_.clear();
  refresh_token_.clear();
  expires_at_ = absl::InfinitePast();
  renew_at_ = absl::InfinitePast();
}

bool BearerAuthenticator::Renew(absl::string_view authorization) {
  absl::MutexLock lock(&mu_);
  // Another call may have renewed it already; only drop the rejected one.
  if (header_ == authorization) {
    header_.clear();
    expires_at_ = absl::InfinitePast();
  }
  return true;
}

void BearerAuthenticator::Fetch(bool use_refresh_token) {
  http::HttpRequest request;
  request.method = http::Method::kPost;
  request.timeout = options_.request_timeout;
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("Content-Type", "application/json");
  int key_generation = 0;
  {
    absl::MutexLock lock(&mu_);
    key_generation = key_generation_;
    if (use_refresh_token && !refresh_token_.empty()) {
      request.url = absl::StrCat(base_url_, "/auth/refresh");
      request.body = RefreshRequestBody(refresh_token_);
    } else {
      use_refresh_token = false;
      request.url = absl::StrCat(base_url_, "/auth/api-key");
      request.body = ApiKeyRequestBody(api_key_);
    }
  }
  const absl::Time started = options_.now();
  client_.Start(
      std::move(request), [this, use_refresh_token, started, key_generation](
                              absl::StatusOr<http::HttpResponse> answer) {
        if (options_.observer != nullptr) {
          options_.observer->OnAttempt(
              {use_refresh_token ? kRefreshRoute : kApiKeyRoute,
               answer.ok() ? answer->status : 0, options_.now() - started,
               RateLimit(),
               /*problem_type=*/{}});
        }
        OnAnswer(std::move(answer), use_refresh_token, key_generation);
      });
}

void BearerAuthenticator::OnAnswer(absl::StatusOr<http::HttpResponse> answer,
                                   bool was_refresh, int key_generation) {
  bool stale = false;
  {
    absl::MutexLock lock(&mu_);
    stale = key_generation != key_generation_;
  }
  if (stale) {
    // Asked with a key that has since been replaced: ask again with the new.
    Fetch(/*use_refresh_token=*/false);
    return;
  }
  const absl::string_view route = was_refresh ? kRefreshRoute : kApiKeyRoute;
  absl::Status error;
  if (!answer.ok()) {
    error = StatusFromTransportError(answer.status(), {route, ""});
  } else if (answer->status < 200 || answer->status > 299) {
    error = StatusFromAuthErrorResponse(*answer, route);
  } else {
    absl::StatusOr<json::AccessToken> token = ParseAccessToken(answer->body);
    if (token.ok()) {
      const absl::Time now = options_.now();
      const absl::Duration lifetime = absl::Seconds(token->expires_in());
      const absl::Duration ahead =
          std::min(options_.refresh_ahead, lifetime / 2);
      std::string header = absl::StrCat("Bearer ", token->access_token());
      if (options_.on_new_token) {
        // An access token is refused once expired, give or take clock skew;
        // a refresh token's life is not published, so it is kept for as long
        // as the scrubber's bound allows.
        options_.on_new_token(token->access_token(),
                              now + lifetime + kClockSkew);
        options_.on_new_token(token->refresh_token(), absl::InfiniteFuture());
      }
      {
        absl::MutexLock lock(&mu_);
        header_ = header;
        refresh_token_ = token->refresh_token();
        expires_at_ = now + lifetime;
        renew_at_ = expires_at_ - ahead;
        fetching_ = false;
      }
      tokens_obtained_.fetch_add(1);
      if (options_.observer != nullptr) options_.observer->OnTokenObtained();
      Resolve(header);
      return;
    }
    error = token.status();
  }
  if (was_refresh) {
    // The refresh token may have expired or been revoked: start over from
    // the API key.
    {
      absl::MutexLock lock(&mu_);
      refresh_token_.clear();
    }
    Fetch(/*use_refresh_token=*/false);
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    fetching_ = false;
    renew_at_ = options_.now() + options_.retry_after_failure;
  }
  Resolve(error);
}

void BearerAuthenticator::Resolve(const absl::StatusOr<std::string>& result) {
  std::vector<Callback> waiting;
  {
    absl::MutexLock lock(&mu_);
    waiting.swap(waiting_);
  }
  for (Callback& done : waiting) std::move(done)(result);
}

}  // namespace gateway::apivideo
