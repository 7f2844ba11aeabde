// The token cache shared through Redis: see redis_token_store.h.

#include "gateway/apivideo/redis_token_store.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/status.pb.h"

namespace gateway::apivideo {
namespace {

constexpr char kTokenTag = 'T';
constexpr char kNotFoundTag = 'N';

// KEYS[1] the entry, KEYS[2] its tombstone; ARGV[1] the value, ARGV[2] the
// TTL in ms. Stores unless the token was deleted; 1 when stored.
constexpr absl::string_view kSetUnlessDeleted =
    "if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end "
    "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
    "return 1";

// KEYS[1] the entry, KEYS[2] its tombstone; ARGV[1] the tombstone's TTL in
// ms, "0": no tombstone.
constexpr absl::string_view kDeleteAndMark =
    "redis.call('DEL', KEYS[1]) "
    "if ARGV[1] ~= '0' then "
    "redis.call('SET', KEYS[2], '1', 'PX', ARGV[1]) end "
    "return 1";

// Whole milliseconds of `ttl`, rounded down; 0 when under one.
std::int64_t Millis(absl::Duration ttl) {
  return std::max<std::int64_t>(absl::ToInt64Milliseconds(ttl), 0);
}

// An operation's status from a command's reply.
absl::Status StatusOf(const absl::StatusOr<redis::RedisReply>& reply) {
  return reply.status();
}

}  // namespace

RedisTokenStore::RedisTokenStore(redis::RedisCommander& redis,
                                 const TokenCacheOptions& options,
                                 std::function<absl::Time()> now)
    : redis_(redis),
      options_(options),
      now_(std::move(now)),
      malformed_logged_(std::make_shared<std::atomic<bool>>(false)) {}

std::string RedisTokenStore::EntryKey(absl::string_view token) {
  return absl::StrCat("gateway:token:{", token, "}");
}

std::string RedisTokenStore::TombstoneKey(absl::string_view token) {
  return absl::StrCat("gateway:token-deleted:{", token, "}");
}

std::string RedisTokenStore::Encode(const absl::StatusOr<UploadToken>& answer) {
  if (answer.ok()) {
    return absl::StrCat(absl::string_view(&kTokenTag, 1),
                        answer->SerializeAsString());
  }
  google::rpc::Status status;
  status.set_code(static_cast<int>(answer.status().code()));
  status.set_message(std::string(answer.status().message()));
  std::vector<std::pair<std::string, std::string>> payloads;
  answer.status().ForEachPayload(
      [&payloads](absl::string_view type_url, const absl::Cord& payload) {
        payloads.emplace_back(std::string(type_url), std::string(payload));
      });
  // Sorted, so that equal statuses are equal bytes.
  std::sort(payloads.begin(), payloads.end());
  for (auto& [type_url, value] : payloads) {
    google::protobuf::Any* any = status.add_details();
    any->set_type_url(std::move(type_url));
    any->set_value(std::move(value));
  }
  return absl::StrCat(absl::string_view(&kNotFoundTag, 1),
                      status.SerializeAsString());
}

std::optional<absl::StatusOr<UploadToken>> RedisTokenStore::Decode(
    absl::string_view value) {
  if (value.empty()) return std::nullopt;
  const absl::string_view body = value.substr(1);
  if (value.front() == kTokenTag) {
    UploadToken token;
    if (!token.ParseFromArray(body.data(), static_cast<int>(body.size())) ||
        token.token().empty()) {
      return std::nullopt;
    }
    return absl::StatusOr<UploadToken>(std::move(token));
  }
  if (value.front() == kNotFoundTag) {
    google::rpc::Status stored;
    if (!stored.ParseFromArray(body.data(), static_cast<int>(body.size())) ||
        stored.code() != static_cast<int>(absl::StatusCode::kNotFound)) {
      return std::nullopt;
    }
    absl::Status status(absl::StatusCode::kNotFound, stored.message());
    for (const google::protobuf::Any& detail : stored.details()) {
      status.SetPayload(detail.type_url(), absl::Cord(detail.value()));
    }
    return absl::StatusOr<UploadToken>(std::move(status));
  }
  return std::nullopt;
}

bool RedisTokenStore::available() const { return redis_.connected(); }

void RedisTokenStore::Find(absl::string_view token, FindCallback done) {
  if (options_.max_age <= absl::ZeroDuration() &&
      options_.negative_max_age <= absl::ZeroDuration()) {
    std::move(done)(std::optional<absl::StatusOr<UploadToken>>());
    return;
  }
  redis_.Command(
      {"GET", EntryKey(token)},
      [logged = malformed_logged_, key = EntryKey(token),
       done = std::move(done)](
          const absl::StatusOr<redis::RedisReply>& reply) mutable {
        if (!reply.ok()) {
          std::move(done)(reply.status());
          return;
        }
        if (reply->type == redis::RedisReply::Type::kNil) {
          std::move(done)(std::optional<absl::StatusOr<UploadToken>>());
          return;
        }
        std::optional<absl::StatusOr<UploadToken>> found;
        if (reply->type == redis::RedisReply::Type::kString) {
          found = Decode(reply->text);
        }
        if (!found.has_value() && !logged->exchange(true)) {
          Log(LogLevel::kWarning,
              "shared token cache: a stored value is not one this gateway "
              "writes; treated as a miss (logged once)",
              {LogField("key", key)});
        }
        std::move(done)(std::move(found));
      });
}

absl::Duration RedisTokenStore::TtlOf(const UploadToken& token) const {
  absl::Duration ttl = options_.max_age;
  // api.video stops answering for a token at expires_at (ttl 0: never).
  if (token.ttl() > 0 && token.has_expires_at()) {
    const absl::Time expires_at = absl::FromUnixMicros(
        google::protobuf::util::TimeUtil::TimestampToMicroseconds(
            token.expires_at()));
    ttl = std::min(ttl, expires_at - now_());
  }
  return ttl;
}

void RedisTokenStore::AddCreated(const UploadToken& token, DoneCallback done) {
  const std::int64_t ttl_ms = Millis(TtlOf(token));
  if (ttl_ms <= 0 || token.token().empty()) {
    std::move(done)(absl::OkStatus());
    return;
  }
  // A new token has no tombstone: a plain SET.
  redis_.Command({"SET", EntryKey(token.token()), Encode(token), "PX",
                  absl::StrCat(ttl_ms)},
                 [done = std::move(done)](
                     const absl::StatusOr<redis::RedisReply>& reply) mutable {
                   std::move(done)(StatusOf(reply));
                 });
}

void RedisTokenStore::AddAnswer(absl::string_view token,
                                const absl::StatusOr<UploadToken>& answer) {
  std::int64_t ttl_ms = 0;
  if (answer.ok()) {
    // Only the token asked for is ever stored under its key.
    if (answer->token() != token) return;
    ttl_ms = Millis(TtlOf(*answer));
    if (ttl_ms <= 0) return;
  } else {
    if (answer.status().code() != absl::StatusCode::kNotFound) return;
    ttl_ms = Millis(options_.negative_max_age);
    if (ttl_ms <= 0) {
      // Not remembered, but whatever was known of the token is gone.
      redis_.Command({"DEL", EntryKey(token)},
                     [](const absl::StatusOr<redis::RedisReply>&) {});
      return;
    }
  }
  redis_.Command({"EVAL", std::string(kSetUnlessDeleted), "2", EntryKey(token),
                  TombstoneKey(token), Encode(answer), absl::StrCat(ttl_ms)},
                 [](const absl::StatusOr<redis::RedisReply>&) {});
}

void RedisTokenStore::Forget(absl::string_view token, DoneCallback done) {
  redis_.Command({"EVAL", std::string(kDeleteAndMark), "2", EntryKey(token),
                  TombstoneKey(token), absl::StrCat(Millis(options_.max_age))},
                 [done = std::move(done)](
                     const absl::StatusOr<redis::RedisReply>& reply) mutable {
                   std::move(done)(StatusOf(reply));
                 });
}

}  // namespace gateway::apivideo
