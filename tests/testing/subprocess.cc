#include "tests/testing/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace testing_support {

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(
    std::vector<std::string> argv,
    std::map<std::string, std::string> extra_env) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  if (::access(argv[0].c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(argv[0], " is not executable"));
  }
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls are allowed.
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(*entry, absl::MaxSplits('=', 1));
    env.insert(std::move(kv));
  }
  for (auto& [key, value] : extra_env) {
    if (value.empty()) {
      env.erase(key);
    } else {
      env[key] = value;
    }
  }
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : env) {
    env_strings.push_back(absl::StrCat(key, "=", value));
  }
  std::vector<char*> c_argv;
  for (std::string& arg : argv) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (std::string& entry : env_strings) c_env.push_back(entry.data());
  c_env.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    // The test may block signals in its threads; the child starts clean.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  return std::unique_ptr<Subprocess>(new Subprocess(pid, fds[0]));
}

Subprocess::Subprocess(pid_t pid, int output_fd)
    : pid_(pid), output_fd_(output_fd) {
  reader_ = std::thread([this] { ReadOutput(); });
}

namespace {

// Whether this build is sanitized (make test-asan): then so is every child
// built with it, and the children's sanitizer reports must fail the tests.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || \
    __has_feature(undefined_behavior_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// The exit code make test-asan gives the sanitizers (ASAN_OPTIONS,
// UBSAN_OPTIONS, LSAN_OPTIONS exitcode=86).
constexpr int kSanitizerExitCode = 86;

// How long Wait() waits, at least, for the output of a child that has
// exited; only a grandchild still holding the pipe open would take it all.
constexpr absl::Duration kDrainTime = absl::Seconds(5);

// The first line of every ASan, LSan and UBSan report.
constexpr const char* kSanitizerMarkers[] = {
    "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
    ": runtime error: ", "SUMMARY: UndefinedBehaviorSanitizer"};

}  // namespace

Subprocess::~Subprocess() {
  std::optional<int> status;
  {
    absl::MutexLock lock(&mu_);
    status = wait_status_;
  }
  if (!status.has_value() && kSanitized) {
    // Let the child exit normally, so that LeakSanitizer runs in it; the
    // gateway stops within --shutdown_grace (10 s) on SIGTERM.
    ::kill(pid_, SIGTERM);
    absl::StatusOr<int> waited = Wait(absl::Seconds(30));
    if (waited.ok()) status = *waited;
  }
  bool killed = false;
  {
    absl::MutexLock lock(&mu_);
    killed = !wait_status_.has_value();
  }
  if (killed) {
    ::kill(pid_, SIGKILL);
    int ignored = 0;
    ::waitpid(pid_, &ignored, 0);
  }
  reader_.join();
  ::close(output_fd_);

  // A sanitizer report in a child is a failure of the test that started it,
  // whether or not the test looked at the child's output or exit status.
  // Tests that make a child fail on purpose never make it exit with 86 or
  // print a sanitizer report, so neither can be a false alarm.
  if (!kSanitized) return;
  const std::string output = Output();
  bool reported = status.has_value() && WIFEXITED(*status) &&
                  WEXITSTATUS(*status) == kSanitizerExitCode;
  for (const char* marker : kSanitizerMarkers) {
    reported = reported || output.find(marker) != std::string::npos;
  }
  if (reported) {
    std::fprintf(stderr,
                 "\n*** child process %d reported a sanitizer error; its "
                 "output:\n%s\n*** end of the output of child process %d\n",
                 static_cast<int>(pid_), output.c_str(),
                 static_cast<int>(pid_));
    std::abort();
  }
}

void Subprocess::ReadOutput() {
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(output_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    absl::MutexLock lock(&mu_);
    output_changed_.SignalAll();
    if (n <= 0) {
      output_closed_ = true;
      return;
    }
    output_.append(buffer, static_cast<std::size_t>(n));
  }
}

absl::StatusOr<std::string> Subprocess::WaitForLine(const std::string& pattern,
                                                    absl::Duration timeout) {
  const std::regex re(pattern);
  std::size_t scanned = 0;  // complete lines before this offset were checked
  std::optional<std::string> found;
  auto has_match = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (found.has_value()) return true;
    std::size_t end;
    while ((end = output_.find('\n', scanned)) != std::string::npos) {
      const std::string line = output_.substr(scanned, end - scanned);
      scanned = end + 1;
      std::smatch match;
      if (std::regex_search(line, match, re)) {
        found = match.size() > 1 ? match[1].str() : line;
        return true;
      }
    }
    return output_closed_;
  };
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  while (!has_match() && !output_changed_.WaitWithDeadline(&mu_, deadline)) {
  }
  if (found.has_value()) return *found;
  return absl::DeadlineExceededError(absl::StrCat(
      "no line matching /", pattern, "/ within ", absl::FormatDuration(timeout),
      "; output so far:\n", output_));
}

std::string Subprocess::Output() const {
  absl::MutexLock lock(&mu_);
  return output_;
}

void Subprocess::Signal(int signal_number) { ::kill(pid_, signal_number); }

absl::StatusOr<int> Subprocess::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      absl::MutexLock lock(&mu_);
      wait_status_ = status;
      // What the child wrote just before exiting may still be in the pipe:
      // let the reader drain it to EOF, so that Output() is complete.
      mu_.AwaitWithDeadline(absl::Condition(&output_closed_),
                            std::max(deadline, absl::Now() + kDrainTime));
      return status;
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("pid ", pid_, " still running after ",
                       absl::FormatDuration(timeout)));
    }
    // waitpid has no timeout; poll at a short interval.
    absl::SleepFor(absl::Milliseconds(10));
  }
}

}  // namespace testing_support
