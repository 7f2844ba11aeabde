// The caller rules in use, which a changed --caller_policy_file replaces
// without a restart.
//
// Calls read the rules through Get(), each keeping the rules it started
// with; Reload() swaps in the file's new rules whole. A file that cannot be
// read or does not parse leaves the rules in use, and is counted (the
// app's security::FileWatcher drives Reload and logs its errors).

#ifndef GATEWAY_GOVERNANCE_CALLER_RULES_STORE_H_
#define GATEWAY_GOVERNANCE_CALLER_RULES_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "gateway/governance/caller_rules.h"

namespace gateway::governance {

class CallerRulesStore {
 public:
  // The rules of the file at `path`; no rules (CallerRules()) when empty.
  static absl::StatusOr<std::unique_ptr<CallerRulesStore>> Load(
      std::string path);

  // A store of `rules`, with no file to reload.
  explicit CallerRulesStore(CallerRules rules);

  // The rules in use. Thread-safe.
  std::shared_ptr<const CallerRules> Get() const;

  // Reads the file again and puts its rules in use; on an error keeps the
  // rules in use, counts the failure and returns it. Thread-safe.
  absl::Status Reload();

  // Reloads that failed since start.
  std::int64_t reload_failures() const { return reload_failures_.load(); }
  const std::string& path() const { return path_; }

 private:
  CallerRulesStore(std::string path, CallerRules rules);

  const std::string path_;
  std::atomic<std::int64_t> reload_failures_{0};
  mutable absl::Mutex mu_;
  std::shared_ptr<const CallerRules> rules_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_CALLER_RULES_STORE_H_
