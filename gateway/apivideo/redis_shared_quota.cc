#include "gateway/apivideo/redis_shared_quota.h"

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gateway::apivideo {
namespace {

// What the three scripts share: the keys, the server's clock, and
// QuotaWindow's rules. Times are milliseconds of the server's clock.
// KEYS: the window (hash), the units in flight (sorted set of reservations
// by lease end), the callers' fair-queuing tags (hash), the callers
// waiting on some replica (sorted set by the end of their stay).
constexpr absl::string_view kPrelude = R"lua(
local state, inflight, tags, waiting = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local MARGIN, TOLERANCE, MAX_WAIT, DEFAULT_WAIT = 1000, 1500, 300000, 1000
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function load(share, burst)
  local v = redis.call('HMGET', state, 'known', 'unmetered', 'limit',
    'remaining', 'resets_at', 'epoch', 'window_ms', 'tokens', 'refilled_at',
    'vtime')
  return {known = v[1] == '1', unmetered = v[2] == '1', limit = tonumber(v[3]),
    remaining = tonumber(v[4]) or 0, resets_at = tonumber(v[5]) or 0,
    epoch = tonumber(v[6]) or 0, window_ms = tonumber(v[7]) or 60000,
    tokens = tonumber(v[8]) or 0, refilled_at = tonumber(v[9]),
    vtime = tonumber(v[10]) or 0, share = share, burst = burst}
end
local function save(s)
  redis.call('HSET', state, 'known', s.known and 1 or 0,
    'unmetered', s.unmetered and 1 or 0, 'remaining', s.remaining,
    'resets_at', s.resets_at, 'epoch', s.epoch, 'window_ms', s.window_ms,
    'tokens', s.tokens, 'vtime', s.vtime)
  if s.limit then redis.call('HSET', state, 'limit', s.limit) end
  if s.refilled_at then redis.call('HSET', state, 'refilled_at', s.refilled_at) end
end
local function kept_back(s)
  if not s.limit then return 0 end
  return s.limit - math.floor(s.limit * s.share)
end
local function usable(s)
  if not s.limit then return 1 end
  return math.max(s.limit - kept_back(s), 1)
end
local function capacity(s) return math.max(1, s.burst * usable(s)) end
local function rate(s) return usable(s) / s.window_ms end
local function roll_over(s, now)
  if s.known and now >= s.resets_at then
    s.known = false
    s.epoch = s.epoch + 1
  end
  if not s.limit then return end
  if not s.refilled_at then
    s.tokens = capacity(s)
  elseif now > s.refilled_at then
    s.tokens = math.min(capacity(s), s.tokens + rate(s) * (now - s.refilled_at))
  end
  s.refilled_at = math.max(s.refilled_at or now, now)
end
local function in_flight(now)
  redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
  return redis.call('ZCARD', inflight)
end
local function window_available(s, n)
  if not s.known then
    if n == 0 then return 1 end
    return 0
  end
  return s.remaining - kept_back(s) - n
end
local function available(s, n)
  if s.unmetered then return 1000000000 end
  local w = window_available(s, n)
  if not s.known or not s.limit then return w end
  return math.min(w, math.floor(s.tokens))
end
)lua";

// ARGV: caller, weight, more waiting (0/1), share, burst, lease, waiting
// ttl, reservation. Returns {granted, epoch, retry after, available (-1:
// unknown), usable per window (-1: unknown), window length}.
constexpr absl::string_view kReserve = R"lua(
local caller, weight, more = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
local s = load(tonumber(ARGV[4]), tonumber(ARGV[5]))
local lease, ttl, id = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
local now = clock()
roll_over(s, now)
local n = in_flight(now)
redis.call('ZREMRANGEBYSCORE', waiting, '-inf', now)
-- Start-time fair queuing across replicas: a caller waiting anywhere with
-- an earlier start tag has the turn.
local start = math.max(s.vtime, tonumber(redis.call('HGET', tags, caller)) or 0)
local turn = true
if not s.unmetered then
  for _, other in ipairs(redis.call('ZRANGE', waiting, 0, -1)) do
    if other ~= caller and
        math.max(s.vtime, tonumber(redis.call('HGET', tags, other)) or 0) < start then
      turn = false
      break
    end
  end
end
local granted, retry = 0, 0
local free = available(s, n)
if turn and free >= 1 then
  granted = 1
  redis.call('ZADD', inflight, now + lease, id)
  n = n + 1
  if s.limit then s.tokens = math.max(0, s.tokens - 1) end
  redis.call('HSET', tags, caller, start + 1 / weight)
  s.vtime = start
  if more then
    redis.call('ZADD', waiting, now + ttl, caller)
  else
    redis.call('ZREM', waiting, caller)
  end
else
  redis.call('ZADD', waiting, now + ttl, caller)
  if free >= 1 then
    retry = 5  -- another replica's caller has the turn
  elseif not s.known then
    retry = 50  -- the probe's answer teaches the window
  elseif window_available(s, n) <= 0 then
    retry = s.resets_at - now
  else
    retry = math.ceil((1 - s.tokens) / rate(s))
  end
  retry = math.max(retry, 1)
end
save(s)
local shown, per_window = -1, -1
if s.known then shown = math.max(math.min(available(s, n), 1000000000), 0) end
if s.limit then per_window = usable(s) end
return {granted, s.epoch, retry, shown, per_window, s.window_ms}
)lua";

