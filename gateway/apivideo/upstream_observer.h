// Hooks for watching upstream traffic: metrics and health listen here.
//
// UpstreamCall and BearerAuthenticator report each HTTP attempt and each
// retry. Implementations must be thread-safe and quick: they run on the
// transport's thread, between I/O events.

#ifndef GATEWAY_APIVIDEO_UPSTREAM_OBSERVER_H_
#define GATEWAY_APIVIDEO_UPSTREAM_OBSERVER_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/rate_limit.h"

namespace gateway::apivideo {

// One ended HTTP attempt. `route` is a fixed template such as
// "GET /upload-tokens/{token}" or "POST /auth/api-key": never caller data.
struct AttemptReport {
  absl::string_view route;
  // The HTTP status; 0 when no answer arrived.
  int http_status = 0;
  absl::Duration elapsed;
  RateLimit rate_limit;
  // The problem type of a 401 or 403 answer (e.g.
  // "https://docs.api.video/reference/authentication-invalid-api-key"); empty
  // for other answers and for a refusal without api.video's problem body.
  absl::string_view problem_type;
};

class UpstreamObserver {
 public:
  virtual ~UpstreamObserver() = default;

  virtual void OnAttempt(const AttemptReport& report) {}
  // A retry of `route` was scheduled.
  virtual void OnRetry(absl::string_view route) {}
  // The bearer authenticator obtained a new access token.
  virtual void OnTokenObtained() {}
};

// Passes every report to each of `observers`, in order.
class UpstreamObservers final : public UpstreamObserver {
 public:
  explicit UpstreamObservers(std::vector<UpstreamObserver*> observers)
      : observers_(std::move(observers)) {}

  void OnAttempt(const AttemptReport& report) override {
    for (UpstreamObserver* observer : observers_) observer->OnAttempt(report);
  }
  void OnRetry(absl::string_view route) override {
    for (UpstreamObserver* observer : observers_) observer->OnRetry(route);
  }
  void OnTokenObtained() override {
    for (UpstreamObserver* observer : observers_) observer->OnTokenObtained();
  }

 private:
  const std::vector<UpstreamObserver*> observers_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_UPSTREAM_OBSERVER_H_
