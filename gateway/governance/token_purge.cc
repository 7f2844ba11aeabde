#include "gateway/governance/token_purge.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gateway/common/status_details.h"
#include "gateway/governance/unowned_token_scan.h"
#include "google/protobuf/util/time_util.h"

namespace gateway::governance {
namespace {

using apivideo::ApiCallback;
using apivideo::ApiResult;
using apivideo::CallOptions;
using apivideo::UpstreamCallInfo;

class Purge final : public Cancellable,
                    public std::enable_shared_from_this<Purge> {
 public:
  Purge(apivideo::UploadTokenStub& stub, std::vector<std::string> tokens,
        CallOptions call, PurgeOptions options, ApiCallback<PurgeResult> done)
      : stub_(stub),
        tokens_(std::move(tokens)),
        call_(std::move(call)),
        options_(std::move(options)),
        done_(std::move(done)) {}

  void Start() {
    const int first_wave = std::max(
        1,
        std::min<int>(options_.parallelism, static_cast<int>(tokens_.size())));
    if (tokens_.empty()) {
      Finish();
      return;
    }
    for (int i = 0; i < first_wave; ++i) StartNext();
  }

  void Cancel() override {
    std::vector<std::shared_ptr<Cancellable>> running;
    {
      absl::MutexLock lock(&mu_);
      if (!failure_.has_value()) {
        failure_ = absl::CancelledError("the purge was cancelled");
      }
      for (auto& [index, handle] : running_) running.push_back(handle);
    }
    for (auto& handle : running) handle->Cancel();
  }

 private:
  // Starts the next token's delete, if any is left and nothing failed.
  void StartNext() {
    std::size_t index = 0;
    {
      absl::MutexLock lock(&mu_);
      if (failure_.has_value() || next_ >= tokens_.size()) return;
      index = next_++;
      ++in_flight_;
    }
    std::shared_ptr<Cancellable> handle =
        stub_.Delete(tokens_[index], call_,
                     [self = shared_from_this(),
                      index](const ApiResult<google::protobuf::Empty>& result) {
                       self->OnDeleted(index, result);
                     });
    absl::MutexLock lock(&mu_);
    // Still running (not answered at once): keep its handle for Cancel.
    if (!ended_.contains(index)) running_.emplace(index, std::move(handle));
  }

  void OnDeleted(std::size_t index,
                 const ApiResult<google::protobuf::Empty>& result) {
    const bool gone =
        result.value.ok() || absl::IsNotFound(result.value.status());
    if (gone) Audit(index, result.value.status());
    bool last = false;
    {
      absl::MutexLock lock(&mu_);
      running_.erase(index);
      ended_.insert(index);
      --in_flight_;
      upstream_ = result.upstream;
      if (gone) {
        ++count_;
      } else if (!failure_.has_value()) {
        failure_ = result.value.status();
      }
      last =
          in_flight_ == 0 && (failure_.has_value() || next_ >= tokens_.size());
    }
    if (last) {
      Finish();
    } else {
      StartNext();
    }
  }

  void Audit(std::size_t index, const absl::Status& status) const {
    if (options_.audit == nullptr) return;
    AuditEvent event;
    *event.mutable_time() =
        google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
            absl::ToUnixNanos(absl::Now()));
    event.set_rpc("PurgeUploadTokens");
    event.set_caller(call_.caller);
    event.set_peer(options_.peer);
    event.set_token(tokens_[index]);
    event.set_outcome(absl::StatusCodeToString(status.code()));
    event.set_trace_id(options_.trace_id);
    options_.audit->Record(event);
  }

  void Finish() {
    ApiResult<PurgeResult> result;
    {
      absl::MutexLock lock(&mu_);
      result.upstream = upstream_;
      if (failure_.has_value()) {
        result.value = *failure_;
      } else {
        PurgeResult purged;
        purged.count = count_;
        const std::size_t sample =
            std::min<std::size_t>(tokens_.size(), kMaxPurgeSample);
        purged.sample.assign(
            tokens_.begin(),
            tokens_.begin() + static_cast<std::ptrdiff_t>(sample));
        result.value = std::move(purged);
      }
    }
    std::move(done_)(std::move(result));
  }

  apivideo::UploadTokenStub& stub_;
  const std::vector<std::string> tokens_;
  const CallOptions call_;
  const PurgeOptions options_;
  // Called once, by whoever ends the last delete.
  ApiCallback<PurgeResult> done_;

