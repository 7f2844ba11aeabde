// Reads that spend no quota: see caching_upload_token_stub.h.

#include "gateway/apivideo/caching_upload_token_stub.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"

namespace gateway::apivideo {
namespace {

// The handle of a call answered before it returned: nothing to cancel.
class Answered final : public Cancellable {
 public:
  void Cancel() override {}
};

std::shared_ptr<Cancellable> AnsweredHandle() {
  static const auto* const answered =
      new std::shared_ptr<Cancellable>(std::make_shared<Answered>());
  return *answered;
}

// Identical lists have identical keys: the same page of the same order.
std::string KeyOf(const ListQuery& query) {
  return absl::StrCat(static_cast<int>(query.sort_field), "/",
                      static_cast<int>(query.sort_order), "/",
                      query.current_page, "/", query.page_size);
}

}  // namespace

CachingUploadTokenStub::CachingUploadTokenStub(UploadTokenStub& upstream,
                                               const ReadCacheOptions& options,
                                               AnswerObserver* observer)
    : upstream_(upstream),
      options_(options),
      observer_(observer),
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
        std::move(done)(std::move(result));
      });
}

std::shared_ptr<Cancellable> CachingUploadTokenStub::Get(
    absl::string_view token, const CallOptions& options,
    ApiCallback<UploadToken> done) {
  done = Observed("get", options, std::move(done));
  if (std::optional<absl::StatusOr<UploadToken>> cached = tokens_.Find(token)) {
    ApiResult<UploadToken> result{*std::move(cached), {}};
    result.upstream.source = AnswerSource::kHit;
    std::move(done)(std::move(result));
    return AnsweredHandle();
  }
  // A joining read leaves this lambda unused: the flight already running
  // asked upstream with the options of the read that started it.
  return gets_.Join(
      token,
      [this, &options,
       token = std::string(token)](ApiCallback<UploadToken> flight_done) {
        const std::uint64_t generation = tokens_.generation();
        return upstream_.Get(
            token, options,
            [this, token, generation, flight_done = std::move(flight_done)](
                ApiResult<UploadToken> result) mutable {
              tokens_.AddAnswer(token, result.value, generation);
              std::move(flight_done)(std::move(result));
            });
      },
      std::move(done));
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
  return lists_.Join(
      key,
      [this, &query, &options, &key,
       cache_pages](ApiCallback<TokenPage> flight_done) {
        const std::uint64_t generation = pages_.generation();
        return upstream_.List(query, options,
                              [this, key, generation, cache_pages,
                               flight_done = std::move(flight_done)](
                                  ApiResult<TokenPage> result) mutable {
                                if (cache_pages && result.value.ok()) {
                                  const absl::Time now = options_.now();
                                  pages_.PutUnlessInvalidatedSince(
                                      generation, key, *result.value,
                                      now + options_.list_max_age, now);
                                }
                                std::move(flight_done)(std::move(result));
                              });
      },
      std::move(done));
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
        std::move(done)(std::move(result));
      });
}

void CachingUploadTokenStub::ForgetPages() {
  pages_.Clear();
  lists_.DetachAll();
}

}  // namespace gateway::apivideo
