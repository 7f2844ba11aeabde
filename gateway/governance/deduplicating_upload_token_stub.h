// An UploadTokenStub that makes a Create with a request id safe to retry
// (AIP-155): the same caller's same request id gets the first call's token
// back and never creates a second one (request_id_ledger.h says what each
// retry gets).
//
// A Create with a request id is the only call the gateway lets outlive its
// caller: when the caller goes away (a deadline, a cut connection), the
// caller gets CANCELLED at once but the upstream create goes on to its own
// deadline (the service gives it the full --upstream_timeout), so that a
// retry finds the token instead of an unknown outcome. What became of such a
// create is written to the audit trail then, as an event with
// after_caller_left set.
//
// With Redis (`shared` not null), the request ids are the replicas'
// (shared_request_ids.h): a retry on another replica gets the same token, or
// waits for the replica that runs the first create. This replica's own
// ledger still answers its own duplicates, and answers alone while Redis
// does not.
//
// Sits in front of GoverningUploadTokenStub: a Create that the caller's
// policy refuses settles its key as created-nothing. List, Get and Delete,
// and a Create without a request id, pass through.

#ifndef GATEWAY_GOVERNANCE_DEDUPLICATING_UPLOAD_TOKEN_STUB_H_
#define GATEWAY_GOVERNANCE_DEDUPLICATING_UPLOAD_TOKEN_STUB_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/governance/audit_trail.h"
#include "gateway/governance/request_id_ledger.h"
#include "gateway/governance/shared_request_ids.h"

namespace gateway::governance {

class DeduplicatingUploadTokenStub final : public apivideo::UploadTokenStub {
 public:
  // Every reference must outlive this object and every call started through
  // it. `audit` may be null (no audit trail); `shared` may be null (no
  // Redis).
  DeduplicatingUploadTokenStub(
      apivideo::UploadTokenStub& upstream, RequestIdLedger& ledger,
      AuditTrail* audit, SharedRequestIds* shared = nullptr,
      std::function<absl::Time()> now = [] { return absl::Now(); });

  std::shared_ptr<Cancellable> Create(
      std::int32_t ttl_seconds, const apivideo::CallOptions& options,
      apivideo::ApiCallback<apivideo::UploadToken> done) override;
  std::shared_ptr<Cancellable> List(
      const apivideo::ListQuery& query, const apivideo::CallOptions& options,
      apivideo::ApiCallback<apivideo::TokenPage> done) override {
    return upstream_.List(query, options, std::move(done));
  }
  std::shared_ptr<Cancellable> Get(
      absl::string_view token, const apivideo::CallOptions& options,
      apivideo::ApiCallback<apivideo::UploadToken> done) override {
    return upstream_.Get(token, options, std::move(done));
  }
  std::shared_ptr<Cancellable> Delete(
      absl::string_view token, const apivideo::CallOptions& options,
      apivideo::ApiCallback<google::protobuf::Empty> done) override {
    return upstream_.Delete(token, options, std::move(done));
  }

 private:
  class OnceAnswer;

  // Sends the first create of its request id upstream, and settles the
  // ledger (and the shared ids, when `claimed_shared`) with its outcome.
  void CreateFirst(std::int32_t ttl_seconds,
                   const apivideo::CallOptions& options,
                   const std::shared_ptr<OnceAnswer>& answer,
                   bool claimed_shared);
  // Answers a create from what the shared ids say another replica did.
  void AnswerFromShared(std::int32_t ttl_seconds,
                        const apivideo::CallOptions& options,
                        const std::shared_ptr<OnceAnswer>& answer,
                        const SharedRequestIds::Outcome& outcome);

  // Records what became of a create whose caller had gone.
  void AuditAfterCallerLeft(
      const apivideo::CallOptions& options, std::int32_t ttl_seconds,
      const apivideo::ApiResult<apivideo::UploadToken>& result) const;

  apivideo::UploadTokenStub& upstream_;
  RequestIdLedger& ledger_;
  AuditTrail* const audit_;
  SharedRequestIds* const shared_;
  const std::function<absl::Time()> now_;
};

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_DEDUPLICATING_UPLOAD_TOKEN_STUB_H_
