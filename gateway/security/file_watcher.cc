#include "gateway/security/file_watcher.h"

#include <sys/stat.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"

namespace gateway::security {

FileWatcher::FileWatcher(Scheduler& scheduler, std::string what,
                         std::string path, absl::Duration interval,
                         Reload reload)
    : scheduler_(scheduler),
      what_(std::move(what)),
      path_(std::move(path)),
      interval_(interval),
      reload_(std::move(reload)) {
  Stamp stamp;
  if (ReadStamp(path_, stamp)) {
    absl::MutexLock lock(&mu_);
    stamp_ = stamp;
  }
}

bool FileWatcher::ReadStamp(const std::string& path, Stamp& stamp) {
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

void FileWatcher::Start() { ScheduleNext(); }

void FileWatcher::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

void FileWatcher::ScheduleNext() {
  scheduler_.RunAfter(interval_, [this] {
    {
      absl::MutexLock lock(&mu_);
      if (stopped_) return;
    }
    Check();
    ScheduleNext();
  });
}

void FileWatcher::Check() {
  Stamp stamp;
  if (!ReadStamp(path_, stamp)) {
    LogWarning(absl::StrCat("cannot stat ", what_, " ", path_,
                            "; keeping what is in use"));
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    if (stamp == stamp_) return;
  }
  if (absl::Status reloaded = reload_(); !reloaded.ok()) {
    LogWarning(absl::StrCat(reloaded.message(), "; keeping what is in use"));
    return;
  }
  absl::MutexLock lock(&mu_);
  stamp_ = stamp;
}

}  // namespace gateway::security
