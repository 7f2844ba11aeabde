#include "gateway/governance/shared_request_ids.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/common/log.h"

namespace gateway::governance {
namespace {

using Kind = SharedRequestIds::Outcome::Kind;

constexpr char kRunning = 'R';
constexpr char kCreated = 'C';
constexpr char kUnknown = 'U';

// A running entry becomes unknown, keeping its ttl, attempt time and
// expiry; anything else is left alone.
constexpr absl::string_view kMarkUnknown =
    "local v = redis.call('GET', KEYS[1]) "
    "if v and string.sub(v, 1, 1) == 'R' then "
    "redis.call('SET', KEYS[1], 'U' .. string.sub(v, 2), 'KEEPTTL') end "
    "return 1";

// "<state>|<ttl>|<attempted_at ms>|<running_until ms>|<token bytes>".
std::string Encode(char state, std::int32_t ttl, absl::Time attempted_at,
                   absl::Time running_until, absl::string_view token_bytes) {
  return absl::StrCat(absl::string_view(&state, 1), "|", ttl, "|",
                      absl::ToUnixMillis(attempted_at), "|",
                      absl::ToUnixMillis(running_until), "|", token_bytes);
}

struct Entry {
  char state = 0;
  std::int32_t ttl = 0;
  absl::Time attempted_at;
  absl::Time running_until;
  apivideo::UploadToken token;
};

std::optional<Entry> Decode(absl::string_view value) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(value, absl::MaxSplits('|', 4));
  Entry entry;
  std::int64_t attempted_ms = 0;
  std::int64_t until_ms = 0;
  if (parts.size() != 5 || parts[0].size() != 1 ||
      !absl::SimpleAtoi(parts[1], &entry.ttl) ||
      !absl::SimpleAtoi(parts[2], &attempted_ms) ||
      !absl::SimpleAtoi(parts[3], &until_ms)) {
    return std::nullopt;
  }
  entry.state = parts[0][0];
  entry.attempted_at = absl::FromUnixMillis(attempted_ms);
  entry.running_until = absl::FromUnixMillis(until_ms);
  if (entry.state == kCreated &&
      !entry.token.ParseFromArray(parts[4].data(),
                                  static_cast<int>(parts[4].size()))) {
    return std::nullopt;
  }
  return entry;
}

}  // namespace

struct SharedRequestIds::Claiming {
  std::string caller;
  std::string request_id;
  std::int32_t ttl = 0;
  absl::Time upstream_deadline;
  std::function<bool()> stop_waiting;
  Callback done;
  // The value this replica puts in place if the key is free.
  std::string running_value;
};

SharedRequestIds::SharedRequestIds(redis::RedisCommander& redis,
                                   Scheduler& scheduler,
                                   const SharedRequestIdsOptions& options,
                                   std::function<absl::Time()> now)
    : redis_(redis),
      scheduler_(scheduler),
      options_(options),
      now_(std::move(now)) {}

std::string SharedRequestIds::KeyOf(absl::string_view caller,
                                    absl::string_view request_id) {
  // The braces make a Redis Cluster hash tag; a caller name has no braces.
  return absl::StrCat("gateway:request-id:{", caller, "}:", request_id);
}

void SharedRequestIds::Claim(const std::string& caller,
                             const std::string& request_id, std::int32_t ttl,
                             absl::Time upstream_deadline,
                             std::function<bool()> stop_waiting,
                             Callback done) {
  auto claiming = std::make_shared<Claiming>();
  claiming->caller = caller;
  claiming->request_id = request_id;
  claiming->ttl = ttl;
  claiming->upstream_deadline = upstream_deadline;
  claiming->stop_waiting = std::move(stop_waiting);
  claiming->done = std::move(done);
  claiming->running_value = Encode(
      kRunning, ttl, now_(), upstream_deadline + options_.running_margin, "");
  Look(claiming);
}

void SharedRequestIds::Look(const std::shared_ptr<Claiming>& claiming) {
  redis_.Command(
      {"SET", KeyOf(claiming->caller, claiming->request_id),
       claiming->running_value, "NX", "GET", "PX",
       absl::StrCat(absl::ToInt64Milliseconds(options_.retention))},
      [this, claiming](absl::StatusOr<redis::RedisReply> reply) {
        Outcome outcome;
        if (!reply.ok()) {
          outcome.kind = Kind::kUnavailable;
          std::move(claiming->done)(std::move(outcome));
          return;
        }
        if (reply->type == redis::RedisReply::Type::kNil) {
          outcome.kind = Kind::kFirst;
          std::move(claiming->done)(std::move(outcome));
          return;
        }
        const std::optional<Entry> entry = Decode(reply->text);
        if (!entry.has_value()) {
          LogWarning(absl::StrCat("unreadable request id entry in Redis for ",
                                  claiming->caller, "; going on without it"));
          outcome.kind = Kind::kUnavailable;
          std::move(claiming->done)(std::move(outcome));
          return;
        }
        outcome.first_ttl = entry->ttl;
        outcome.attempted_at = entry->attempted_at;
        const absl::Time now = now_();
        if (entry->ttl != claiming->ttl) {
          outcome.kind = Kind::kOtherTtl;
        } else if (entry->state == kCreated) {
          outcome.kind = Kind::kCreated;
          outcome.token = entry->token;
        } else if (entry->state == kUnknown ||
                   (entry->state == kRunning && now > entry->running_until)) {
          outcome.kind = Kind::kUnknown;
        } else if (claiming->stop_waiting() ||
                   now + options_.poll_interval > claiming->upstream_deadline) {
          outcome.kind = Kind::kStillRunning;
        } else {
          // Another replica runs it: look again in a moment.
          scheduler_.RunAfter(options_.poll_interval,
                              [this, claiming] { Look(claiming); });
          return;
        }
        std::move(claiming->done)(std::move(outcome));
      });
}

void SharedRequestIds::Replace(const std::string& caller,
                               const std::string& request_id,
                               std::string value) {
  redis_.Command(
      {"SET", KeyOf(caller, request_id), std::move(value), "XX", "KEEPTTL"},
      [](const absl::StatusOr<redis::RedisReply>&) {});
}

void SharedRequestIds::SettleCreated(const std::string& caller,
                                     const std::string& request_id,
                                     const apivideo::UploadToken& token) {
  Replace(caller, request_id,
          Encode(kCreated, token.ttl(), absl::UnixEpoch(), absl::UnixEpoch(),
                 token.SerializeAsString()));
}

void SharedRequestIds::SettleFailed(const std::string& caller,
                                    const std::string& request_id) {
  redis_.Command({"DEL", KeyOf(caller, request_id)},
                 [](const absl::StatusOr<redis::RedisReply>&) {});
}

void SharedRequestIds::SettleUnknown(const std::string& caller,
                                     const std::string& request_id) {
  redis_.Command(
      {"EVAL", std::string(kMarkUnknown), "1", KeyOf(caller, request_id)},
      [](const absl::StatusOr<redis::RedisReply>&) {});
}

}  // namespace gateway::governance
