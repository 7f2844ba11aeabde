#include "gateway/governance/ownership_index.h"

#include <utility>

namespace gateway::governance {

void OwnershipIndex::Record(absl::string_view token, Ownership ownership,
                            absl::Time now) {
  if (ownership.expires_at <= now) return;
  absl::MutexLock lock(&mu_);
  // Expired tokens leave as new ones come: the cost is the expired ones'.
  DropExpiredLocked(now);
  EraseLocked(token);
  std::string key(token);
  by_creator_[ownership.creator].emplace(ownership.created_at, key);
  if (ownership.expires_at != absl::InfiniteFuture()) {
    by_expiry_.emplace(ownership.expires_at, key);
  }
  by_token_.emplace(std::move(key), std::move(ownership));
}

void OwnershipIndex::Forget(absl::string_view token) {
  absl::MutexLock lock(&mu_);
  EraseLocked(token);
}

void OwnershipIndex::EraseLocked(absl::string_view token) {
  auto it = by_token_.find(token);
  if (it == by_token_.end()) return;
  const Ownership& ownership = it->second;
  std::string key(token);
  if (auto creator = by_creator_.find(ownership.creator);
      creator != by_creator_.end()) {
    creator->second.erase({ownership.created_at, key});
    if (creator->second.empty()) by_creator_.erase(creator);
  }
  by_expiry_.erase({ownership.expires_at, key});
  by_token_.erase(it);
}

std::optional<Ownership> OwnershipIndex::Find(absl::string_view token,
                                              absl::Time now) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = by_token_.find(token);
  if (it == by_token_.end() || it->second.expires_at <= now) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<OwnedToken> OwnershipIndex::TokensOf(absl::string_view creator,
                                                 absl::Time now) const {
  std::vector<OwnedToken> tokens;
  absl::ReaderMutexLock lock(&mu_);
  auto it = by_creator_.find(creator);
  if (it == by_creator_.end()) return tokens;
  tokens.reserve(it->second.size());
  for (const auto& [created_at, token] : it->second) {
    const Ownership& ownership = by_token_.at(token);
    if (ownership.expires_at <= now) continue;
    tokens.push_back({token, ownership});
  }
  return tokens;
}

int OwnershipIndex::LiveCountLocked(absl::string_view creator,
                                    absl::Time now) const {
  int live = 0;
  if (auto it = by_creator_.find(creator); it != by_creator_.end()) {
    for (const auto& [created_at, token] : it->second) {
      if (by_token_.at(token).expires_at > now) ++live;
    }
  }
  if (auto it = creates_in_flight_.find(creator);
      it != creates_in_flight_.end()) {
    live += it->second;
  }
  return live;
}

int OwnershipIndex::LiveCount(absl::string_view creator, absl::Time now) const {
  absl::ReaderMutexLock lock(&mu_);
  return LiveCountLocked(creator, now);
}

bool OwnershipIndex::TryReserveCreate(absl::string_view creator, int max_live,
                                      absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (max_live > 0) {
    // Once the expired tokens are dropped, every token left is live: the
    // count is the size of the creator's set, not a walk over it, so a
    // create costs the same at 10 live tokens as at 100,000.
    DropExpiredLocked(now);
    int live = 0;
    if (auto it = by_creator_.find(creator); it != by_creator_.end()) {
      live += static_cast<int>(it->second.size());
    }
    if (auto it = creates_in_flight_.find(creator);
        it != creates_in_flight_.end()) {
      live += it->second;
    }
    if (live >= max_live) return false;
  }
  ++creates_in_flight_[creator];
  return true;
}

void OwnershipIndex::EndCreate(absl::string_view creator) {
  absl::MutexLock lock(&mu_);
  auto it = creates_in_flight_.find(creator);
  if (it == creates_in_flight_.end()) return;
  if (--it->second <= 0) creates_in_flight_.erase(it);
}

absl::Time OwnershipIndex::NextExpiryOf(absl::string_view creator,
                                        absl::Time now) const {
  absl::Time next = absl::InfiniteFuture();
  absl::ReaderMutexLock lock(&mu_);
  if (auto it = by_creator_.find(creator); it != by_creator_.end()) {
    for (const auto& [created_at, token] : it->second) {
      const absl::Time expires_at = by_token_.at(token).expires_at;
      if (expires_at > now && expires_at < next) next = expires_at;
    }
  }
  return next;
}

int OwnershipIndex::DropExpired(absl::Time now) {
  absl::MutexLock lock(&mu_);
  return DropExpiredLocked(now);
}

int OwnershipIndex::DropExpiredLocked(absl::Time now) {
  int dropped = 0;
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    // Copied: EraseLocked erases the entry the reference would point to.
    const std::string token = by_expiry_.begin()->second;
    EraseLocked(token);
    ++dropped;
  }
  return dropped;
}

int OwnershipIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return static_cast<int>(by_token_.size());
}

}  // namespace gateway::governance
