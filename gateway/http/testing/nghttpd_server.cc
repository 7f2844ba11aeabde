#include "gateway/http/testing/nghttpd_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <vector>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gateway::http::testing {
namespace {

constexpr char kNghttpd[] = "/usr/sbin/nghttpd";
constexpr absl::Duration kStartupTimeout = absl::Seconds(10);
constexpr int kAttempts =
    3;  // A picked port can be taken before nghttpd binds.

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  return address;
}

// A port that was free a moment ago.
int PickPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  if (fd < 0 ||
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) close(fd);
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_in address = Loopback(port);
  const bool connected =
      connect(fd, reinterpret_cast<const sockaddr*>(&address),
              sizeof(address)) == 0;
  close(fd);
  return connected;
}

// fork + exec rather than posix_spawn: the child asks to be killed when the
// test process dies, so a crashed test leaves no server behind. Only
// async-signal-safe calls run between fork and exec.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& arg : args) {
    argv.push_back(const_cast<char*>(arg.c_str()));  // execv's type.
  }
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // The parent died already.
    const int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0) {
      dup2(null_fd, STDOUT_FILENO);
      dup2(null_fd, STDERR_FILENO);
    }
    execv(kNghttpd, argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NghttpdServer>> NghttpdServer::Start(
    const std::string& docroot, std::optional<FakeHttpServer::TlsFiles> tls) {
  if (access(kNghttpd, X_OK) != 0) {
    return absl::NotFoundError(
        "nghttpd is not installed (Debian package nghttp2-server)");
  }
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const int port = PickPort();
    if (port == 0) return absl::InternalError("no free port");
    std::vector<std::string> args = {kNghttpd, "--address=127.0.0.1",
                                     "--htdocs=" + docroot, "--echo-upload"};
    if (!tls.has_value()) args.emplace_back("--no-tls");
    args.push_back(absl::StrCat(port));
    if (tls.has_value()) {
      args.push_back(tls->key_file);
      args.push_back(tls->cert_chain_file);
    }
    absl::StatusOr<pid_t> pid = Spawn(args);
    if (!pid.ok()) return pid.status();

    const absl::Time deadline = absl::Now() + kStartupTimeout;
    bool exited = false;
    while (!Accepts(port)) {
      if (waitpid(*pid, nullptr, WNOHANG) == *pid) {
        exited = true;  // Reaped: its pid must not be signalled any more.
        break;
      }
      if (absl::Now() > deadline) {
        kill(*pid, SIGKILL);
        waitpid(*pid, nullptr, 0);
        return absl::DeadlineExceededError("nghttpd did not start listening");
      }
      absl::SleepFor(absl::Milliseconds(10));  // Polling for readiness only.
    }
    if (!exited) {
      return absl::WrapUnique(new NghttpdServer(*pid, port, tls.has_value()));
    }
  }
  return absl::UnavailableError("nghttpd exited at startup");
}

NghttpdServer::~NghttpdServer() {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

std::string NghttpdServer::Url(absl::string_view path) const {
  return absl::StrCat(tls_ ? "https" : "http", "://127.0.0.1:", port_, path);
}

}  // namespace gateway::http::testing
