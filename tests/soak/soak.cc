// gateway_soak: a long, faulty run against the real gateway and emulator.
//
// Sends --calls RPCs (creates, gets, lists, deletes), --concurrency at a
// time, while the emulator injects random faults into about --fault_share of
// the upstream requests (5xx, resets before and after the request took
// effect, truncated and malformed bodies, answers slower than the
// deadline). (No random 429s: one closes the gateway's rate-limit window for
// every call, as it should; the fault matrix covers them.) Then checks, and
// prints:
//   - no crash: the gateway still serves and exits 0 on SIGTERM;
//   - no call outlives its deadline, seen from the client and in the
//     gateway's access log;
//   - no duplicate create: the emulator saw exactly one POST per create the
//     gateway sent upstream, and the gateway never retried one;
//   - memory: the gateway's RSS grew less than --max_rss_growth between the
//     end of the warm-up and the end of the run.
// Exits 1 if a check fails. Run by `make soak`.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/gateway_process.h"

ABSL_FLAG(int, calls, 100000, "RPCs to send in all.");
ABSL_FLAG(int, concurrency, 64, "RPCs in flight at once.");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(1), "Deadline of each RPC.");
ABSL_FLAG(double, max_rss_growth, 0.10,
          "Largest allowed RSS growth after the warm-up, as a fraction.");

namespace {

namespace v1 = ::apivideo::uploadtokens::v1;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;

constexpr char kApiKey[] = "soak-key-5b0f19";

// The faults, each applied at random to that share of upstream requests
// (in order: a request spared by one may meet the next). About 20% in all.
constexpr const char* kFaults[] = {
    R"({"path":"/upload-tokens","match":"prefix","probability":0.05,"action":"respond","status":503})",
    R"({"path":"/upload-tokens","match":"prefix","probability":0.03,"action":"reset_before"})",
    R"({"path":"/upload-tokens","match":"prefix","probability":0.03,"action":"reset_after"})",
    R"({"path":"/upload-tokens","match":"prefix","probability":0.02,"action":"respond","latency_ms":1500})",
    R"({"path":"/upload-tokens","match":"prefix","probability":0.02,"action":"respond","status":504})",
    R"({"path":"/upload-tokens","match":"prefix","probability":0.02,"action":"respond","status":200,"body":"{\"token\":"})",
    R"({"path":"/upload-tokens","match":"prefix","probability":0.02,"action":"respond","status":500})",
    R"({"path":"/upload-tokens","match":"prefix","probability":0.02,"action":"truncate","status":200})",
};

long RssKilobytes(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      long kb = 0;
      absl::SimpleAtoi(line.substr(6, line.size() - 6 - 3), &kb);
      return kb;
    }
  }
  return -1;
}

enum class Kind { kCreate, kGet, kList, kDelete };

// Drives the load: keeps `concurrency` calls in flight until `total` have
// been started, then waits for the last one.
class Load {
 public:
  Load(v1::UploadTokenService::Stub& stub, int total, absl::Duration deadline)
      : stub_(stub), total_(total), deadline_(deadline) {}

  void Run(int concurrency, const std::function<void(int)>& on_progress) {
    for (int i = 0; i < concurrency; ++i) StartNext();
    absl::MutexLock lock(&mu_);
    int reported = 0;
    while (finished_ < total_) {
      mu_.AwaitWithTimeout(absl::Condition(
                               +[](Load* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                                 return self->finished_ >= self->total_ ||
                                        self->finished_ >= self->next_report_;
                               },
                               this),
                           absl::Seconds(1));
      if (finished_ >= next_report_) {
        next_report_ += total_ / 10;
        reported = finished_;
        mu_.Unlock();
        on_progress(reported);
        mu_.Lock();
      }
    }
  }

  std::map<std::string, int> codes() const {
    absl::MutexLock lock(&mu_);
    return codes_;
  }
  std::map<std::string, std::string> examples() const {
    absl::MutexLock lock(&mu_);
    return examples_;
  }
  absl::Duration max_latency() const {
    absl::MutexLock lock(&mu_);
    return max_latency_;
  }
  int creates_ok() const {
    absl::MutexLock lock(&mu_);
    return creates_ok_;
  }

 private:
  struct Call {
    Kind kind;
    grpc::ClientContext context;
    v1::CreateUploadTokenRequest create;
    v1::GetUploadTokenRequest get;
    v1::ListUploadTokensRequest list;
    v1::DeleteUploadTokenRequest del;
    v1::UploadToken token;
    v1::ListUploadTokensResponse page;
    google::protobuf::Empty empty;
    absl::Time start;
  };

