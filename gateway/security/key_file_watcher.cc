#include "gateway/security/key_file_watcher.h"

#include <sys/stat.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "gateway/security/secrets.h"

namespace gateway::security {

KeyFileWatcher::KeyFileWatcher(Scheduler& scheduler, std::string path,
                               absl::Duration interval, std::string current_key,
                               KeyCallback on_new_key)
    : scheduler_(scheduler),
      path_(std::move(path)),
      interval_(interval),
      on_new_key_(std::move(on_new_key)),
      key_(std::move(current_key)) {
  Stamp stamp;
  if (ReadStamp(path_, stamp)) {
    absl::MutexLock lock(&mu_);
    stamp_ = stamp;
  }
}

bool KeyFileWatcher::ReadStamp(const std::string& path, Stamp& stamp) {
  struct stat info {};
  // stat follows symlinks: a Kubernetes Secret update swaps one.
  if (::stat(path.c_str(), &info) != 0) return false;
  stamp.inode = info.st_ino;
  stamp.size = info.st_size;
  stamp.mtime_ns = static_cast<long long>(info.st_mtim.tv_sec) *  // NOLINT
                       1000000000LL +
                   info.st_mtim.tv_nsec;
  return true;
}

void KeyFileWatcher::Start() { ScheduleNext(); }

void KeyFileWatcher::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

void KeyFileWatcher::ScheduleNext() {
  scheduler_.RunAfter(interval_, [this] {
    {
      absl::MutexLock lock(&mu_);
      if (stopped_) return;
    }
    Check();
    ScheduleNext();
  });
}

void KeyFileWatcher::Check() {
  Stamp stamp;
  if (!ReadStamp(path_, stamp)) {
    LogWarning(absl::StrCat("cannot stat --api_key_file ", path_,
                            "; keeping the current key"));
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    if (stamp == stamp_) return;
  }
  absl::StatusOr<std::string> key = LoadApiKey(path_, nullptr);
  if (!key.ok()) {
    LogWarning(
        absl::StrCat(key.status().message(), "; keeping the current key"));
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    stamp_ = stamp;
    if (*key == key_) return;
    key_ = *key;
  }
  on_new_key_(*key);
  // Logged once the key is in use: "from now on" holds when it is read.
  LogInfo(absl::StrCat("--api_key_file ", path_,
                       " changed: using the new API key from now on"));
}

}  // namespace gateway::security
