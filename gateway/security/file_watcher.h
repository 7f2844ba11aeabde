// Notices, cheaply, that a file was replaced or rewritten, and has it read
// again: how the gateway picks up a rotated API key or a changed caller
// tokens file without a restart.
//
// Every `interval` the watcher looks at the file's identity (inode, size,
// modification time); when it changed, it calls `reload`. A reload that
// fails (the file is briefly missing, empty or half-written while a
// Kubernetes Secret swaps a symlink or an editor writes a new file) keeps
// what is in use: the watcher logs the error, and tries again at the next
// look.

#ifndef GATEWAY_SECURITY_FILE_WATCHER_H_
#define GATEWAY_SECURITY_FILE_WATCHER_H_

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/common/scheduler.h"

namespace gateway::security {

class FileWatcher {
 public:
  // Reads the file at its path and puts what it holds in use; an error
  // leaves what was in use. Its message should say which file, never what
  // the file holds.
  using Reload = std::function<absl::Status()>;

  // `scheduler` must outlive the watcher. `what` names the file in log lines
  // (e.g. "--api_key_file"). The file as it is now counts as loaded already.
  FileWatcher(Scheduler& scheduler, std::string what, std::string path,
              absl::Duration interval, Reload reload);

  // Starts looking, every `interval`.
  void Start();
  // Stops looking. Call before the scheduler shuts down (it would run the
  // next look at once, and that look would schedule another).
  void Stop();

  // Looks once, now, on the calling thread. Start() does this periodically.
  void Check();

  const std::string& path() const { return path_; }

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
  const std::string what_;
  const std::string path_;
  const absl::Duration interval_;
  const Reload reload_;

  absl::Mutex mu_;
  Stamp stamp_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace gateway::security

#endif  // GATEWAY_SECURITY_FILE_WATCHER_H_
