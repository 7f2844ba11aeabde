// Picks up a rotated API key without a restart.
//
// A FileWatcher on the key file: when the file changed and holds a valid key
// different from the current one, the key goes to `on_new_key`. A file that
// is briefly missing or empty keeps the old key (FileWatcher says how).
// Never logs the key.

#ifndef GATEWAY_SECURITY_KEY_FILE_WATCHER_H_
#define GATEWAY_SECURITY_KEY_FILE_WATCHER_H_

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/common/scheduler.h"
#include "gateway/security/file_watcher.h"

namespace gateway::security {

class KeyFileWatcher {
 public:
  using KeyCallback = std::function<void(const std::string& key)>;

  // `scheduler` must outlive the watcher; `current_key` is the key in use.
  KeyFileWatcher(Scheduler& scheduler, std::string path,
                 absl::Duration interval, std::string current_key,
                 KeyCallback on_new_key);

  // Starts looking, every `interval`.
  void Start() { watcher_.Start(); }
  // Stops looking. Call before the scheduler shuts down.
  void Stop() { watcher_.Stop(); }

  // Looks once, now, on the calling thread. Start() does this periodically.
  void Check() { watcher_.Check(); }

 private:
  absl::Status Reload();

  const KeyCallback on_new_key_;
  absl::Mutex mu_;
  std::string key_ ABSL_GUARDED_BY(mu_);
  FileWatcher watcher_;  // last: its callback uses the members above
};

}  // namespace gateway::security

#endif  // GATEWAY_SECURITY_KEY_FILE_WATCHER_H_
