// Reads that spend no quota: see caching_upload_token_stub.h.

#include "gateway/apivideo/caching_upload_token_stub.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/common/log.h"

namespace gateway::apivideo {
namespace {

// Identical lists have identical keys: the same page of the same order.
std::string KeyOf(const ListQuery& query) {
  return absl::StrCat(static_cast<int>(query.sort_field), "/",
                      static_cast<int>(query.sort_order), "/",
                      query.current_page, "/", query.page_size);
}

// The handle of a Get waiting for the shared store: cancels the wait, or,
// once the store said "miss", the upstream read that followed.
class SharedRead final : public Cancellable {
 public:
  explicit SharedRead(ApiCallback<UploadToken> done) : done_(std::move(done)) {}

  void Cancel() override {
    ApiCallback<UploadToken> done;
    std::shared_ptr<Cancellable> next;
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_) return;
      cancelled_ = true;
      done = std::move(done_);
      done_ = nullptr;
      next = next_;
    }
    if (done != nullptr) {
      // Still waiting for the store: whatever it says will be dropped.
      ApiResult<UploadToken> result{
          absl::CancelledError("the call was cancelled"), {}};
      std::move(done)(std::move(result));
    } else if (next != nullptr) {
      next->Cancel();
    }
  }

  // The caller's callback, when the store answers; null if cancelled.
  ApiCallback<UploadToken> Take() {
    absl::MutexLock lock(&mu_);
    ApiCallback<UploadToken> done = std::move(done_);
    done_ = nullptr;
    return done;
  }

  // The read that followed a miss, to cancel with this one.
  void Follow(std::shared_ptr<Cancellable> next) {
    {
      absl::MutexLock lock(&mu_);
      if (!cancelled_) {
        next_ = std::move(next);
        return;
      }
    }
    // Cancelled while the read was being started.
    if (next != nullptr) next->Cancel();
  }

 private:
  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  ApiCallback<UploadToken> done_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Cancellable> next_ ABSL_GUARDED_BY(mu_);
};

// A callback that logs a failed write to the shared store, then answers.
template <typename T>
SharedTokenStore::DoneCallback AnswerAfterStore(absl::string_view what,
                                                ApiResult<T> result,
                                                ApiCallback<T> done) {
  return [what, result = std::move(result),
          done = std::move(done)](const absl::Status& stored) mutable {
    if (!stored.ok()) {
      Log(LogLevel::kWarning,
          "shared token cache: write failed; other replicas may not see it",
          {LogField("operation", what), LogField("error", stored.ToString())});
    }
    std::move(done)(std::move(result));
  };
}

}  // namespace

CachingUploadTokenStub::CachingUploadTokenStub(UploadTokenStub& upstream,
                                               const ReadCacheOptions& options,
                                               AnswerObserver* observer,
                                               SharedTokenStore* shared)
    : upstream_(upstream),
      options_(options),
      observer_(observer),
      shared_(shared),
      tokens_(options.tokens, options.now),
      pages_(static_cast<std::size_t>(std::max(options.list_max_entries, 1))) {}

template <typename T>
ApiCallback<T> CachingUploadTokenStub::Observed(absl::string_view operation,
                                                const CallOptions& options,
                                                ApiCallback<T> done) {
  if (observer_ == nullptr) return done;
  return [observer = observer_, operation, caller = options.caller,
          done = std::move(done)](ApiResult<T> result) mutable {
    observer->OnAnswer(caller, operation, result.upstream.source);
    std::move(done)(std::move(result));
  };
}

std::shared_ptr<Cancellable> CachingUploadTokenStub::Create(
    std::int32_t ttl_seconds, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  return upstream_.Create(
      ttl_seconds, options,
      [this, done = Observed("create", options, std::move(done))](
          ApiResult<UploadToken> result) mutable {
        // Before the caller hears of it, so that its next read is a hit.
        if (result.value.ok()) tokens_.AddCreated(*result.value);
        // Even a failed create may have made a token (a timeout after
        // api.video acted): pages from before may lack it.
        ForgetPages();
        if (result.value.ok() && SharedAvailable()) {
          // So that a read on any replica is a hit: the caller hears of
          // the token once it is shared (or sharing failed).
          const UploadToken token = *result.value;
          shared_->AddCreated(
              token,
              AnswerAfterStore("create", std::move(result), std::move(done)));
          return;
        }
        std::move(done)(std::move(result));
      });
}

bool CachingUploadTokenStub::SharedAvailable() const {
  return shared_ != nullptr && shared_->available();
}

