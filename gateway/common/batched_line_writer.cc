#include "gateway/common/batched_line_writer.h"

#include <utility>

#include "absl/time/clock.h"
#include "gateway/common/posix.h"

namespace gateway {

BatchedLineWriter::BatchedLineWriter(int fd, absl::Duration flush_interval,
                                     std::size_t max_batch_bytes)
    : fd_(fd),
      flush_interval_(flush_interval),
      max_batch_bytes_(max_batch_bytes) {
  batch_.reserve(max_batch_bytes_);
  flusher_ = std::thread([this] { FlushEveryInterval(); });
}

BatchedLineWriter::~BatchedLineWriter() {
  {
    absl::MutexLock lock(&batch_mu_);
    stopping_ = true;
    wake_.Signal();
  }
  flusher_.join();
  Flush();
}

void BatchedLineWriter::Append(absl::string_view line) {
  bool full = false;
  {
    absl::MutexLock lock(&batch_mu_);
    // Only the first line of a batch wakes the flusher: the others find it
    // already counting down the interval.
    if (batch_.empty()) wake_.Signal();
    batch_.append(line.data(), line.size());
    full = batch_.size() >= max_batch_bytes_;
  }
  if (full) Flush();
}

void BatchedLineWriter::WriteNow(absl::string_view line) { WriteBatch(line); }

void BatchedLineWriter::Flush() { WriteBatch(absl::string_view()); }

void BatchedLineWriter::WriteBatch(absl::string_view then) {
  absl::MutexLock write_lock(&write_mu_);
  std::string batch;
  {
    absl::MutexLock lock(&batch_mu_);
    batch.swap(batch_);
    // The next batch starts with room for a full one, so appending to it
    // does not reallocate; the taken one is freed below, outside the lock.
    batch_.reserve(max_batch_bytes_);
  }
  batch.append(then.data(), then.size());
  // Best effort: nothing useful can be done when the log's fd is gone.
  WriteFully(fd_, batch);
}

void BatchedLineWriter::FlushEveryInterval() {
  absl::MutexLock lock(&batch_mu_);
  while (!stopping_) {
    if (batch_.empty()) {
      wake_.Wait(&batch_mu_);
      continue;
    }
    // The oldest waiting line arrived about now: write the batch one
    // interval later (sooner if the writer is being destroyed).
    const absl::Time due = absl::Now() + flush_interval_;
    while (!stopping_ && !wake_.WaitWithDeadline(&batch_mu_, due)) {
    }
    batch_mu_.Unlock();
    Flush();
    batch_mu_.Lock();
  }
}

}  // namespace gateway
