// How the gateway proves itself to api.video.

#ifndef GATEWAY_APIVIDEO_AUTH_H_
#define GATEWAY_APIVIDEO_AUTH_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace gateway::apivideo {

// Supplies the Authorization header value for upstream requests.
class Authenticator {
 public:
  using Callback = absl::AnyInvocable<void(absl::StatusOr<std::string>) &&>;

  virtual ~Authenticator() = default;

  // Calls `done` with the header value for the next request, inline or later
  // from another thread (a bearer token may need fetching first). Thread-safe.
  virtual void Authorize(Callback done) = 0;

  // Tells the authenticator that api.video answered 401 to a request sent
  // with `authorization`. True when a fresh credential may fix it, so the
  // request deserves one more try. Thread-safe.
  virtual bool Renew(absl::string_view authorization) { return false; }

  // Switches to a new API key (rotation): requests authorized from now on
  // use it. Thread-safe.
  virtual void SetApiKey(absl::string_view api_key) = 0;
};

// HTTP Basic with the API key as user name and an empty password, as the
// official Node client does. Holds only the encoded header, never logs it.
class BasicAuthenticator final : public Authenticator {
 public:
  explicit BasicAuthenticator(absl::string_view api_key);

  void Authorize(Callback done) override;
  void SetApiKey(absl::string_view api_key) override;

 private:
  absl::Mutex mu_;
  std::string header_value_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_AUTH_H_
