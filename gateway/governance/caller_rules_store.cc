#include "gateway/governance/caller_rules_store.h"

#include <utility>

#include "gateway/common/log.h"

namespace gateway::governance {

absl::StatusOr<std::unique_ptr<CallerRulesStore>> CallerRulesStore::Load(
    std::string path) {
  if (path.empty()) return std::make_unique<CallerRulesStore>(CallerRules());
  absl::StatusOr<CallerRules> rules = CallerRules::Load(path);
  if (!rules.ok()) return rules.status();
  return std::unique_ptr<CallerRulesStore>(
      new CallerRulesStore(std::move(path), *std::move(rules)));
}

CallerRulesStore::CallerRulesStore(CallerRules rules)
    : CallerRulesStore("", std::move(rules)) {}

CallerRulesStore::CallerRulesStore(std::string path, CallerRules rules)
    : path_(std::move(path)),
      rules_(std::make_shared<const CallerRules>(std::move(rules))) {}

std::shared_ptr<const CallerRules> CallerRulesStore::Get() const {
  absl::MutexLock lock(&mu_);
  return rules_;
}

absl::Status CallerRulesStore::Reload() {
  if (path_.empty()) {
    return absl::FailedPreconditionError("no --caller_policy_file to reload");
  }
  absl::StatusOr<CallerRules> rules = CallerRules::Load(path_);
  if (!rules.ok()) {
    reload_failures_.fetch_add(1);
    return rules.status();
  }
  auto in_use = std::make_shared<const CallerRules>(*std::move(rules));
  {
    absl::MutexLock lock(&mu_);
    rules_ = std::move(in_use);
  }
  LogInfo("--caller_policy_file changed: its rules apply from now on");
  return absl::OkStatus();
}

}  // namespace gateway::governance
