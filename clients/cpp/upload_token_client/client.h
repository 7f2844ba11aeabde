// UploadTokenClient: UploadTokenService with what every caller would otherwise
// write again: a deadline on every call, the caller's metadata in and the
// gateway's (rate limit, cache) out, a request_id on every Create so that it
// can be retried, every page of a listing, and absl::Status errors whose
// details DecodeErrorDetails reads.
//
//   upload_token_client::ChannelOptions options;
//   options.target = "dns:///upload-token-gateway.upload-tokens:50051";
//   options.tls.emplace().root_certificates_pem = ca_pem;
//   options.bearer_token = caller_token;
//   auto channel = upload_token_client::MakeChannel(options);  // StatusOr
//   upload_token_client::UploadTokenClient client(*channel);
//   absl::StatusOr<v1::UploadToken> token = client.Create(3600);
//
// Calls block the calling thread; the client is safe to share between
// threads, and cheap to copy (copies share the channel).
#ifndef UPLOAD_TOKEN_CLIENT_CLIENT_H_
#define UPLOAD_TOKEN_CLIENT_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"

namespace upload_token_client {

namespace v1 = ::apivideo::uploadtokens::v1;

// What the gateway sent beside its answer, e.g. x-ratelimit-limit,
// x-ratelimit-remaining, x-ratelimit-retry-after and x-cache (hit, miss,
// coalesced). Binary (-bin) entries are left out.
struct ResponseMetadata {
  std::multimap<std::string, std::string> initial;
  std::multimap<std::string, std::string> trailing;

  // The first value of `key` in the initial metadata, else in the trailing.
  std::optional<std::string> Find(const std::string& key) const;
};

struct ClientOptions {
  // The deadline of a call that gives none. For ListAll it applies to each
  // page, and for Create to all its attempts together.
  absl::Duration default_timeout = absl::Seconds(10);
  // Attempts of a Create that ends UNAVAILABLE (the gateway not reached, or
  // the connection lost with the answer): each sends the same request_id,
  // so the gateway creates at most one token.
  int create_attempts = 3;
  // The pause before a Create's second attempt; doubled for each next one.
  absl::Duration create_backoff = absl::Milliseconds(100);
  // How long ListAll may wait in all, following RetryInfo on
  // RESOURCE_EXHAUSTED, before it gives the error up to its caller.
  absl::Duration list_all_max_wait = absl::Seconds(60);
};

// Per call; all optional.
struct CallOptions {
  // Replaces ClientOptions::default_timeout for this call.
  std::optional<absl::Duration> timeout;
  // More request metadata, e.g. {"traceparent", "00-…"}.
  std::vector<std::pair<std::string, std::string>> metadata;
  // Filled with the gateway's response metadata when not null (for ListAll,
  // that of the last page).
  ResponseMetadata* response_metadata = nullptr;
};

class UploadTokenClient {
 public:
  explicit UploadTokenClient(
      const std::shared_ptr<grpc::ChannelInterface>& channel,
      ClientOptions options = {});

  // A token valid for `ttl_seconds` (0: never expires); without it, the
  // caller's policy default applies. The request_id is made here when the
  // request has none.
  absl::StatusOr<v1::UploadToken> Create(std::optional<int> ttl_seconds = {},
                                         const CallOptions& call = {}) const;
  absl::StatusOr<v1::UploadToken> Create(v1::CreateUploadTokenRequest request,
                                         const CallOptions& call = {}) const;

  absl::StatusOr<v1::UploadToken> Get(const std::string& token,
                                      const CallOptions& call = {}) const;
  absl::Status Delete(const std::string& token,
                      const CallOptions& call = {}) const;

  // One page, as the request asks.
  absl::StatusOr<v1::ListUploadTokensResponse> ListPage(
      const v1::ListUploadTokensRequest& request,
      const CallOptions& call = {}) const;
  // Every token of every page from `request` on (its page_size, order_by and
  // filter apply to each page). A page refused with RESOURCE_EXHAUSTED and a
  // RetryInfo is asked again after the delay it gives, within
  // ClientOptions::list_all_max_wait.
  absl::StatusOr<std::vector<v1::UploadToken>> ListAll(
      v1::ListUploadTokensRequest request = {},
      const CallOptions& call = {}) const;

  // Deletes (force) or counts the tokens `request.filter` matches.
  absl::StatusOr<v1::PurgeUploadTokensResponse> Purge(
      const v1::PurgeUploadTokensRequest& request,
      const CallOptions& call = {}) const;

  // The generated stub, for anything not wrapped here.
  v1::UploadTokenService::StubInterface& stub() const { return *stub_; }

 private:
  // A context with the call's metadata and a deadline `timeout` from now.
  std::unique_ptr<grpc::ClientContext> NewContext(const CallOptions& call,
                                                  absl::Duration timeout) const;
  absl::Duration TimeoutOf(const CallOptions& call) const;

  std::shared_ptr<v1::UploadTokenService::StubInterface> stub_;
  ClientOptions options_;
};

}  // namespace upload_token_client

#endif  // UPLOAD_TOKEN_CLIENT_CLIENT_H_
