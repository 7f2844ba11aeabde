#include "gateway/redis/testing/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gateway::redis {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(10);

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// A port the kernel considers free now (it may be taken before we use it;
// Start() then tries another).
absl::StatusOr<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(strerror(errno));
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::string error = strerror(errno);
    close(fd);
    return absl::InternalError(absl::StrCat("free port: ", error));
  }
  close(fd);
  return ntohs(address.sin_port);
}

// Whether a server on `port` answers PING: "+PONG", or "-NOAUTH" when it
// wants a password (it is up all the same).
bool AnswersPing(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval timeout{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address = Loopback(port);
  bool up = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
      0) {
    constexpr absl::string_view kPing = "PING\r\n";
    if (send(fd, kPing.data(), kPing.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(kPing.size())) {
      char buffer[64];
      ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
      if (got > 0) {
        absl::string_view answer(buffer, static_cast<size_t>(got));
        up = absl::StartsWith(answer, "+PONG") ||
             absl::StartsWith(answer, "-NOAUTH");
      }
    }
  }
  close(fd);
  return up;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(
    const Options& options) {
  if (access(options.binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(options.binary,
                     " is not installed (Debian package "
                     "redis-server; scripts/install-deps.sh installs it)"));
  }
  absl::Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    absl::StatusOr<int> port = FreePort();
    if (!port.ok()) return port.status();
    std::unique_ptr<RedisServer> server(new RedisServer(options, *port));
    last = server->Launch();
    if (last.ok()) return server;
  }
  return last;
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start() {
  return Start(Options());
}

RedisServer::~RedisServer() { Stop(); }

std::string RedisServer::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

absl::Status RedisServer::Launch() {
  const std::string port = std::to_string(port_);
  std::vector<std::string> args = {options_.binary,
                                   "--port",
                                   port,
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--daemonize",
                                   "no",
                                   "--loglevel",
                                   "warning"};
  if (!options_.password.empty()) {
    args.emplace_back("--requirepass");
    args.push_back(options_.password);
  }
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", errno));
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDOUT_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  paused_ = false;

  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (absl::Now() < deadline) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError(absl::StrCat("redis-server on port ", port_,
                                                 " exited at start (status ",
                                                 status, ")"));
    }
    if (AnswersPing(port_)) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(20));
  }
  Stop();
  return absl::DeadlineExceededError(absl::StrCat(
      "redis-server on port ", port_, " did not answer PING within ",
      absl::FormatDuration(kStartTimeout)));
}

void RedisServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  if (paused_) kill(pid_, SIGCONT);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  paused_ = false;
}

absl::Status RedisServer::Restart() {
  Stop();
  // The old listening socket is gone with the process; redis-server sets
  // SO_REUSEADDR, so the port is free again at once. Retry a little anyway.
  absl::Status status;
  for (int attempt = 0; attempt < 10; ++attempt) {
    status = Launch();
    if (status.ok()) return status;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return status;
}

void RedisServer::Pause() {
  if (pid_ <= 0 || paused_) return;
  kill(pid_, SIGSTOP);
  // Returns once it has stopped, so nothing is answered after Pause().
  int status;
  while (waitpid(pid_, &status, WUNTRACED) < 0 && errno == EINTR) {
  }
  paused_ = true;
}

void RedisServer::Resume() {
  if (pid_ <= 0 || !paused_) return;
  kill(pid_, SIGCONT);
  paused_ = false;
}

}  // namespace gateway::redis
