// The api.video emulator (tests/emulator) as a child process, with its
// control API (/_emulator/...) for scripting faults, limits and the clock.

#ifndef TESTS_TESTING_EMULATOR_PROCESS_H_
#define TESTS_TESTING_EMULATOR_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/testing/subprocess.h"

namespace testing_support {

// The directory holding the built binaries (build/bin).
std::string BinaryDir();

// The project's version, as the VERSION file at the root of the sources
// says (what the gateway's --version and gateway_build_info must show).
std::string SourceVersion();

// A plain HTTP exchange, for talking to the emulator directly.
struct HttpReply {
  long status = 0;
  std::string body;
};
absl::StatusOr<HttpReply> HttpExchange(absl::string_view method,
                                       const std::string& url,
                                       const std::string& body = "",
                                       const std::string& ca_file = "");

// One request as GET /_emulator/requests shows it.
struct SeenRequest {
  std::string method;
  std::string path;
  std::string traceparent;  // empty when none was sent
};

class EmulatorProcess {
 public:
  // Starts build/bin/apivideo_emulator on 127.0.0.1 with a free port,
  // accepting `api_key`. `extra_flags` are appended (e.g. --tls_cert=...);
  // with TLS, `ca_file` is the CA the control calls trust.
  static absl::StatusOr<std::unique_ptr<EmulatorProcess>> Start(
      const std::string& api_key, std::vector<std::string> extra_flags = {},
      const std::string& ca_file = "");

  // "http://127.0.0.1:PORT" ("https://..." with TLS).
  const std::string& base_url() const { return base_url_; }
  Subprocess& process() { return *process_; }

  // Control API. Each returns an error if the emulator did not answer 2xx.
  // Reset: no tokens, faults or counts, and the default (huge) rate limits.
  absl::Status Reset();
  // `fault_json` is the body of POST /_emulator/faults.
  absl::Status AddFault(const std::string& fault_json);
  // The same, returning the fault's id; with "hold":true, the requests it
  // matches wait until RemoveFault(id) (or Reset) lets them go: tests hold
  // calls in flight on an event rather than on a latency that a loaded
  // machine may outlast.
  absl::StatusOr<std::string> AddFaultWithId(const std::string& fault_json);
  absl::Status RemoveFault(const std::string& id);
  absl::Status AdvanceClock(int seconds);
  absl::Status SetRateLimits(int reads, int writes, int window_seconds);
  absl::Status SetApiKeys(const std::vector<std::string>& keys);
  // How many requests the emulator saw for `route`, e.g.
  // "GET /upload-tokens/{token}".
  absl::StatusOr<int> RequestCount(const std::string& route);
  // Tokens the emulator has created since the last reset.
  absl::StatusOr<int> TokensCreated();
  // How many requests the emulator's rate limiter refused with 429 since
  // start or the last Reset (injected faults aside).
  absl::StatusOr<int> RateLimited();
  // How many requests went away (their client closed them) while a fault
  // held or delayed their answer, since start or the last Reset.
  absl::StatusOr<int> Abandoned();
  // The last `limit` requests the emulator saw (control calls excluded),
  // oldest first.
  absl::StatusOr<std::vector<SeenRequest>> RecentRequests(int limit = 50);
  // Waits until the emulator has seen at least `count` requests for `route`,
  // e.g. to act while a slow request is in flight.
  absl::Status WaitForRequests(const std::string& route, int count,
                               absl::Duration timeout = absl::Seconds(10));

 private:
  EmulatorProcess(std::unique_ptr<Subprocess> process, std::string base_url,
                  std::string control_ca_file);
  absl::Status Control(absl::string_view method, absl::string_view path,
                       const std::string& body);
  // One count of GET /_emulator/stats: a route under "requests", or a
  // top-level key; an error when the answer has no such key.
  absl::StatusOr<int> StatsCount(const std::string& key);

  std::unique_ptr<Subprocess> process_;
  std::string base_url_;
  std::string control_ca_file_;
};

}  // namespace testing_support

#endif  // TESTS_TESTING_EMULATOR_PROCESS_H_
