#include "gateway/governance/shared_create_rate.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/governance/create_rate_limiter.h"

namespace gateway::governance {
namespace {

// KEYS[1] the bucket; ARGV[1] its capacity, the creates per minute. Refills
// the bucket up to the server's now, takes a create if one is there and
// returns 0, else the milliseconds until one will be.
constexpr absl::string_view kTakeCreate =
    "local t = redis.call('TIME') "
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
    "local cap = tonumber(ARGV[1]) "
    "local b = redis.call('HMGET', KEYS[1], 'tokens', 'ms') "
    "local tokens = tonumber(b[1]) "
    "local ms = tonumber(b[2]) "
    "if tokens == nil or ms == nil then tokens = cap ms = now end "
    "tokens = math.min(cap, tokens + math.max(0, now - ms) * cap / 60000) "
    "local wait = 0 "
    "if tokens >= 1 then tokens = tokens - 1 "
    "else wait = math.ceil((1 - tokens) * 60000 / cap) end "
    "redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ms', now) "
    // A bucket idle for two minutes is full again: nothing to keep.
    "redis.call('PEXPIRE', KEYS[1], 120000) "
    "return wait";

// KEYS[1] the bucket: one create back, if the bucket is still there.
constexpr absl::string_view kRefund =
    "if redis.call('EXISTS', KEYS[1]) == 1 then "
    "redis.call('HINCRBYFLOAT', KEYS[1], 'tokens', 1) end "
    "return 1";

}  // namespace

std::string SharedCreateRate::KeyOf(absl::string_view caller) {
  return absl::StrCat("gateway:creates:{", caller, "}");
}

void SharedCreateRate::TryCreate(const std::string& caller,
                                 int creates_per_minute, Callback done) {
  redis_.Command(
      {"EVAL", std::string(kTakeCreate), "1", KeyOf(caller),
       absl::StrCat(creates_per_minute)},
      [caller, creates_per_minute, done = std::move(done)](
          const absl::StatusOr<redis::RedisReply>& reply) mutable {
        if (!reply.ok() || reply->type != redis::RedisReply::Type::kInteger) {
          std::move(done)(absl::UnavailableError(absl::StrCat(
              "shared create rate: ",
              reply.ok() ? "unexpected reply" : reply.status().message())));
          return;
        }
        if (reply->integer == 0) {
          std::move(done)(absl::OkStatus());
          return;
        }
        std::move(done)(CreateRateExceeded(caller, creates_per_minute,
                                           absl::Milliseconds(reply->integer)));
      });
}

void SharedCreateRate::Refund(const std::string& caller) {
  redis_.Command({"EVAL", std::string(kRefund), "1", KeyOf(caller)},
                 [](const absl::StatusOr<redis::RedisReply>&) {});
}

}  // namespace gateway::governance
