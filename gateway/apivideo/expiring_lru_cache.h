// A bounded map from string keys to values that each expire at their own
// time: the store under the token cache and the list cache.
//
// When full, the least recently used entry goes. An expired entry is never
// returned, and is dropped when found. Nothing else happens in the
// background: memory is bounded by `max_entries`, not by expiry.
//
// Answers that were asked for before an invalidation must not be stored
// after it (a Get that left before a Delete and came back after it would
// bring the deleted token back). So every Erase and Clear moves a
// generation on; a caller reads generation() before asking upstream and
// stores the answer with PutUnlessInvalidatedSince(), which does nothing if
// anything was erased meanwhile. The generation is one for the whole cache:
// an erase of one key also drops answers in flight for others, which costs
// a later read, never a wrong answer.
//
// Thread-safe: every method takes the one internal lock, and none calls out
// of this class while holding it.
//
// Example:
//   ExpiringLruCache<UploadToken> cache(/*max_entries=*/10000);
//   const std::uint64_t generation = cache.generation();
//   ... ask upstream ...
//   cache.PutUnlessInvalidatedSince(generation, key, token,
//                                   now + absl::Seconds(10), now);
//   std::optional<UploadToken> hit = cache.Find(key, absl::Now());

#ifndef GATEWAY_APIVIDEO_EXPIRING_LRU_CACHE_H_
#define GATEWAY_APIVIDEO_EXPIRING_LRU_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gateway::apivideo {

template <typename Value>
class ExpiringLruCache {
 public:
  // `max_entries` must be at least 1.
  explicit ExpiringLruCache(std::size_t max_entries)
      : max_entries_(max_entries < 1 ? 1 : max_entries) {}

  ExpiringLruCache(const ExpiringLruCache&) = delete;
  ExpiringLruCache& operator=(const ExpiringLruCache&) = delete;

  // The value of `key`, unless absent or expired at `now`; a hit becomes
  // the most recently used entry.
  std::optional<Value> Find(absl::string_view key, absl::Time now) {
    absl::MutexLock lock(&mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    if (it->second->expires_at <= now) {
      entries_.erase(it->second);
      index_.erase(it);
      return std::nullopt;
    }
    entries_.splice(entries_.begin(), entries_, it->second);
    return it->second->value;
  }

  // Stores `value` under `key` until `expires_at`, replacing what was
  // there; nothing when it has expired at `now` already.
  void Put(absl::string_view key, Value value, absl::Time expires_at,
           absl::Time now) {
    absl::MutexLock lock(&mu_);
    PutLocked(key, std::move(value), expires_at, now);
  }

  // Put, unless an Erase or Clear happened since generation() returned
  // `generation`. Whether it stored.
  bool PutUnlessInvalidatedSince(std::uint64_t generation,
                                 absl::string_view key, Value value,
                                 absl::Time expires_at, absl::Time now) {
    absl::MutexLock lock(&mu_);
    if (generation != generation_) return false;
    return PutLocked(key, std::move(value), expires_at, now);
  }

  // Removes `key`, present or not, and stops answers asked for before from
  // being stored.
  void Erase(absl::string_view key) {
    absl::MutexLock lock(&mu_);
    ++generation_;
    if (auto it = index_.find(key); it != index_.end()) {
      entries_.erase(it->second);
      index_.erase(it);
    }
  }

  // Removes everything, and stops answers asked for before from being
  // stored.
  void Clear() {
    absl::MutexLock lock(&mu_);
    ++generation_;
    index_.clear();
    entries_.clear();
  }

  std::uint64_t generation() const {
    absl::MutexLock lock(&mu_);
    return generation_;
  }

  // Entries held, expired ones not yet dropped included.
  std::size_t size() const {
    absl::MutexLock lock(&mu_);
    return index_.size();
  }

 private:
  struct Entry {
    std::string key;
    Value value;
    absl::Time expires_at;
  };
  using Entries = std::list<Entry>;

  bool PutLocked(absl::string_view key, Value value, absl::Time expires_at,
                 absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (expires_at <= now) return false;
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->value = std::move(value);
      it->second->expires_at = expires_at;
      entries_.splice(entries_.begin(), entries_, it->second);
      return true;
    }
    if (index_.size() >= max_entries_) {
      index_.erase(entries_.back().key);
      entries_.pop_back();
    }
    entries_.push_front(Entry{std::string(key), std::move(value), expires_at});
    index_.emplace(entries_.front().key, entries_.begin());
    return true;
  }

  const std::size_t max_entries_;
  mutable absl::Mutex mu_;
  // Most recently used first.
  Entries entries_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, typename Entries::iterator> index_
      ABSL_GUARDED_BY(mu_);
  std::uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_EXPIRING_LRU_CACHE_H_
