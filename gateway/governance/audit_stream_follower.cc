#include "gateway/governance/audit_stream_follower.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/common/log.h"
#include "gateway/governance/audit_replay.h"
#include "gateway/governance/redis_audit_stream.h"

namespace gateway::governance {
namespace {

// Entries read at most per XREAD: a catch-up at start goes in such steps.
constexpr char kBatch[] = "1000";

}  // namespace

struct AuditStreamFollower::State {
  State(redis::RedisCommander& redis, Scheduler& scheduler,
        OwnershipIndex& ownership, RequestIdLedger& ledger,
        absl::Duration interval, std::function<absl::Time()> now)
      : redis(redis),
        scheduler(scheduler),
        ownership(ownership),
        ledger(ledger),
        interval(interval),
        now(std::move(now)) {}

  redis::RedisCommander& redis;
  Scheduler& scheduler;
  OwnershipIndex& ownership;
  RequestIdLedger& ledger;
  const absl::Duration interval;
  const std::function<absl::Time()> now;

  absl::Mutex mu;
  bool stopped ABSL_GUARDED_BY(mu) = false;
  TaskId next ABSL_GUARDED_BY(mu) = 0;
  // The id of the last entry read; "0" before the first.
  std::string last_id ABSL_GUARDED_BY(mu) = "0";
  std::atomic<std::int64_t> applied{0};
};

AuditStreamFollower::AuditStreamFollower(redis::RedisCommander& redis,
                                         Scheduler& scheduler,
                                         OwnershipIndex& ownership,
                                         RequestIdLedger& ledger,
                                         absl::Duration interval,
                                         std::function<absl::Time()> now)
    : state_(std::make_shared<State>(redis, scheduler, ownership, ledger,
                                     interval, std::move(now))) {}

AuditStreamFollower::~AuditStreamFollower() { Stop(); }

void AuditStreamFollower::Start() { Read(state_); }

void AuditStreamFollower::Stop() {
  TaskId next = 0;
  {
    absl::MutexLock lock(&state_->mu);
    // Only the first Stop touches the scheduler, which may be gone by a
    // later one (the destructor's).
    if (state_->stopped) return;
    state_->stopped = true;
    next = state_->next;
  }
  if (next != 0) state_->scheduler.CancelTask(next);
}

std::int64_t AuditStreamFollower::events_applied() const {
  return state_->applied.load();
}

void AuditStreamFollower::Read(const std::shared_ptr<State>& state) {
  std::string after;
  {
    absl::MutexLock lock(&state->mu);
    if (state->stopped) return;
    after = state->last_id;
  }
  state->redis.Command(
      {"XREAD", "COUNT", kBatch, "STREAMS", kAuditStreamKey, after},
      [state](absl::StatusOr<redis::RedisReply> reply) {
        // XREAD's reply: nil, or [[stream, [[id, [field, value, ...]], ...]]].
        bool full_batch = false;
        if (reply.ok() && reply->type == redis::RedisReply::Type::kArray &&
            !reply->elements.empty() &&
            reply->elements[0].elements.size() == 2) {
          const auto& entries = reply->elements[0].elements[1].elements;
          full_batch = entries.size() >= 1000;
          const absl::Time now = state->now();
          std::string last;
          for (const redis::RedisReply& entry : entries) {
            if (entry.elements.size() != 2) continue;
            last = entry.elements[0].text;
            const auto& fields = entry.elements[1].elements;
            for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
              if (fields[i].text != "event") continue;
              absl::StatusOr<AuditEvent> event =
                  AuditEventFromJson(fields[i + 1].text);
              if (!event.ok()) continue;  // not ours to understand
              ApplyAuditEvent(*event, now, state->ownership, state->ledger);
              state->applied.fetch_add(1);
            }
          }
          if (!last.empty()) {
            absl::MutexLock lock(&state->mu);
            state->last_id = last;
          }
        }
        // A full batch means more is waiting: read on at once.
        if (full_batch) {
          Read(state);
        } else {
          ScheduleNext(state);
        }
      });
}

void AuditStreamFollower::ScheduleNext(const std::shared_ptr<State>& state) {
  {
    absl::MutexLock lock(&state->mu);
    if (state->stopped) return;
  }
  const TaskId id =
      state->scheduler.RunAfter(state->interval, [state] { Read(state); });
  absl::MutexLock lock(&state->mu);
  state->next = id;
}

}  // namespace gateway::governance
