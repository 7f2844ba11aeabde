// Writes text lines to a file descriptor a batch at a time: one write(2) for
// many lines instead of one each, the way nginx's access_log `buffer=` and
// `flush=` do. The gateway logs a line per RPC; written one by one they cost
// a system call per call on a gRPC thread (bench/RESULTS.md, issue #23).
//
// A line waits in memory until the oldest waiting line is `flush_interval`
// old, the batch reaches `max_batch_bytes`, or a caller writes a line that
// must not wait (WriteNow) or asks for everything (Flush). Lines reach the fd
// in the order they were given, whichever of these writes them. A process
// killed without warning loses at most the last interval's lines.
//
// Thread-safe. A background thread writes the timed batches; it sleeps
// while there is nothing to write.

#ifndef GATEWAY_COMMON_BATCHED_LINE_WRITER_H_
#define GATEWAY_COMMON_BATCHED_LINE_WRITER_H_

#include <cstddef>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gateway {

class BatchedLineWriter {
 public:
  static constexpr std::size_t kDefaultMaxBatchBytes = 64 * std::size_t{1024};

  // Does not own `fd`. `flush_interval` must be positive.
  BatchedLineWriter(int fd, absl::Duration flush_interval,
                    std::size_t max_batch_bytes = kDefaultMaxBatchBytes);
  // Writes what waits, then stops the background thread.
  ~BatchedLineWriter();

  BatchedLineWriter(const BatchedLineWriter&) = delete;
  BatchedLineWriter& operator=(const BatchedLineWriter&) = delete;

  // Adds `line` (with its newline) to the batch. Writes the batch on the
  // calling thread when it has grown to max_batch_bytes.
  void Append(absl::string_view line);

  // Writes the batch and then `line`, before returning: for lines someone
  // waits for (errors, "listening on ...").
  void WriteNow(absl::string_view line);

  // Writes the batch before returning.
  void Flush();

 private:
  // Takes the batch and writes it, with `then` after it, holding write_mu_
  // so that batches reach the fd in order.
  void WriteBatch(absl::string_view then);
  void FlushEveryInterval();

  const int fd_;
  const absl::Duration flush_interval_;
  const std::size_t max_batch_bytes_;

  // Held across write(2): orders batches taken by different threads.
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(batch_mu_);
  absl::Mutex batch_mu_;
  std::string batch_ ABSL_GUARDED_BY(batch_mu_);
  // Signalled when the batch gets its first line, and when stopping.
  absl::CondVar wake_;
  bool stopping_ ABSL_GUARDED_BY(batch_mu_) = false;
  std::thread flusher_;
};

}  // namespace gateway

#endif  // GATEWAY_COMMON_BATCHED_LINE_WRITER_H_