  void StartNext() {
    auto* call = new Call;
    {
      absl::MutexLock lock(&mu_);
      if (started_ >= total_) {
        delete call;
        return;
      }
      ++started_;
      const int roll = std::uniform_int_distribution<int>(0, 99)(random_);
      if (roll < 25) {
        call->kind = Kind::kCreate;
        call->create.set_ttl(
            std::uniform_int_distribution<int>(0, 3600)(random_));
      } else if (roll < 50 && !tokens_.empty()) {
        call->kind = Kind::kDelete;
        call->del.set_token(tokens_.back());
        tokens_.pop_back();
      } else if (roll < 80) {
        call->kind = Kind::kGet;
        call->get.set_token(tokens_.empty()
                                ? "toNoSuchToken"
                                : tokens_[random_() % tokens_.size()]);
      } else {
        call->kind = Kind::kList;
        call->list.set_page_size(
            std::uniform_int_distribution<int>(0, 50)(random_));
        call->list.set_order_by(roll % 2 == 0 ? "created_at desc" : "ttl");
      }
    }
    call->start = absl::Now();
    call->context.set_deadline(std::chrono::system_clock::now() +
                               absl::ToChronoMilliseconds(deadline_));
    auto done = [this, call](grpc::Status status) { Finished(call, status); };
    switch (call->kind) {
      case Kind::kCreate:
        stub_.async()->CreateUploadToken(&call->context, &call->create,
                                         &call->token, done);
        break;
      case Kind::kGet:
        stub_.async()->GetUploadToken(&call->context, &call->get, &call->token,
                                      done);
        break;
      case Kind::kList:
        stub_.async()->ListUploadTokens(&call->context, &call->list,
                                        &call->page, done);
        break;
      case Kind::kDelete:
        stub_.async()->DeleteUploadToken(&call->context, &call->del,
                                         &call->empty, done);
        break;
    }
  }

  void Finished(Call* call, const grpc::Status& status) {
    const absl::Duration latency = absl::Now() - call->start;
    {
      absl::MutexLock lock(&mu_);
      ++finished_;
      ++codes_[absl::StrCat(status.error_code())];
      if (!status.ok()) {
        examples_.emplace(absl::StrCat(status.error_code()),
                          status.error_message());
      }
      max_latency_ = std::max(max_latency_, latency);
      if (call->kind == Kind::kCreate && status.ok()) {
        ++creates_ok_;
        if (tokens_.size() < 5000) tokens_.push_back(call->token.token());
      }
    }
    delete call;
    StartNext();
  }

  v1::UploadTokenService::Stub& stub_;
  const int total_;
  const absl::Duration deadline_;

  mutable absl::Mutex mu_;
  std::mt19937_64 random_ ABSL_GUARDED_BY(mu_){20261128};
  int started_ ABSL_GUARDED_BY(mu_) = 0;
  int finished_ ABSL_GUARDED_BY(mu_) = 0;
  int next_report_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> tokens_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> codes_ ABSL_GUARDED_BY(mu_);
  // The first message seen for each error code.
  std::map<std::string, std::string> examples_ ABSL_GUARDED_BY(mu_);
  absl::Duration max_latency_ ABSL_GUARDED_BY(mu_);
  int creates_ok_ ABSL_GUARDED_BY(mu_) = 0;
};

// What the gateway's access log says about creates and latencies.
struct AccessLogSummary {
  int lines = 0;
  int create_lines = 0;
  int create_attempts = 0;
  int creates_retried = 0;
  double max_latency_ms = 0;
};

AccessLogSummary ReadAccessLog(const std::string& output) {
  static const std::regex kLine(
      R"(rpc method=(\w+) code=\w+ upstream_status=\d+ attempts=(\d+) latency_ms=([0-9.]+))");
  AccessLogSummary summary;
  for (std::sregex_iterator it(output.begin(), output.end(), kLine), end;
       it != end; ++it) {
    ++summary.lines;
    const int attempts = std::stoi((*it)[2]);
    summary.max_latency_ms =
        std::max(summary.max_latency_ms, std::stod((*it)[3]));
    if ((*it)[1] == "CreateUploadToken") {
      ++summary.create_lines;
      summary.create_attempts += attempts;
      if (attempts > 1) ++summary.creates_retried;
    }
  }
  return summary;
}

