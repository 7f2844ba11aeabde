// The token cache's rules: see token_cache.h.

#include "gateway/apivideo/token_cache.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "google/protobuf/util/time_util.h"

namespace gateway::apivideo {

TokenCache::TokenCache(const TokenCacheOptions& options,
                       std::function<absl::Time()> now)
    : options_(options),
      now_(std::move(now)),
      entries_(static_cast<std::size_t>(std::max(options.max_entries, 1))) {}

std::optional<absl::StatusOr<UploadToken>> TokenCache::Find(
    absl::string_view token) {
  if (options_.max_age <= absl::ZeroDuration() &&
      options_.negative_max_age <= absl::ZeroDuration()) {
    return std::nullopt;
  }
  return entries_.Find(token, now_());
}

void TokenCache::AddCreated(const UploadToken& token) {
  if (options_.max_age <= absl::ZeroDuration()) return;
  const absl::Time now = now_();
  entries_.Put(token.token(), token, ExpiryOf(token, now), now);
}

void TokenCache::AddAnswer(absl::string_view token,
                           const absl::StatusOr<UploadToken>& answer,
                           std::uint64_t generation) {
  const absl::Time now = now_();
  if (answer.ok()) {
    if (options_.max_age <= absl::ZeroDuration()) return;
    entries_.PutUnlessInvalidatedSince(generation, token, answer,
                                       ExpiryOf(*answer, now), now);
    return;
  }
  if (answer.status().code() != absl::StatusCode::kNotFound) return;
  const bool kept =
      options_.negative_max_age > absl::ZeroDuration() &&
      entries_.PutUnlessInvalidatedSince(generation, token, answer,
                                         now + options_.negative_max_age, now);
  // Whatever was known of the token, it is gone now.
  if (!kept) entries_.Erase(token);
}

absl::Time TokenCache::ExpiryOf(const UploadToken& token,
                                absl::Time now) const {
  absl::Time expiry = now + options_.max_age;
  // api.video stops answering for a token at expires_at (ttl 0: never).
  if (token.ttl() > 0 && token.has_expires_at()) {
    const absl::Time expires_at = absl::FromUnixMicros(
        google::protobuf::util::TimeUtil::TimestampToMicroseconds(
            token.expires_at()));
    expiry = std::min(expiry, expires_at);
  }
  return expiry;
}

}  // namespace gateway::apivideo