// ARGV: reservation, epoch, limit, remaining, retry after (-1: the header
// was missing), too many requests, may have counted, success (0/1), share,
// burst.
constexpr absl::string_view kSettle = R"lua(
local id, epoch = ARGV[1], tonumber(ARGV[2])
local limit, remaining, retry_after =
  tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local too_many, counted, success = ARGV[6] == '1', ARGV[7] == '1', ARGV[8] == '1'
local s = load(tonumber(ARGV[9]), tonumber(ARGV[10]))
local now = clock()
redis.call('ZREM', inflight, id)
roll_over(s, now)
if limit > 0 then s.limit = limit end
local function delay(seconds)
  return math.min(math.max(seconds * 1000, 0), MAX_WAIT) + MARGIN
end
local function start_window(left, resets_at)
  if s.known then s.epoch = s.epoch + 1 end
  s.known = true
  s.remaining = left
  s.resets_at = resets_at
end
if too_many then
  s.unmetered = false
  local till = now + DEFAULT_WAIT
  if retry_after >= 0 then till = now + delay(retry_after) end
  if not s.known or till > s.resets_at + TOLERANCE then
    start_window(0, till)
  else
    s.remaining = 0
    s.resets_at = math.max(s.resets_at, till)
  end
elseif remaining < 0 or retry_after < 0 then
  if remaining >= 0 then s.unmetered = false elseif success then s.unmetered = true end
  if s.known and epoch == s.epoch and counted then
    s.remaining = math.max(s.remaining - 1, 0)
  end
else
  s.unmetered = false
  local d = delay(retry_after)
  if not s.known or now + d > s.resets_at + TOLERANCE then
    if s.known or epoch == s.epoch then
      start_window(remaining, now + d)
      s.window_ms = math.max(d - MARGIN, 1000)
    end
  elseif epoch == s.epoch then
    s.remaining = math.min(s.remaining, remaining)
    s.resets_at = math.max(s.resets_at, now + d)
  end
end
save(s)
return 1
)lua";

// ARGV: reservation, share, burst.
constexpr absl::string_view kRelease = R"lua(
local s = load(tonumber(ARGV[2]), tonumber(ARGV[3]))
roll_over(s, clock())
if redis.call('ZREM', inflight, ARGV[1]) == 1 and s.limit then
  s.tokens = math.min(capacity(s), s.tokens + 1)
end
save(s)
return 1
)lua";

// Each script whole, built once: EVAL sends it each time, and Redis caches
// its compiled form by digest.
const std::string& ReserveScript() {
  static const auto* const kScript =
      new std::string(absl::StrCat(kPrelude, kReserve));
  return *kScript;
}
const std::string& SettleScript() {
  static const auto* const kScript =
      new std::string(absl::StrCat(kPrelude, kSettle));
  return *kScript;
}
const std::string& ReleaseScript() {
  static const auto* const kScript =
      new std::string(absl::StrCat(kPrelude, kRelease));
  return *kScript;
}