int Check(bool ok, const std::string& what, int& failures) {
  std::printf("  %-58s %s\n", what.c_str(), ok ? "ok" : "FAILED");
  if (!ok) ++failures;
  return failures;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int total = absl::GetFlag(FLAGS_calls);
  const absl::Duration deadline = absl::GetFlag(FLAGS_deadline);

  auto emulator = EmulatorProcess::Start(kApiKey);
  if (!emulator.ok()) {
    std::fprintf(stderr, "emulator: %s\n",
                 emulator.status().ToString().c_str());
    return 1;
  }
  for (const char* fault : kFaults) {
    if (absl::Status added = (*emulator)->AddFault(fault); !added.ok()) {
      std::fprintf(stderr, "fault: %s\n", added.ToString().c_str());
      return 1;
    }
  }
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey);
  if (!gateway.ok()) {
    std::fprintf(stderr, "gateway: %s\n", gateway.status().ToString().c_str());
    return 1;
  }
  const pid_t pid = (*gateway)->process().pid();
  auto stub = (*gateway)->NewStub();

  std::printf(
      "soak: %d RPCs, %d in flight, deadline %s, ~20%% upstream faults\n",
      total, absl::GetFlag(FLAGS_concurrency),
      absl::FormatDuration(deadline).c_str());
  long rss_warm = -1;
  const absl::Time start = absl::Now();
  Load load(*stub, total, deadline);
  load.Run(absl::GetFlag(FLAGS_concurrency), [&](int done) {
    const long rss = RssKilobytes(pid);
    if (rss_warm < 0 && done >= total / 10) rss_warm = rss;
    std::printf("  %7d calls  %6.0f calls/s  gateway RSS %ld KiB\n", done,
                done / absl::ToDoubleSeconds(absl::Now() - start), rss);
    std::fflush(stdout);
  });
  const absl::Duration elapsed = absl::Now() - start;
  const long rss_end = RssKilobytes(pid);
  const bool alive = kill(pid, 0) == 0;

  const int posts = *(*emulator)->RequestCount("POST /upload-tokens");
  const int tokens_created = *(*emulator)->TokensCreated();
  (*gateway)->process().Signal(SIGTERM);
  auto exit_status = (*gateway)->process().Wait(absl::Seconds(30));
  const bool clean_exit = exit_status.ok() && WIFEXITED(*exit_status) &&
                          WEXITSTATUS(*exit_status) == 0;
  const AccessLogSummary log = ReadAccessLog((*gateway)->process().Output());

  std::printf("\nresults after %s (%.0f calls/s)\n",
              absl::FormatDuration(elapsed).c_str(),
              total / absl::ToDoubleSeconds(elapsed));
  std::printf("  codes:");
  for (const auto& [code, count] : load.codes()) {
    std::printf(" %s=%d", code.c_str(), count);
  }
  std::printf("\n");
  for (const auto& [code, message] : load.examples()) {
    std::printf("    e.g. code %s: %s\n", code.c_str(), message.c_str());
  }
  std::printf(
      "  creates: %d ok, %d logged, %d POSTs seen upstream, %d "
      "tokens created\n",
      load.creates_ok(), log.create_lines, posts, tokens_created);
  const double growth =
      rss_warm > 0 ? static_cast<double>(rss_end - rss_warm) / rss_warm : 1.0;
  std::printf(
      "  gateway RSS: %ld KiB after warm-up, %ld KiB at the end "
      "(%+.1f%%)\n",
      rss_warm, rss_end, growth * 100);
  std::printf(
      "  slowest call: %.1f ms at the client, %.1f ms in the "
      "gateway (deadline %s)\n\nchecks\n",
      absl::ToDoubleMilliseconds(load.max_latency()), log.max_latency_ms,
      absl::FormatDuration(deadline).c_str());

  int failures = 0;
  int finished = 0;
  for (const auto& [code, count] : load.codes()) finished += count;
  Check(finished == total,
        absl::StrCat("every call ended (", finished, "/", total, ")"),
        failures);
  Check(alive && clean_exit, "the gateway kept serving and exited 0", failures);
  Check(log.lines == total,
        absl::StrCat("one access-log line per call (", log.lines, ")"),
        failures);
  Check(absl::ToDoubleMilliseconds(load.max_latency()) <=
            absl::ToDoubleMilliseconds(deadline) + 250,
        "no call outlived its deadline at the client (+250 ms)", failures);
  Check(log.max_latency_ms <= absl::ToDoubleMilliseconds(deadline) + 50,
        "no call outlived its deadline in the gateway (+50 ms)", failures);
  Check(log.creates_retried == 0 && posts == log.create_attempts,
        absl::StrCat("no create sent twice (", posts, " POSTs for ",
                     log.create_attempts, " create attempts, ",
                     log.creates_retried, " retried)"),
        failures);
  // Every create answered OK made a token upstream (a gateway inventing
  // tokens, or answering OK for a failed POST, fails here). The emulator
  // makes at most one token per POST, so `<= posts` would check nothing.
  Check(tokens_created >= load.creates_ok(),
        absl::StrCat("every create answered OK made a token (",
                     load.creates_ok(), " OK, ", tokens_created, " made)"),
        failures);
  Check(growth < absl::GetFlag(FLAGS_max_rss_growth),
        absl::StrFormat("RSS grew less than %.0f%%",
                        absl::GetFlag(FLAGS_max_rss_growth) * 100),
        failures);
  std::printf("\n%s\n", failures == 0 ? "soak passed" : "soak FAILED");
  return failures == 0 ? 0 : 1;
}
