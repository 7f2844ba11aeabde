// Everything an UpstreamCall needs, with fakes for the transport and the
// timers, for unit tests of the api.video layer: the test answers each
// transfer (FakeHttpClient) and moves time (FakeScheduler), so nothing sleeps.

#ifndef GATEWAY_APIVIDEO_TESTING_FAKE_UPSTREAM_H_
#define GATEWAY_APIVIDEO_TESTING_FAKE_UPSTREAM_H_

#include "gateway/apivideo/admission.h"
#include "gateway/apivideo/auth.h"
#include "gateway/apivideo/quota_steward.h"
#include "gateway/apivideo/upstream_call.h"
#include "gateway/common/testing/fake_scheduler.h"
#include "gateway/http/testing/fake_http_client.h"
#include "gateway/policy/circuit_breaker.h"
#include "gateway/policy/retry_budget.h"

namespace gateway::apivideo::testing {

struct FakeUpstream {
  // Services on this object's fakes and policies, with `authenticator`.
  // The clock is the fake scheduler's.
  UpstreamServices Services(Authenticator& authenticator) {
    UpstreamServices services;
    services.client = &client;
    services.scheduler = &scheduler;
    services.authenticator = &authenticator;
    services.retry_budget = &retry_budget;
    services.admission = &admission;
    services.quota = &quota;
    services.now = [this] { return scheduler.Now(); };
    return services;
  }

  http::testing::FakeHttpClient client;
  gateway::testing::FakeScheduler scheduler;
  policy::RetryBudget retry_budget;
  policy::CircuitBreaker circuit_breaker;
  // The gateway's admission checks, on the policies above.
  DeadlineCheck deadline_check;
  CircuitBreakerCheck circuit_breaker_check{circuit_breaker};
  AdmissionChain admission{{&deadline_check, &circuit_breaker_check}};
  // The account's rate-limit windows, on the fake clock.
  QuotaSteward quota{scheduler, QuotaStewardOptions(),
                     [this] { return scheduler.Now(); }};
};

}  // namespace gateway::apivideo::testing

#endif  // GATEWAY_APIVIDEO_TESTING_FAKE_UPSTREAM_H_