std::string Number(std::optional<std::int64_t> value) {
  return value.has_value() ? absl::StrCat(*value) : "-1";
}

absl::StatusOr<SharedQuotaDecision> DecisionOf(
    const absl::StatusOr<redis::RedisReply>& reply) {
  if (!reply.ok()) return reply.status();
  const auto& fields = reply->elements;
  if (reply->type != redis::RedisReply::Type::kArray || fields.size() != 6) {
    return absl::InternalError(
        "redis: the reserve script answered an unexpected shape");
  }
  for (const auto& field : fields) {
    if (field.type != redis::RedisReply::Type::kInteger) {
      return absl::InternalError(
          "redis: the reserve script answered a field that is no integer");
    }
  }
  SharedQuotaDecision decision;
  decision.granted = fields[0].integer == 1;
  decision.epoch = static_cast<std::uint64_t>(fields[1].integer);
  decision.retry_after = absl::Milliseconds(fields[2].integer);
  if (fields[3].integer >= 0) decision.available = fields[3].integer;
  if (fields[4].integer >= 0) decision.usable_per_window = fields[4].integer;
  decision.window_length = absl::Milliseconds(fields[5].integer);
  return decision;
}

}  // namespace

RedisSharedQuota::RedisSharedQuota(redis::RedisCommander& redis,
                                   RedisSharedQuotaOptions options)
    : redis_(redis), options_(std::move(options)) {}

bool RedisSharedQuota::available() const { return redis_.connected(); }

std::vector<std::string> RedisSharedQuota::Eval(
    absl::string_view script, policy::RouteKind kind,
    std::vector<std::string> args) const {
  const std::string window =
      absl::StrCat(options_.key_prefix, ":{",
                   kind == policy::RouteKind::kRead ? "reads" : "writes", "}");
  std::vector<std::string> argv = {"EVAL",
                                   std::string(script),
                                   "4",
                                   window,
                                   absl::StrCat(window, ":in-flight"),
                                   absl::StrCat(window, ":tags"),
                                   absl::StrCat(window, ":waiting")};
  for (std::string& arg : args) argv.push_back(std::move(arg));
  return argv;
}

void RedisSharedQuota::Reserve(const SharedQuotaRequest& request,
                               SharedQuotaCallback done) {
  redis_.Command(
      Eval(ReserveScript(), request.kind,
           {request.caller, absl::StrCat(request.weight),
            request.more_waiting ? "1" : "0",
            absl::StrCat(options_.window.share),
            absl::StrCat(options_.window.burst),
            absl::StrCat(absl::ToInt64Milliseconds(options_.lease)),
            absl::StrCat(absl::ToInt64Milliseconds(options_.waiting_ttl)),
            request.reservation}),
      [done = std::move(done)](
          const absl::StatusOr<redis::RedisReply>& reply) mutable {
        std::move(done)(DecisionOf(reply));
      });
}

void RedisSharedQuota::Settle(policy::RouteKind kind,
                              const std::string& reservation,
                              std::uint64_t epoch,
                              const policy::QuotaAnswer& answer,
                              SharedQuotaDone done) {
  redis_.Command(
      Eval(SettleScript(), kind,
           {reservation, absl::StrCat(epoch), Number(answer.limit),
            Number(answer.remaining), Number(answer.retry_after_seconds),
            answer.too_many_requests ? "1" : "0",
            answer.may_have_counted ? "1" : "0", answer.success ? "1" : "0",
            absl::StrCat(options_.window.share),
            absl::StrCat(options_.window.burst)}),
      [done =
           std::move(done)](const absl::StatusOr<redis::RedisReply>&) mutable {
        std::move(done)();
      });
}

void RedisSharedQuota::Release(policy::RouteKind kind,
                               const std::string& reservation,
                               SharedQuotaDone done) {
  redis_.Command(Eval(ReleaseScript(), kind,
                      {reservation, absl::StrCat(options_.window.share),
                       absl::StrCat(options_.window.burst)}),
                 [done = std::move(done)](
                     const absl::StatusOr<redis::RedisReply>&) mutable {
                   std::move(done)();
                 });
}

}  // namespace gateway::apivideo