std::shared_ptr<Cancellable> CachingUploadTokenStub::Get(
    absl::string_view token, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  done = Observed("get", options, std::move(done));
  if (!SharedAvailable()) return LocalGet(token, options, std::move(done));
  auto read = std::make_shared<SharedRead>(std::move(done));
  shared_->Find(token, [this, read, token = std::string(token),
                        options](SharedTokenStore::FindResult found) {
    ApiCallback<UploadToken> done = read->Take();
    if (done == nullptr) return;  // cancelled meanwhile
    if (!found.ok()) {
      // The store could not answer: as if there were none.
      read->Follow(LocalGet(token, options, std::move(done)));
      return;
    }
    if (found->has_value()) {
      ApiResult<UploadToken> result{**std::move(found), {}};
      result.upstream.source = AnswerSource::kHit;
      std::move(done)(std::move(result));
      return;
    }
    // Not the local cache: it may hold what another replica deleted.
    read->Follow(UpstreamGet(token, options, std::move(done)));
  });
  return read;
}

std::shared_ptr<Cancellable> CachingUploadTokenStub::LocalGet(
    absl::string_view token, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  if (std::optional<absl::StatusOr<UploadToken>> cached = tokens_.Find(token)) {
    ApiResult<UploadToken> result{*std::move(cached), {}};
    result.upstream.source = AnswerSource::kHit;
    std::move(done)(std::move(result));
    return AnsweredHandle();
  }
  return UpstreamGet(token, options, std::move(done));
}

std::shared_ptr<Cancellable> CachingUploadTokenStub::UpstreamGet(
    absl::string_view token, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  // A joining read leaves this lambda unused: the flight already running
  // asked upstream with the options of the read that started it.
  auto start = [this, &options, token = std::string(token)](
                   ApiCallback<UploadToken> flight_done) {
    const std::uint64_t generation = tokens_.generation();
    return upstream_.Get(
        token, options,
        [this, token, generation, flight_done = std::move(flight_done)](
            ApiResult<UploadToken> result) mutable {
          tokens_.AddAnswer(token, result.value, generation);
          // The store keeps tokens and NOT_FOUNDs, unless the token was
          // deleted meanwhile on any replica.
          if (SharedAvailable()) shared_->AddAnswer(token, result.value);
          std::move(flight_done)(std::move(result));
        });
  };
  if (!options_.coalesce) return start(std::move(done));
  return gets_.Join(token, std::move(start), std::move(done));
}

std::shared_ptr<Cancellable> CachingUploadTokenStub::List(
    const ListQuery& query, const CallOptions& options,
    ApiCallback<TokenPage> done) {
  done = Observed("list", options, std::move(done));
  const bool cache_pages = options_.list_max_age > absl::ZeroDuration();
  std::string key = KeyOf(query);
  if (cache_pages) {
    if (std::optional<TokenPage> cached = pages_.Find(key, options_.now())) {
      ApiResult<TokenPage> result{*std::move(cached), {}};
      result.upstream.source = AnswerSource::kHit;
      std::move(done)(std::move(result));
      return AnsweredHandle();
    }
  }
  // As for Get: the read that starts the flight lends it its options.
  auto start = [this, &query, &options, &key,
                cache_pages](ApiCallback<TokenPage> flight_done) {
    const std::uint64_t generation = pages_.generation();
    return upstream_.List(
        query, options,
        [this, key, generation, cache_pages,
         flight_done =
             std::move(flight_done)](ApiResult<TokenPage> result) mutable {
          if (cache_pages && result.value.ok()) {
            const absl::Time now = options_.now();
            pages_.PutUnlessInvalidatedSince(generation, key, *result.value,
                                             now + options_.list_max_age, now);
          }
          std::move(flight_done)(std::move(result));
        });
  };
  if (!options_.coalesce) return start(std::move(done));
  return lists_.Join(key, std::move(start), std::move(done));
}

std::shared_ptr<Cancellable> CachingUploadTokenStub::Delete(
    absl::string_view token, const CallOptions& options,
    ApiCallback<google::protobuf::Empty> done) {
  return upstream_.Delete(
      token, options,
      [this, token = std::string(token),
       done = Observed("delete", options, std::move(done))](
          ApiResult<google::protobuf::Empty> result) mutable {
        // Whatever the outcome: a failed delete (a timeout) may have deleted
        // the token, a NOT_FOUND says it is gone, and forgetting is never
        // wrong. Gets in flight from before the delete answer those who
        // asked before it, and nobody after.
        tokens_.Forget(token);
        gets_.Detach(token);
        ForgetPages();
        if (SharedAvailable()) {
          // No replica answers the token once the caller hears of the
          // delete (unless the store failed: then it may, for max age).
          shared_->Forget(token, AnswerAfterStore("delete", std::move(result),
                                                  std::move(done)));
          return;
        }
        std::move(done)(std::move(result));
      });
}

void CachingUploadTokenStub::ForgetPages() {
  pages_.Clear();
  lists_.DetachAll();
}

}  // namespace gateway::apivideo
