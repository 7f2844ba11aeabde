// A child process for integration tests: started from an argv, its stdout
// and stderr captured together, waited for by content rather than by time.

#ifndef TESTS_TESTING_SUBPROCESS_H_
#define TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace testing_support {

class Subprocess {
 public:
  // Starts argv[0] (a path) with `argv`, the parent's environment plus
  // `extra_env` (which also overrides; an empty value unsets). The child is
  // killed if the test process dies.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      std::vector<std::string> argv,
      std::map<std::string, std::string> extra_env = {});

  // Kills (SIGKILL) and reaps the child if it still runs.
  ~Subprocess();

  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Waits until the output has a line matching `pattern` and returns that
  // line's first capture group (or the whole line if there is none).
  absl::StatusOr<std::string> WaitForLine(const std::string& pattern,
                                          absl::Duration timeout);

  // Everything the child has written so far (stdout and stderr).
  std::string Output() const;

  // Sends `signal_number` to the child.
  void Signal(int signal_number);

  // Waits for the child to exit, and for what it wrote to be read (for
  // Output()); its wait status (see WIFEXITED), or DEADLINE_EXCEEDED.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  pid_t pid() const { return pid_; }

 private:
  Subprocess(pid_t pid, int output_fd);
  void ReadOutput();

  const pid_t pid_;
  const int output_fd_;
  std::thread reader_;

  mutable absl::Mutex mu_;
  absl::CondVar output_changed_;
  std::string output_ ABSL_GUARDED_BY(mu_);
  bool output_closed_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<int> wait_status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace testing_support

#endif  // TESTS_TESTING_SUBPROCESS_H_
