#include "gateway/security/key_file_watcher.h"

#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "gateway/security/secrets.h"

namespace gateway::security {

KeyFileWatcher::KeyFileWatcher(Scheduler& scheduler, std::string path,
                               absl::Duration interval, std::string current_key,
                               KeyCallback on_new_key)
    : on_new_key_(std::move(on_new_key)),
      key_(std::move(current_key)),
      watcher_(scheduler, "--api_key_file", std::move(path), interval,
               [this] { return Reload(); }) {}

absl::Status KeyFileWatcher::Reload() {
  absl::StatusOr<std::string> key = LoadApiKey(watcher_.path(), nullptr);
  if (!key.ok()) return key.status();
  {
    absl::MutexLock lock(&mu_);
    if (*key == key_) return absl::OkStatus();
    key_ = *key;
  }
  on_new_key_(*key);
  // Logged once the key is in use: "from now on" holds when it is read.
  LogInfo(absl::StrCat("--api_key_file ", watcher_.path(),
                       " changed: using the new API key from now on"));
  return absl::OkStatus();
}

}  // namespace gateway::security