  absl::Mutex mu_;
  std::size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<absl::Status> failure_ ABSL_GUARDED_BY(mu_);
  UpstreamCallInfo upstream_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::size_t, std::shared_ptr<Cancellable>> running_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::size_t> ended_ ABSL_GUARDED_BY(mu_);
};

// The scan, then the purge of what it found: one handle for both.
class UnownedTokenPurge final
    : public Cancellable,
      public std::enable_shared_from_this<UnownedTokenPurge> {
 public:
  UnownedTokenPurge(apivideo::UploadTokenStub& stub, CallOptions call,
                    PurgeOptions options, bool force,
                    ApiCallback<PurgeResult> done)
      : stub_(stub),
        call_(std::move(call)),
        options_(std::move(options)),
        force_(force),
        done_(std::move(done)) {}

  void Start(absl::Time created_before) {
    UnownedTokenScanOptions scan;
    scan.created_before = created_before;
    Keep(kScanning,
         StartUnownedTokenScan(stub_, call_, scan,
                               [self = shared_from_this()](
                                   ApiResult<std::vector<std::string>> found) {
                                 self->OnScanned(std::move(found));
                               }));
  }

  void Cancel() override {
    std::shared_ptr<Cancellable> running;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      running = running_;
    }
    if (running != nullptr) running->Cancel();
  }

 private:
  void OnScanned(ApiResult<std::vector<std::string>> found) {
    {
      // The scan is over: let it go (it holds this purge through its
      // callback until it ends).
      absl::MutexLock lock(&mu_);
      if (kept_step_ == kScanning) running_.reset();
    }
    if (!found.value.ok()) {
      std::move(done_)(
          ApiResult<PurgeResult>{found.value.status(), found.upstream});
      return;
    }
    if (!force_) {
      std::move(done_)(ApiResult<PurgeResult>{
          CountedForPurge(*std::move(found.value)), found.upstream});
      return;
    }
    bool cancelled = false;
    {
      absl::MutexLock lock(&mu_);
      cancelled = cancelled_;
    }
    if (cancelled) {
      std::move(done_)(ApiResult<PurgeResult>{
          absl::CancelledError("the purge was cancelled"), found.upstream});
      return;
    }
    Keep(kDeleting, StartPurge(stub_, *std::move(found.value), call_, options_,
                               std::move(done_)));
  }

  enum Step { kScanning = 0, kDeleting = 1 };

  // Keeps a step's handle for Cancel, unless a later step's is kept already
  // (the scan ended, and the deletes began, before the scan's start
  // returned). A purge cancelled meanwhile is cancelled now.
  void Keep(Step step, const std::shared_ptr<Cancellable>& handle) {
    bool cancel_now = false;
    {
      absl::MutexLock lock(&mu_);
      if (step < kept_step_) return;
      kept_step_ = step;
      running_ = handle;
      cancel_now = cancelled_;
    }
    if (cancel_now) handle->Cancel();
  }

  apivideo::UploadTokenStub& stub_;
  const CallOptions call_;
  const PurgeOptions options_;
  const bool force_;
  ApiCallback<PurgeResult> done_;

  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  // The step whose handle running_ holds.
  Step kept_step_ ABSL_GUARDED_BY(mu_) = kScanning;
  std::shared_ptr<Cancellable> running_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

PurgeResult CountedForPurge(std::vector<std::string> tokens) {
  PurgeResult counted;
  counted.count = static_cast<int>(tokens.size());
  tokens.resize(std::min<std::size_t>(tokens.size(), kMaxPurgeSample));
  counted.sample = std::move(tokens);
  return counted;
}

std::shared_ptr<Cancellable> StartUnownedTokenPurge(
    apivideo::UploadTokenStub& stub, const CallOptions& call,
    const PurgeOptions& options, absl::Time created_before, bool force,
    ApiCallback<PurgeResult> done) {
  auto purge = std::make_shared<UnownedTokenPurge>(stub, call, options, force,
                                                   std::move(done));
  purge->Start(created_before);
  return purge;
}

absl::Status CheckPurgeAccess(const CallerLimits& limits,
                              absl::string_view caller,
                              absl::string_view creator, bool force) {
  if (creator == caller) return absl::OkStatus();
  if (limits.others == OthersAccess::kDelete) return absl::OkStatus();
  if (!force && limits.others == OthersAccess::kRead) return absl::OkStatus();
  const std::string whose =
      creator.empty()
          ? std::string("the upload tokens of no known creator")
          : absl::StrCat("the upload tokens that \"", creator, "\" created");
  return MakeError(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("caller \"", caller, "\" may not ", force ? "delete" : "see",
                   " ", whose, " (its policy's `others`)"),
      "NOT_TOKEN_CREATOR");
}

std::shared_ptr<Cancellable> StartPurge(apivideo::UploadTokenStub& stub,
                                        std::vector<std::string> tokens,
                                        const CallOptions& call,
                                        const PurgeOptions& options,
                                        ApiCallback<PurgeResult> done) {
  auto purge = std::make_shared<Purge>(stub, std::move(tokens), call, options,
                                       std::move(done));
  purge->Start();
  return purge;
}

}  // namespace gateway::governance
