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
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "curl_epoll_driver.h"
#include "curl_request.h"

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
  const bench::CurlRequest request{argc >= 6 ? argv[5] : "GET", argv[1],
                                   argv[2], argc >= 7 ? argv[6] : ""};
  const int in_flight = std::atoi(argv[3]);
  const double seconds = std::atof(argv[4]);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM* multi = curl_multi_init();
  std::optional<bench::CurlEpollDriver> driver;
  if (use_epoll) driver.emplace(multi);
  curl_slist* headers = request.NewHeaders();
  std::vector<Slot> slots(in_flight);
  for (Slot& slot : slots) {
    slot.easy = curl_easy_init();
    request.Configure(slot.easy, headers, Write, &slot);
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
    if (driver.has_value()) {
      driver->Turn();
      running = driver->running();
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
    if (driver.has_value()) {
      driver->RunTimerIfDue();  // starts the transfers just added
      running = driver->running();
    } else {
      curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
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
  curl_multi_cleanup(multi);  // may still tell the driver of closed sockets
  driver.reset();
  return errors == 0 && calls > 0 ? 0 : 1;
}
