// The HTTP-client floor of the benchmark: a minimal libcurl multi client
// that keeps N GETs of one URL in flight, reusing its easy handles (and so
// its keep-alive connections), for a given time. Prints one JSON line:
//   {"calls": ..., "errors": ..., "seconds": ..., "cpu_us_per_call": ...,
//    "switches_per_call": ..., "p50_us": ..., "p99_us": ...}
// CPU and context switches (voluntary and not) are the process's own
// (getrusage), measured after a warm-up.
//
// Usage: bench_floor_curl [--epoll] URL AUTH_HEADER IN_FLIGHT SECONDS
//                         [METHOD [BODY]]
//   METHOD POST sends BODY as JSON; anything else is a GET.
//   Without --epoll, libcurl drives itself (curl_multi_perform and
//   curl_multi_poll, which polls every socket on each turn); with it, the
//   client drives libcurl's socket interface from epoll, as the gateway's
//   CurlLoop does, so the two configurations can be compared.

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Slot {
  CURL* easy = nullptr;
  Clock::time_point started;
  std::string body;
};

size_t Write(char* data, size_t size, size_t count, void* user) {
  static_cast<Slot*>(user)->body.append(data, size * count);
  return size * count;
}

// What libcurl's socket interface needs: the epoll set it asks to watch
// sockets in, and the deadline of its one timer.
struct EpollDriver {
  int epoll_fd = -1;
  std::optional<Clock::time_point> timer;

  static int OnSocket(CURL* /*easy*/, curl_socket_t socket, int what,
                      void* self, void* /*socket_data*/) {
    auto* driver = static_cast<EpollDriver*>(self);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(driver->epoll_fd, EPOLL_CTL_DEL, socket, nullptr);
      return 0;
    }
    epoll_event event{};
    event.data.fd = socket;
    if ((what & CURL_POLL_IN) != 0) event.events |= EPOLLIN;
    if ((what & CURL_POLL_OUT) != 0) event.events |= EPOLLOUT;
    if (epoll_ctl(driver->epoll_fd, EPOLL_CTL_MOD, socket, &event) != 0) {
      epoll_ctl(driver->epoll_fd, EPOLL_CTL_ADD, socket, &event);
    }
    return 0;
  }

  static int OnTimer(CURLM* /*multi*/, long timeout_ms, void* self) {
    auto* driver = static_cast<EpollDriver*>(self);
    if (timeout_ms < 0) {
      driver->timer.reset();
    } else {
      driver->timer = Clock::now() + std::chrono::milliseconds(timeout_ms);
    }
    return 0;
  }

  // Waits up to 100 ms for socket events or the timer and hands them to
  // libcurl.
  void Turn(CURLM* multi, int* running) {
    int wait_ms = 100;
    if (timer.has_value()) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(*timer - Clock::now())
              .count();
      wait_ms = static_cast<int>(std::clamp<decltype(left)>(left, 0, 100));
    }
    epoll_event events[256];
    const int ready = epoll_wait(epoll_fd, events, 256, wait_ms);
    for (int i = 0; i < ready; ++i) {
      int action = 0;
      if ((events[i].events & (EPOLLIN | EPOLLHUP)) != 0) {
        action |= CURL_CSELECT_IN;
      }
      if ((events[i].events & EPOLLOUT) != 0) action |= CURL_CSELECT_OUT;
      if ((events[i].events & EPOLLERR) != 0) action |= CURL_CSELECT_ERR;
      curl_multi_socket_action(multi, events[i].data.fd, action, running);
    }
    if (timer.has_value() && Clock::now() >= *timer) {
      timer.reset();
      curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, running);
    }
  }
};

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long ContextSwitches() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_nvcsw + usage.ru_nivcsw;
}

}  // namespace

