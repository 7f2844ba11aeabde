// The upload-token operations of api.video, as the gRPC edge calls them.
//
// An interface (google-cloud-cpp's "stub"), so that the edge is tested
// against a mock (testing/mock_upload_token_stub.h) and the upstream behind
// it can be decorated or replaced. UploadTokenApi implements it over
// api.video's REST API. Results are domain values: UploadToken messages and
// TokenPage, never upstream JSON; errors are absl::Status with google.rpc
// details (errors.h).

#ifndef GATEWAY_APIVIDEO_UPLOAD_TOKEN_STUB_H_
#define GATEWAY_APIVIDEO_UPLOAD_TOKEN_STUB_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/rate_limit.h"
#include "gateway/apivideo/routes.h"
#include "gateway/apivideo/token_page.h"
#include "gateway/common/cancellable.h"
#include "google/protobuf/empty.pb.h"

namespace gateway::apivideo {

// Where an answer came from (the caller sees it as `x-cache` metadata).
enum class AnswerSource {
  // A request of this call's own went upstream (or was refused before it
  // left): the quota was spent, or would have been, for this call.
  kMiss,
  // The gateway's cache answered; nothing went upstream.
  kHit,
  // An identical read already in flight answered this call too.
  kCoalesced,
};

// "miss", "hit" or "coalesced": the value of `x-cache` and of the metrics'
// `source` label.
constexpr absl::string_view AnswerSourceName(AnswerSource source) {
  switch (source) {
    case AnswerSource::kHit:
      return "hit";
    case AnswerSource::kCoalesced:
      return "coalesced";
    case AnswerSource::kMiss:
      break;
  }
  return "miss";
}

// What happened upstream during one call, for response metadata and logs.
struct UpstreamCallInfo {
  // The HTTP status of the last answer; 0 when none arrived.
  int http_status = 0;
  // The rate-limit headers of the last answer, if any.
  RateLimit rate_limit;
  // HTTP requests started for the call.
  int attempts = 0;
  // The last request may have reached api.video and no answer came (a
  // reset, a timeout, an abort): whether a write took effect is unknown.
  bool unanswered_send = false;
  // Where the answer came from. A cache hit has no HTTP status, rate limit
  // or attempts; a coalesced answer has those of the shared request.
  AnswerSource source = AnswerSource::kMiss;
};

template <typename T>
struct ApiResult {
  absl::StatusOr<T> value;
  UpstreamCallInfo upstream;
};

template <typename T>
using ApiCallback = absl::AnyInvocable<void(ApiResult<T>) &&>;

struct CallOptions {
  // The caller's deadline: bounds every attempt and wait.
  absl::Time deadline = absl::InfiniteFuture();
  // Who is calling, as the caller policy names it: the account's quota is
  // shared fairly among callers, and metrics count per caller. Empty: the
  // one shared anonymous caller.
  std::string caller;
  // The W3C trace context to send upstream, already validated
  // (observability/trace_context.h); empty: none.
  std::string traceparent;
  std::string tracestate;
  // The trace id within traceparent (32 hex digits), for audit records;
  // empty: none.
  std::string trace_id;
  // A Create's request id (AIP-155), for the governance layer's
  // deduplication; never sent to api.video. Empty: none.
  std::string request_id;
};

class UploadTokenStub {
 public:
  virtual ~UploadTokenStub() = default;

  // Each operation starts at once and returns a handle that cancels it.
  // `done` runs exactly once, on any thread, possibly before the operation
  // returns; it must not block. Tokens must already be validated.

  // Creates a token that lives `ttl_seconds` (0: forever). Never sent twice
  // once it may have reached api.video.
  virtual std::shared_ptr<Cancellable> Create(
      std::int32_t ttl_seconds, const CallOptions& options,
      ApiCallback<UploadToken> done) = 0;
  virtual std::shared_ptr<Cancellable> List(const ListQuery& query,
                                            const CallOptions& options,
                                            ApiCallback<TokenPage> done) = 0;
  virtual std::shared_ptr<Cancellable> Get(absl::string_view token,
                                           const CallOptions& options,
                                           ApiCallback<UploadToken> done) = 0;
  virtual std::shared_ptr<Cancellable> Delete(
      absl::string_view token, const CallOptions& options,
      ApiCallback<google::protobuf::Empty> done) = 0;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_UPLOAD_TOKEN_STUB_H_
