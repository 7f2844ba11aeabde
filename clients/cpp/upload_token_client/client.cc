#include "upload_token_client/client.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "upload_token_client/error_details.h"
#include "upload_token_client/request_id.h"

namespace upload_token_client {
namespace {

void CopyText(const std::multimap<grpc::string_ref, grpc::string_ref>& from,
              std::multimap<std::string, std::string>& to) {
  for (const auto& [key, value] : from) {
    std::string name(key.data(), key.size());
    if (absl::EndsWith(name, "-bin")) continue;
    to.emplace(std::move(name), std::string(value.data(), value.size()));
  }
}

// Hands the call's response metadata to the caller when asked for.
void Report(const grpc::ClientContext& context, const CallOptions& call) {
  if (call.response_metadata == nullptr) return;
  *call.response_metadata = ResponseMetadata{};
  CopyText(context.GetServerInitialMetadata(), call.response_metadata->initial);
  CopyText(context.GetServerTrailingMetadata(),
           call.response_metadata->trailing);
}

}  // namespace

std::optional<std::string> ResponseMetadata::Find(
    const std::string& key) const {
  for (const auto* entries : {&initial, &trailing}) {
    auto it = entries->find(key);
    if (it != entries->end()) return it->second;
  }
  return std::nullopt;
}

UploadTokenClient::UploadTokenClient(
    const std::shared_ptr<grpc::ChannelInterface>& channel,
    ClientOptions options)
    : stub_(v1::UploadTokenService::NewStub(channel)), options_(options) {}

absl::Duration UploadTokenClient::TimeoutOf(const CallOptions& call) const {
  return call.timeout.value_or(options_.default_timeout);
}

std::unique_ptr<grpc::ClientContext> UploadTokenClient::NewContext(
    const CallOptions& call, absl::Duration timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  for (const auto& [key, value] : call.metadata) {
    context->AddMetadata(key, value);
  }
  return context;
}

absl::StatusOr<v1::UploadToken> UploadTokenClient::Create(
    std::optional<int> ttl_seconds, const CallOptions& call) const {
  v1::CreateUploadTokenRequest request;
  if (ttl_seconds) request.set_ttl(*ttl_seconds);
  return Create(std::move(request), call);
}

absl::StatusOr<v1::UploadToken> UploadTokenClient::Create(
    v1::CreateUploadTokenRequest request, const CallOptions& call) const {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  const absl::Time deadline = absl::Now() + TimeoutOf(call);
  absl::Duration backoff = options_.create_backoff;
  for (int attempt = 1;; ++attempt) {
    auto context = NewContext(call, deadline - absl::Now());
    v1::UploadToken token;
    grpc::Status status =
        stub_->CreateUploadToken(context.get(), request, &token);
    Report(*context, call);
    if (status.ok()) return token;
    // Only UNAVAILABLE says that the gateway may not have the request; any
    // other answer is the gateway's, and asking again would get it again.
    const bool retry = status.error_code() == grpc::StatusCode::UNAVAILABLE &&
                       attempt < options_.create_attempts &&
                       absl::Now() + backoff < deadline;
    if (!retry) return ToAbslStatus(status);
    absl::SleepFor(backoff);
    backoff *= 2;
  }
}

absl::StatusOr<v1::UploadToken> UploadTokenClient::Get(
    const std::string& token, const CallOptions& call) const {
  v1::GetUploadTokenRequest request;
  request.set_token(token);
  auto context = NewContext(call, TimeoutOf(call));
  v1::UploadToken answer;
  grpc::Status status = stub_->GetUploadToken(context.get(), request, &answer);
  Report(*context, call);
  if (!status.ok()) return ToAbslStatus(status);
  return answer;
}

absl::Status UploadTokenClient::Delete(const std::string& token,
                                       const CallOptions& call) const {
  v1::DeleteUploadTokenRequest request;
  request.set_token(token);
  auto context = NewContext(call, TimeoutOf(call));
  google::protobuf::Empty answer;
  grpc::Status status =
      stub_->DeleteUploadToken(context.get(), request, &answer);
  Report(*context, call);
  return ToAbslStatus(status);
}

absl::StatusOr<v1::ListUploadTokensResponse> UploadTokenClient::ListPage(
    const v1::ListUploadTokensRequest& request, const CallOptions& call) const {
  auto context = NewContext(call, TimeoutOf(call));
  v1::ListUploadTokensResponse page;
  grpc::Status status = stub_->ListUploadTokens(context.get(), request, &page);
  Report(*context, call);
  if (!status.ok()) return ToAbslStatus(status);
  return page;
}

absl::StatusOr<std::vector<v1::UploadToken>> UploadTokenClient::ListAll(
    v1::ListUploadTokensRequest request, const CallOptions& call) const {
  std::vector<v1::UploadToken> tokens;
  absl::Duration waited;
  while (true) {
    absl::StatusOr<v1::ListUploadTokensResponse> page = ListPage(request, call);
    if (!page.ok()) {
      const absl::Duration delay =
          DecodeErrorDetails(page.status()).retry_delay();
      const bool wait =
          page.status().code() == absl::StatusCode::kResourceExhausted &&
          delay > absl::ZeroDuration() &&
          waited + delay <= options_.list_all_max_wait;
      if (!wait) return page.status();
      absl::SleepFor(delay);
      waited += delay;
      continue;
    }
    std::move(page->mutable_upload_tokens()->begin(),
              page->mutable_upload_tokens()->end(), std::back_inserter(tokens));
    if (page->next_page_token().empty()) return tokens;
    request.set_page_token(page->next_page_token());
  }
}

absl::StatusOr<v1::PurgeUploadTokensResponse> UploadTokenClient::Purge(
    const v1::PurgeUploadTokensRequest& request,
    const CallOptions& call) const {
  auto context = NewContext(call, TimeoutOf(call));
  v1::PurgeUploadTokensResponse answer;
  grpc::Status status =
      stub_->PurgeUploadTokens(context.get(), request, &answer);
  Report(*context, call);
  if (!status.ok()) return ToAbslStatus(status);
  return answer;
}

}  // namespace upload_token_client
