#include "gateway/governance/unowned_token_scan.h"

#include <cstdint>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/util/time_util.h"

namespace gateway::governance {
namespace {

using apivideo::ApiCallback;
using apivideo::ApiResult;
using apivideo::CallOptions;
using apivideo::TokenPage;

absl::Time CreatedAt(const apivideo::UploadToken& token) {
  return absl::FromUnixNanos(
      google::protobuf::util::TimeUtil::TimestampToNanoseconds(
          token.created_at()));
}

class UnownedTokenScan final
    : public Cancellable,
      public std::enable_shared_from_this<UnownedTokenScan> {
 public:
  UnownedTokenScan(apivideo::UploadTokenStub& stub, CallOptions call,
                   UnownedTokenScanOptions options,
                   ApiCallback<std::vector<std::string>> done)
      : stub_(stub),
        call_(std::move(call)),
        options_(options),
        done_(std::move(done)) {}

  void Start() { RequestPage(1); }

  void Cancel() override {
    std::shared_ptr<Cancellable> running;
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      cancelled_ = true;
      running = running_;
    }
    if (running != nullptr) running->Cancel();
  }

 private:
  void RequestPage(std::int32_t page) {
    bool cancelled = false;
    {
      absl::MutexLock lock(&mu_);
      cancelled = cancelled_;
    }
    if (cancelled) {
      Finish(ApiResult<std::vector<std::string>>{
          absl::CancelledError("the purge was cancelled"), upstream_});
      return;
    }
    apivideo::ListQuery query;
    // Oldest first: tokens created during the scan come last, so the pages
    // before them do not shift.
    query.sort_field = apivideo::SortField::kCreatedAt;
    query.sort_order = apivideo::SortOrder::kAscending;
    query.current_page = page;
    query.page_size = options_.page_size;
    std::shared_ptr<Cancellable> handle = stub_.List(
        query, call_,
        [self = shared_from_this(), page](ApiResult<TokenPage> result) {
          self->OnPage(page, std::move(result));
        });
    absl::MutexLock lock(&mu_);
    // Still running (not answered at once): keep its handle for Cancel.
    if (answered_pages_ < page) running_ = std::move(handle);
  }

  void OnPage(std::int32_t page, ApiResult<TokenPage> result) {
    {
      absl::MutexLock lock(&mu_);
      answered_pages_ = page;
      running_.reset();
    }
    upstream_ = result.upstream;
    if (!result.value.ok()) {
      Finish(ApiResult<std::vector<std::string>>{result.value.status(),
                                                 upstream_});
      return;
    }
    for (apivideo::UploadToken& token : result.value->tokens) {
      if (token.creator().empty() && token.has_created_at() &&
          CreatedAt(token) < options_.created_before) {
        found_.push_back(std::move(*token.mutable_token()));
      }
    }
    if (result.value->tokens.empty() || page >= result.value->page_count) {
      Finish(ApiResult<std::vector<std::string>>{std::move(found_), upstream_});
      return;
    }
    RequestPage(page + 1);
  }

  void Finish(ApiResult<std::vector<std::string>> result) {
    {
      absl::MutexLock lock(&mu_);
      finished_ = true;
      running_.reset();
    }
    // Out of the member first: `done` may hold whoever holds this scan, and
    // calling an AnyInvocable does not release what it captured.
    ApiCallback<std::vector<std::string>> done = std::move(done_);
    std::move(done)(std::move(result));
  }

  apivideo::UploadTokenStub& stub_;
  const CallOptions call_;
  const UnownedTokenScanOptions options_;
  ApiCallback<std::vector<std::string>> done_;

  // Pages run one after another, so only one thread at a time touches these.
  std::vector<std::string> found_;
  apivideo::UpstreamCallInfo upstream_;

  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::int32_t answered_pages_ ABSL_GUARDED_BY(mu_) = 0;
  std::shared_ptr<Cancellable> running_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::shared_ptr<Cancellable> StartUnownedTokenScan(
    apivideo::UploadTokenStub& stub, const CallOptions& call,
    const UnownedTokenScanOptions& options,
    ApiCallback<std::vector<std::string>> done) {
  auto scan =
      std::make_shared<UnownedTokenScan>(stub, call, options, std::move(done));
  scan->Start();
  return scan;
}

}  // namespace gateway::governance
