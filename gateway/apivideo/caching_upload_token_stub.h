// An UploadTokenStub that spares api.video's quota: repeated reads are
// answered from memory, concurrent identical reads share one request.
//
// api.video meters the account per minute, and every service behind the
// gateway shares that one account, so a read that need not go upstream
// must not. This decorator sits between the gRPC service and
// UploadTokenApi and
//   - answers Get from the TokenCache (token_cache.h): tokens created or
//     read through the gateway, for up to --token_cache_max_age and never
//     past their expires_at, and NOT_FOUND for --negative_cache_max_age;
//   - answers List from a cache of pages only when --list_cache_max_age is
//     above 0 (a listing changes with every create and delete anywhere);
//   - coalesces concurrent identical Gets and Lists (read_coalescer.h),
//     unless --coalesce_reads=false;
//   - keeps what it knows true of writes made through the gateway: a Create
//     enters the cache, a Delete leaves it, and either drops cached pages.
//     A write made elsewhere shows once the entry's max age has passed.
// Shared mode (--redis_address): given a SharedTokenStore
// (shared_token_store.h), replicas of the gateway share the token cache.
// While the store is available():
//   - Get asks the store first: a token or a remembered NOT_FOUND is a hit;
//     a miss goes upstream as above (coalesced) and the answer is added to
//     the store; an error of the store falls back to the local cache;
//   - Create answers once the new token is in the store, so that a Get on
//     any replica is a hit;
//   - Delete answers once the store has forgotten the token (and left a
//     tombstone that keeps a Get in flight anywhere from storing it again),
//     so no replica reports it after the Delete returned.
// A store error only loses the sharing, never the call. While the store
// is not available() everything is local, as without it; the local cache
// keeps what this replica writes and reads in either mode, ready for then.
// Lists are always local.
// Errors other than a Get's NOT_FOUND are never cached, so a fault upstream
// always reaches the caller who asked upstream. Each answer says where it
// came from (UpstreamCallInfo::source); an AnswerObserver, if given, hears
// of every answer, for metrics.
//
// Thread-safe: calls start on gRPC threads, answers arrive on the curl loop
// thread (or the store's thread, e.g. the Redis client's loop). A local
// cache hit calls `done` before the operation returns. No
// callback runs under a lock of this class or of its parts.

#ifndef GATEWAY_APIVIDEO_CACHING_UPLOAD_TOKEN_STUB_H_
#define GATEWAY_APIVIDEO_CACHING_UPLOAD_TOKEN_STUB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/expiring_lru_cache.h"
#include "gateway/apivideo/read_coalescer.h"
#include "gateway/apivideo/shared_token_store.h"
#include "gateway/apivideo/token_cache.h"
#include "gateway/apivideo/upload_token_stub.h"

namespace gateway::apivideo {

struct ReadCacheOptions {
  // --token_cache_max_age, --negative_cache_max_age, --token_cache_entries.
  TokenCacheOptions tokens;
  // --list_cache_max_age: how long a page of ListUploadTokens is answered
  // from memory. Off by default: a page changes with every create or delete
  // made anywhere, and listings are rare next to reads of one token. Lists
  // are coalesced either way. 0: pages are not cached.
  absl::Duration list_max_age = absl::ZeroDuration();
  // Pages kept at most when --list_cache_max_age is on; a page of 100
  // tokens takes about 20 KB, so about 2 MB.
  int list_max_entries = 100;
  // --coalesce_reads: whether concurrent identical Gets and Lists share one
  // upstream request. Off, every read that misses the caches goes upstream
  // on its own: for measuring the cost of such a read (bench/), or to give
  // each caller its own deadline and trace upstream.
  bool coalesce = true;
  // The clock cached entries expire by; tests pass a fake one.
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

// Hears where each answer came from, e.g. for per-caller metrics. Called on
// the thread that answers (a gRPC thread for a hit, the curl loop thread
// otherwise), just before the caller's callback: must be quick and
// thread-safe.
class AnswerObserver {
 public:
  virtual ~AnswerObserver() = default;

  // `caller` as CallOptions::caller has it (empty: anonymous);
  // `operation` is "create", "list", "get" or "delete".
  virtual void OnAnswer(absl::string_view caller, absl::string_view operation,
                        AnswerSource source) = 0;
};

class CachingUploadTokenStub final : public UploadTokenStub {
 public:
  // `upstream`, and `observer` and `shared` when not null, must outlive
  // this object and every call started through it. `shared` null: the
  // local cache alone.
  CachingUploadTokenStub(UploadTokenStub& upstream,
                         const ReadCacheOptions& options,
                         AnswerObserver* observer = nullptr,
                         SharedTokenStore* shared = nullptr);

  std::shared_ptr<Cancellable> Create(std::int32_t ttl_seconds,
                                      const CallOptions& options,
                                      ApiCallback<UploadToken> done) override;
  std::shared_ptr<Cancellable> List(const ListQuery& query,
                                    const CallOptions& options,
                                    ApiCallback<TokenPage> done) override;
  std::shared_ptr<Cancellable> Get(absl::string_view token,
                                   const CallOptions& options,
                                   ApiCallback<UploadToken> done) override;
  std::shared_ptr<Cancellable> Delete(
      absl::string_view token, const CallOptions& options,
      ApiCallback<google::protobuf::Empty> done) override;

 private:
  // `done`, telling observer_ of the answer first.
  template <typename T>
  ApiCallback<T> Observed(absl::string_view operation,
                          const CallOptions& options, ApiCallback<T> done);
  // Whether the shared store is to be asked now.
  bool SharedAvailable() const;
  // Get from the local cache, else upstream (coalesced).
  std::shared_ptr<Cancellable> LocalGet(absl::string_view token,
                                        const CallOptions& options,
                                        ApiCallback<UploadToken> done);
  // Get upstream, joining an identical read in flight; the answer is kept
  // locally and in the shared store.
  std::shared_ptr<Cancellable> UpstreamGet(absl::string_view token,
                                           const CallOptions& options,
                                           ApiCallback<UploadToken> done);
  // After a write through the gateway: no cached or in-flight page from
  // before it answers a read that starts after it.
  void ForgetPages();

  UploadTokenStub& upstream_;
  const ReadCacheOptions options_;
  AnswerObserver* const observer_;
  SharedTokenStore* const shared_;
  TokenCache tokens_;
  ExpiringLruCache<TokenPage> pages_;
  ReadCoalescer<UploadToken> gets_;
  ReadCoalescer<TokenPage> lists_;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_CACHING_UPLOAD_TOKEN_STUB_H_
