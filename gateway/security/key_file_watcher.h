// Picks up a rotated API key without a restart.
//
// Every `interval` the watcher looks at the key file's identity (inode,
// size, modification time); when it changed, it reads the file again and,
// if it holds a valid key different from the current one, hands it to
// `on_new_key`. A file that is briefly missing or empty (a Kubernetes Secret
// swaps a symlink; an editor writes a new file) keeps the old key: the
// watcher only logs, and tries again at the next look. Never logs the key.

#ifndef GATEWAY_SECURITY_KEY_FILE_WATCHER_H_
#define GATEWAY_SECURITY_KEY_FILE_WATCHER_H_

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/common/scheduler.h"

namespace gateway::security {

class KeyFileWatcher {
 public:
  using KeyCallback = std::function<void(const std::string& key)>;

  // `scheduler` must outlive the watcher; `current_key` is the key in use.
  KeyFileWatcher(Scheduler& scheduler, std::string path,
                 absl::Duration interval, std::string current_key,
                 KeyCallback on_new_key);

  // Starts looking, every `interval`.
  void Start();
  // Stops looking. Call before the scheduler shuts down (it would run the
  // next look at once, and that look would schedule another).
  void Stop();

  // Looks once, now, on the calling thread. Start() does this periodically.
  void Check();

 private:
  // What identifies one version of the file, cheaply.
  struct Stamp {
    unsigned long long inode = 0;  // NOLINT(google-runtime-int)
    long long size = -1;           // NOLINT(google-runtime-int)
    long long mtime_ns = 0;        // NOLINT(google-runtime-int)
    bool operator==(const Stamp& other) const {
      return inode == other.inode && size == other.size &&
             mtime_ns == other.mtime_ns;
    }
  };
  static bool ReadStamp(const std::string& path, Stamp& stamp);
  void ScheduleNext();

  Scheduler& scheduler_;
  const std::string path_;
  const absl::Duration interval_;
  const KeyCallback on_new_key_;

  absl::Mutex mu_;
  std::string key_ ABSL_GUARDED_BY(mu_);
  Stamp stamp_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace gateway::security

#endif  // GATEWAY_SECURITY_KEY_FILE_WATCHER_H_
