#include "gateway/apivideo/credentials_health.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace gateway::apivideo {

namespace {

// The problem types (their last path segment) of api.video's refusals of
// the credentials a request carried, as opposed to refusals of the request.
constexpr absl::string_view kCredentialProblems[] = {
    "authentication-invalid-api-key",
    "authentication-invalid-access-token",
    "authentication-invalid-authorization-header-value",
    "authentication-missing-authorization-header",
    "authorization-suspended-account",
};

bool NamesTheCredentials(absl::string_view problem_type) {
  const absl::string_view slug =
      problem_type.substr(problem_type.rfind('/') + 1);
  return std::find(std::begin(kCredentialProblems),
                   std::end(kCredentialProblems),
                   slug) != std::end(kCredentialProblems);
}

}  // namespace

int CredentialsVerdict(const AttemptReport& report) {
  const int status = report.http_status;
  if (status == 0 || status >= 500) return 0;
  if (absl::StrContains(report.route, " /auth/")) {
    // /auth answers a bad key with 400 (and could with 401/403).
    if (status == 400 || status == 401 || status == 403) return -1;
    return status < 300 ? 1 : 0;
  }
  if (status != 401 && status != 403) return 1;
  if (report.problem_type.empty() || NamesTheCredentials(report.problem_type)) {
    return -1;
  }
  return 0;
}

CredentialsHealth::CredentialsHealth(Scheduler& scheduler,
                                     absl::Duration probe_interval, Probe probe,
                                     Listener listener)
    : scheduler_(scheduler),
      probe_interval_(probe_interval),
      probe_(std::move(probe)),
      listener_(std::move(listener)) {}

void CredentialsHealth::Start() {
  if (probe_interval_ <= absl::ZeroDuration()) return;
  scheduler_.RunAfter(absl::ZeroDuration(), [this] {
    {
      absl::MutexLock lock(&mu_);
      if (stopped_) return;
    }
    probe_();
  });
}

void CredentialsHealth::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

bool CredentialsHealth::credentials_accepted() const {
  absl::MutexLock lock(&mu_);
  return accepted_;
}

void CredentialsHealth::OnAttempt(const AttemptReport& report) {
  const int verdict = CredentialsVerdict(report);
  if (verdict != 0) Update(verdict > 0);
}

void CredentialsHealth::Update(bool accepted) {
  bool start_probing = false;
  {
    absl::MutexLock lock(&mu_);
    if (accepted_ == accepted) return;
    accepted_ = accepted;
    if (!accepted && !probing_ && probe_interval_ > absl::ZeroDuration()) {
      probing_ = true;
      start_probing = true;
    }
  }
  listener_(accepted);
  if (start_probing) {
    scheduler_.RunAfter(probe_interval_, [this] { ProbeWhileRejected(); });
  }
}

void CredentialsHealth::ProbeWhileRejected() {
  {
    absl::MutexLock lock(&mu_);
    if (accepted_ || stopped_) {
      probing_ = false;
      return;
    }
  }
  probe_();
  scheduler_.RunAfter(probe_interval_, [this] { ProbeWhileRejected(); });
}

}  // namespace gateway::apivideo