int main(int argc, char** argv) {
  const bool use_epoll = argc > 1 && std::string(argv[1]) == "--epoll";
  if (use_epoll) {
    --argc;
    ++argv;
  }
  if (argc < 5 || argc > 7) {
    std::fprintf(stderr,
                 "usage: %s [--epoll] URL AUTH_HEADER IN_FLIGHT SECONDS "
                 "[METHOD [BODY]]\n",
                 argv[0]);
    return 2;
  }
  const std::string url = argv[1];
  const int in_flight = std::atoi(argv[3]);
  const double seconds = std::atof(argv[4]);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM* multi = curl_multi_init();
  EpollDriver driver;
  if (use_epoll) {
    driver.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, EpollDriver::OnSocket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, &driver);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, EpollDriver::OnTimer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, &driver);
  }
  const bool post = argc >= 6 && std::string(argv[5]) == "POST";
  const std::string body = argc >= 7 ? argv[6] : "";
  curl_slist* headers = curl_slist_append(nullptr, argv[2]);
  if (post) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
  }
  std::vector<Slot> slots(in_flight);
  for (Slot& slot : slots) {
    slot.easy = curl_easy_init();
    curl_easy_setopt(slot.easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(slot.easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(slot.easy, CURLOPT_WRITEFUNCTION, Write);
    curl_easy_setopt(slot.easy, CURLOPT_WRITEDATA, &slot);
    curl_easy_setopt(slot.easy, CURLOPT_PRIVATE, &slot);
    curl_easy_setopt(slot.easy, CURLOPT_NOSIGNAL, 1L);
    if (post) {
      curl_easy_setopt(slot.easy, CURLOPT_POSTFIELDSIZE,
                       static_cast<long>(body.size()));
      curl_easy_setopt(slot.easy, CURLOPT_POSTFIELDS, body.c_str());
    }
    slot.started = Clock::now();
    curl_multi_add_handle(multi, slot.easy);
  }

  const auto warmup_end = Clock::now() + std::chrono::milliseconds(1000);
  const auto end =
      warmup_end + std::chrono::microseconds(static_cast<long>(seconds * 1e6));
  bool measuring = false;
  double cpu_start = 0;
  long switches_start = 0;
  Clock::time_point wall_start;
  long calls = 0, errors = 0;
  std::vector<double> latencies_us;
  latencies_us.reserve(1 << 20);
  int running = 0;
  for (;;) {
    if (use_epoll) {
      driver.Turn(multi, &running);
    } else {
      curl_multi_perform(multi, &running);
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode code = msg->data.result;
      Slot* slot = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &slot);
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      const auto now = Clock::now();
      if (measuring) {
        ++calls;
        if (code != CURLE_OK || status / 100 != 2) ++errors;
        latencies_us.push_back(
            std::chrono::duration<double, std::micro>(now - slot->started)
                .count());
      }
      curl_multi_remove_handle(multi, easy);
      slot->body.clear();
      if (now < end) {
        slot->started = now;
        curl_multi_add_handle(multi, easy);
      }
    }
    const auto now = Clock::now();
    if (!measuring && now >= warmup_end) {
      measuring = true;
      cpu_start = CpuSeconds();
      switches_start = ContextSwitches();
      wall_start = now;
    }
    if (now >= end && running == 0) break;
    if (!use_epoll) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
  const double cpu = CpuSeconds() - cpu_start;
  const long switches = ContextSwitches() - switches_start;
  const double wall =
      std::chrono::duration<double>(Clock::now() - wall_start).count();
  std::sort(latencies_us.begin(), latencies_us.end());
  auto pct = [&](double p) {
    if (latencies_us.empty()) return 0.0;
    return latencies_us[std::min(latencies_us.size() - 1,
                                 static_cast<size_t>(p * latencies_us.size()))];
  };
  std::printf(
      "{\"calls\": %ld, \"errors\": %ld, \"seconds\": %.3f, "
      "\"cpu_us_per_call\": %.2f, \"switches_per_call\": %.3f, "
      "\"p50_us\": %.1f, \"p99_us\": %.1f}\n",
      calls, errors, wall, calls ? cpu * 1e6 / calls : 0.0,
      calls ? static_cast<double>(switches) / calls : 0.0, pct(0.5), pct(0.99));
  for (Slot& slot : slots) curl_easy_cleanup(slot.easy);
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
  if (driver.epoll_fd >= 0) close(driver.epoll_fd);
  return errors == 0 && calls > 0 ? 0 : 1;
}
