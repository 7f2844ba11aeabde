#include "gateway/governance/request_id_ledger.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/common/status_details.h"
#include "google/rpc/error_details.pb.h"

namespace gateway::governance {
absl::Status RequestIdReused(absl::string_view request_id,
                             std::int32_t first_ttl, std::int32_t ttl) {
  absl::Status status =
      MakeError(absl::StatusCode::kInvalidArgument,
                absl::StrCat("invalid request: request_id: ", request_id,
                             " was first used with ttl ", first_ttl, ", not ",
                             ttl, "; a new token needs a new request_id"),
                "REQUEST_ID_REUSED");
  AddFieldViolation(status, "request_id",
                    absl::StrCat("first used with ttl ", first_ttl));
  return status;
}

absl::Status CreateOutcomeUnknown(absl::string_view request_id,
                                  absl::Time attempted_at) {
  const std::string when =
      absl::FormatTime(absl::RFC3339_sec, attempted_at, absl::UTCTimeZone());
  absl::Status status(
      absl::StatusCode::kAborted,
      absl::StrCat("the create with request_id ", request_id, " was sent at ",
                   when,
                   " and no answer came: whether api.video created the token "
                   "is unknown, so no second one is created under this id. "
                   "List your tokens (filter creator = \"<you>\") for one "
                   "created then, and use a new request_id to create again"));
  google::rpc::ErrorInfo info;
  info.set_reason("CREATE_OUTCOME_UNKNOWN");
  info.set_domain(std::string(kGatewayErrorDomain));
  (*info.mutable_metadata())["attemptedAt"] = when;
  (*info.mutable_metadata())["requestId"] = std::string(request_id);
  AddDetail(status, info);
  return status;
}

RequestIdLedger::RequestIdLedger(absl::Duration retention)
    : retention_(retention) {}

std::string RequestIdLedger::KeyOf(absl::string_view caller,
                                   absl::string_view request_id) {
  // A NUL cannot occur in a caller name nor in a checked request id.
  return absl::StrCat(caller, absl::string_view("\0", 1), request_id);
}

void RequestIdLedger::DropExpiredLocked(absl::Time now) {
  while (!by_age_.empty() && by_age_.front().first < now - retention_) {
    auto found = entries_.find(by_age_.front().second);
    if (found != entries_.end() && found->second.state != State::kRunning &&
        found->second.attempted_at == by_age_.front().first) {
      entries_.erase(found);
    }
    by_age_.pop_front();
  }
}

RequestIdLedger::Claim RequestIdLedger::Begin(absl::string_view caller,
                                              absl::string_view request_id,
                                              std::int32_t ttl, absl::Time now,
                                              Waiter waiter) {
  const std::string key = KeyOf(caller, request_id);
  Claim claim;
  absl::MutexLock lock(&mu_);
  DropExpiredLocked(now);
  auto [it, inserted] = entries_.try_emplace(key);
  Entry& entry = it->second;
  if (inserted) {
    entry.ttl = ttl;
    entry.attempted_at = now;
    by_age_.emplace_back(now, key);
    claim.verdict = Claim::Verdict::kFirst;
    return claim;
  }
  if (entry.ttl != ttl) {
    claim.verdict = Claim::Verdict::kAnswered;
    claim.answer = RequestIdReused(request_id, entry.ttl, ttl);
    return claim;
  }
  switch (entry.state) {
    case State::kCreated:
      claim.verdict = Claim::Verdict::kAnswered;
      claim.answer = entry.token;
      return claim;
    case State::kUnknown:
      claim.verdict = Claim::Verdict::kAnswered;
      claim.answer = CreateOutcomeUnknown(request_id, entry.attempted_at);
      return claim;
    case State::kRunning:
      claim.verdict = Claim::Verdict::kWaiting;
      claim.waiter_id = next_waiter_id_++;
      entry.waiters.emplace_back(claim.waiter_id, std::move(waiter));
      return claim;
  }
  return claim;
}

std::vector<std::pair<std::uint64_t, RequestIdLedger::Waiter>>
RequestIdLedger::Settle(const std::string& key, State state, bool erase) {
  std::vector<std::pair<std::uint64_t, Waiter>> waiters;
  absl::MutexLock lock(&mu_);
  auto found = entries_.find(key);
  if (found == entries_.end()) return waiters;
  waiters = std::move(found->second.waiters);
  found->second.waiters.clear();
  if (erase) {
    entries_.erase(found);
  } else {
    found->second.state = state;
  }
  return waiters;
}

void RequestIdLedger::SettleCreated(absl::string_view caller,
                                    absl::string_view request_id,
                                    const apivideo::UploadToken& token) {
  const std::string key = KeyOf(caller, request_id);
  {
    absl::MutexLock lock(&mu_);
    auto found = entries_.find(key);
    if (found != entries_.end()) found->second.token = token;
  }
  for (auto& [id, waiter] : Settle(key, State::kCreated, /*erase=*/false)) {
    std::move(waiter)(token);
  }
}

void RequestIdLedger::SettleFailed(absl::string_view caller,
                                   absl::string_view request_id,
                                   const absl::Status& error) {
  for (auto& [id, waiter] : Settle(KeyOf(caller, request_id), State::kRunning,
                                   /*erase=*/true)) {
    std::move(waiter)(error);
  }
}

void RequestIdLedger::SettleUnknown(absl::string_view caller,
                                    absl::string_view request_id) {
  const std::string key = KeyOf(caller, request_id);
  absl::Time attempted_at;
  {
    absl::MutexLock lock(&mu_);
    auto found = entries_.find(key);
    if (found != entries_.end()) attempted_at = found->second.attempted_at;
  }
  const absl::Status unknown = CreateOutcomeUnknown(request_id, attempted_at);
  for (auto& [id, waiter] : Settle(key, State::kUnknown, /*erase=*/false)) {
    std::move(waiter)(unknown);
  }
}

void RequestIdLedger::DropWaiter(absl::string_view caller,
                                 absl::string_view request_id,
                                 std::uint64_t waiter_id,
                                 const absl::Status& why) {
  Waiter dropped;
  {
    absl::MutexLock lock(&mu_);
    auto found = entries_.find(KeyOf(caller, request_id));
    if (found == entries_.end()) return;
    auto& waiters = found->second.waiters;
    for (auto it = waiters.begin(); it != waiters.end(); ++it) {
      if (it->first == waiter_id) {
        dropped = std::move(it->second);
        waiters.erase(it);
        break;
      }
    }
  }
  if (dropped) std::move(dropped)(why);
}

void RequestIdLedger::Restore(absl::string_view caller,
                              absl::string_view request_id,
                              const apivideo::UploadToken& token,
                              absl::Time attempted_at, absl::Time now) {
  if (attempted_at < now - retention_) return;
  const std::string key = KeyOf(caller, request_id);
  absl::MutexLock lock(&mu_);
  Entry& entry = entries_[key];
  // A create running here settles by itself (its waiters with it).
  if (entry.state == State::kRunning && !entry.waiters.empty()) return;
  entry.state = State::kCreated;
  entry.ttl = token.ttl();
  entry.attempted_at = attempted_at;
  entry.token = token;
  by_age_.emplace_back(attempted_at, key);
}

std::size_t RequestIdLedger::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace gateway::governance
