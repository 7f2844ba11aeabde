#include "gateway/service/upload_token_service.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_details.h"
#include "gateway/governance/caller_rules.h"
#include "gateway/governance/owned_token_listing.h"
#include "gateway/governance/token_purge.h"
#include "gateway/observability/trace_context.h"
#include "gateway/service/list_filter.h"
#include "gateway/service/list_pages.h"
#include "gateway/service/request_fields.h"
#include "gateway/service/upstream_deadline.h"
#include "gateway/service/validation.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"

namespace gateway::service {

using ::apivideo::uploadtokens::v1::CreateUploadTokenRequest;
using ::apivideo::uploadtokens::v1::DeleteUploadTokenRequest;
using ::apivideo::uploadtokens::v1::GetUploadTokenRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensRequest;
using ::apivideo::uploadtokens::v1::ListUploadTokensResponse;
using ::apivideo::uploadtokens::v1::PurgeUploadTokensRequest;
using ::apivideo::uploadtokens::v1::PurgeUploadTokensResponse;
using ::apivideo::uploadtokens::v1::UploadToken;

UploadTokenService::UploadTokenService(
    apivideo::UploadTokenStub& upstream, const PageTokenCodec& page_tokens,
    const security::CallerPolicyStore& callers,
    const ServiceGovernance& governance,
    const security::SecretScrubber& scrubber,
    const observability::AccessLog& access_log,
    observability::GatewayMetrics* metrics,
    const UploadTokenServiceOptions& options)
    : upstream_(upstream),
      page_tokens_(page_tokens),
      callers_(callers),
      governance_(governance),
      metrics_(metrics),
      options_(options),
      reactor_environment_{&access_log, &scrubber},
      in_flight_(options.max_calls_in_flight) {}

absl::StatusOr<std::string> UploadTokenService::AuthorizeCaller(
    grpc::CallbackServerContext& context) const {
  // The policy as it is when the call starts, whatever reloads come.
  const std::shared_ptr<const security::CallerPolicy> callers = callers_.Get();
  security::PeerIdentity peer;
  // Each lookup costs; make only those the policy needs.
  if (callers->requires_client_identity()) {
    const std::shared_ptr<const grpc::AuthContext> auth =
        context.auth_context();
    peer.authenticated = auth != nullptr && auth->IsPeerAuthenticated();
    if (peer.authenticated) {
      for (const char* property :
           {GRPC_PEER_DNS_PROPERTY_NAME, GRPC_PEER_URI_PROPERTY_NAME}) {
        for (const grpc::string_ref& value :
             auth->FindPropertyValues(property)) {
          peer.subject_alt_names.emplace_back(value.data(), value.size());
        }
      }
    }
  }
  std::optional<absl::string_view> authorization;
  if (callers->requires_caller_token()) {
    const auto& metadata = context.client_metadata();
    if (auto it = metadata.find("authorization"); it != metadata.end()) {
      authorization = absl::string_view(it->second.data(), it->second.size());
    }
  }
  return callers->Authorize(peer, authorization);
}

namespace {

std::optional<absl::string_view> MetadataValue(
    const grpc::CallbackServerContext& context, absl::string_view key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return std::nullopt;
  return absl::string_view(it->second.data(), it->second.size());
}

// The caller's W3C trace context, or a new one.
observability::TraceContext TraceContextOf(
    const grpc::CallbackServerContext& context) {
  return observability::TraceContextForCall(
      MetadataValue(context, "traceparent"),
      MetadataValue(context, "tracestate"));
}

// Fills in the response with the upstream operation's result.
template <typename Message>
auto MoveInto(Message* response) {
  return [response](Message value) { *response = std::move(value); };
}

// The caller's deadline, or none.
absl::Time CallerDeadline(const grpc::CallbackServerContext& context) {
  const auto deadline = context.deadline();
  return deadline == std::chrono::system_clock::time_point::max()
             ? absl::InfiniteFuture()
             : absl::FromChrono(deadline);
}

}  // namespace

template <typename Value, typename Validate, typename Start, typename OnSuccess>
grpc::ServerUnaryReactor* UploadTokenService::Serve(
    grpc::CallbackServerContext* context, absl::string_view method,
    Validate validate, Start start, OnSuccess on_success,
    std::optional<governance::AuditEvent> audit,
    const apivideo::UploadToken* created) {
  observability::RpcMetrics* rpc_metrics =
      metrics_ != nullptr ? metrics_->ForMethod(method) : nullptr;
  if (rpc_metrics != nullptr) rpc_metrics->OnStarted();
  // Admission first: an overloaded gateway spends nothing more on a call.
  const bool admitted = in_flight_.TryAcquire();
  absl::Status refusal;
  std::string caller;
  if (!admitted) {
    refusal = MakeError(
        absl::StatusCode::kResourceExhausted,
        absl::StrCat("the gateway is at its limit of ", in_flight_.max(),
                     " calls in flight; retry with backoff"),
        "GATEWAY_OVERLOADED");
  } else if (absl::StatusOr<std::string> authorized = AuthorizeCaller(*context);
             authorized.ok()) {
    caller = *std::move(authorized);
  } else {
    refusal = authorized.status();
  }
  observability::TraceContext trace = TraceContextOf(*context);
  auto* reactor = new CallReactor(
      context, method, {caller, std::string(trace.trace_id())},
      reactor_environment_, admitted ? &in_flight_ : nullptr, rpc_metrics);
  if (audit.has_value() && governance_.audit != nullptr) {
    reactor->AuditTo(*governance_.audit, *std::move(audit), created);
  }
  if (!refusal.ok()) {
    reactor->Reject(refusal);
    return reactor;
  }
  // The rules as they are when the call starts, whatever reloads come.
  const std::shared_ptr<const governance::CallerRules> rules =
      governance_.rules->Get();
  if (absl::Status validation = validate(caller, rules->For(caller));
      !validation.ok()) {
    reactor->Reject(validation);
    return reactor;
  }
  absl::StatusOr<absl::Time> deadline = UpstreamDeadline(
      CallerDeadline(*context), absl::Now(), options_.upstream_timeout);
  if (!deadline.ok()) {
    reactor->Reject(deadline.status());
    return reactor;
  }
  apivideo::CallOptions call_options;
  call_options.deadline = *deadline;
  call_options.caller = std::move(caller);
  call_options.trace_id = std::string(trace.trace_id());
  call_options.traceparent = std::move(trace.traceparent);
  call_options.tracestate = std::move(trace.tracestate);
  reactor->Attach(
      start(call_options, [reactor, on_success = std::move(on_success)](
                              apivideo::ApiResult<Value> result) mutable {
        if (result.value.ok()) on_success(*std::move(result.value));
        reactor->Complete(WithRequestFieldNames(result.value.status()),
                          result.upstream);
      }));
  return reactor;
}

namespace {

governance::AuditEvent AuditDraft(absl::string_view rpc) {
  governance::AuditEvent event;
  event.set_rpc(std::string(rpc));
  return event;
}

}  // namespace

grpc::ServerUnaryReactor* UploadTokenService::CreateUploadToken(
    grpc::CallbackServerContext* context,
    const CreateUploadTokenRequest* request, UploadToken* response) {
  governance::AuditEvent audit = AuditDraft("CreateUploadToken");
  std::optional<std::int32_t> requested_ttl;
  if (request->has_ttl()) {
    requested_ttl = request->ttl();
    audit.set_ttl(request->ttl());
  }
  audit.set_request_id(request->request_id());
  // Worked out by the validation, used by the start; both run within Serve.
  std::int32_t ttl = 0;
  return Serve<UploadToken>(
      context, "CreateUploadToken",
      [&](const std::string& caller, const governance::CallerLimits& limits) {
        if (absl::Status valid = ValidateCreateRequest(*request); !valid.ok()) {
          return valid;
        }
        if (absl::Status may =
                governance::CheckMayWrite(limits, caller, "CreateUploadToken");
            !may.ok()) {
          return may;
        }
        absl::StatusOr<std::int32_t> resolved =
            governance::ResolveTtl(limits, caller, requested_ttl);
        if (!resolved.ok()) return resolved.status();
        ttl = *resolved;
        return absl::OkStatus();
      },
      [this, &ttl, request](const apivideo::CallOptions& options, auto done) {
        if (request->request_id().empty()) {
          return upstream_.Create(ttl, options, std::move(done));
        }
        // A create with a request id outlives its caller, so that a retry
        // finds its token (governance/deduplicating_upload_token_stub.h):
        // it gets the whole upstream timeout, whatever the caller's deadline.
        apivideo::CallOptions detached = options;
        detached.request_id = request->request_id();
        detached.deadline = absl::Now() + options_.upstream_timeout;
        return upstream_.Create(ttl, detached, std::move(done));
      },
      MoveInto(response), std::move(audit), response);
}

grpc::ServerUnaryReactor* UploadTokenService::ListUploadTokens(
    grpc::CallbackServerContext* context,
    const ListUploadTokensRequest* request,
    ListUploadTokensResponse* response) {
  absl::StatusOr<ListPlan> planned = PlanListCall(*request, page_tokens_);
  absl::Status validation = planned.status();
  ListPlan plan = planned.ok() ? *std::move(planned) : ListPlan();
  const apivideo::ListQuery query = plan.query;
  const std::optional<std::string> creator = plan.filter.creator;
  // `creator = ""`: api.video's pages, less the tokens whose creator the
  // gateway knows.
  const bool unknown_creator = creator.has_value() && creator->empty();
  return Serve<apivideo::TokenPage>(
      context, "ListUploadTokens",
      [&](const std::string& caller, const governance::CallerLimits& limits) {
        if (!validation.ok()) return validation;
        return governance::CheckListAccess(limits, caller, creator);
      },
      [this, query, creator, unknown_creator](
          const apivideo::CallOptions& options,
          auto done) -> std::shared_ptr<Cancellable> {
        if (!creator.has_value() || unknown_creator) {
          return upstream_.List(query, options, std::move(done));
        }
        // The gateway's own records answer: nothing goes upstream.
        apivideo::UpstreamCallInfo answered;
        answered.source = apivideo::AnswerSource::kHit;
        std::move(done)(apivideo::ApiResult<apivideo::TokenPage>{
            governance::ListOwnedTokens(*governance_.ownership, *creator, query,
                                        absl::Now()),
            answered});
        return AnsweredHandle();
      },
      [this, plan = std::move(plan), response,
       unknown_creator](apivideo::TokenPage page) {
        if (!unknown_creator) {
          BuildListResponse(plan, std::move(page), page_tokens_, *response);
          return;
        }
        // An estimate: the index may still hold tokens deleted elsewhere.
        page.total_tokens =
            std::max(0, page.total_tokens - governance_.ownership->size());
        BuildListResponse(plan, std::move(page), page_tokens_, *response,
                          [](const apivideo::UploadToken& token) {
                            return token.creator().empty();
                          });
      });
}

grpc::ServerUnaryReactor* UploadTokenService::GetUploadToken(
    grpc::CallbackServerContext* context, const GetUploadTokenRequest* request,
    UploadToken* response) {
  return ServeOnToken(context, "GetUploadToken", request->token(),
                      &apivideo::UploadTokenStub::Get, response,
                      /*writes=*/false);
}

grpc::ServerUnaryReactor* UploadTokenService::DeleteUploadToken(
    grpc::CallbackServerContext* context,
    const DeleteUploadTokenRequest* request,
    google::protobuf::Empty* response) {
  return ServeOnToken(context, "DeleteUploadToken", request->token(),
                      &apivideo::UploadTokenStub::Delete, response,
                      /*writes=*/true);
}

namespace {

// The creator a purge's `filter` names ("" for the tokens of no known
// creator), or INVALID_ARGUMENT: the filter is required, and only
// `creator = "..."` is understood.
absl::StatusOr<std::string> PurgedCreator(absl::string_view filter) {
  if (filter.empty()) {
    return InvalidFieldError(
        "filter",
        "is required, e.g. 'creator = \"web\"': a purge names what "
        "it deletes");
  }
  absl::StatusOr<ListFilter> parsed = ParseListFilter(filter);
  if (!parsed.ok()) {
    return InvalidFieldError("filter", parsed.status().message());
  }
  return *parsed->creator;
}

}  // namespace

grpc::ServerUnaryReactor* UploadTokenService::PurgeUploadTokens(
    grpc::CallbackServerContext* context,
    const PurgeUploadTokensRequest* request,
    PurgeUploadTokensResponse* response) {
  const absl::StatusOr<std::string> creator = PurgedCreator(request->filter());
  const bool force = request->force();
  governance::AuditEvent audit = AuditDraft("PurgeUploadTokens");
  return Serve<governance::PurgeResult>(
      context, "PurgeUploadTokens",
      [&](const std::string& caller,
          const governance::CallerLimits& limits) -> absl::Status {
        if (!creator.ok()) return creator.status();
        if (force) {
          if (absl::Status may = governance::CheckMayWrite(limits, caller,
                                                           "PurgeUploadTokens");
              !may.ok()) {
            return may;
          }
        }
        return governance::CheckPurgeAccess(limits, caller, *creator, force);
      },
      [this, &creator, force, peer = context->peer()](
          const apivideo::CallOptions& options,
          auto done) -> std::shared_ptr<Cancellable> {
        governance::PurgeOptions purge;
        purge.audit = governance_.audit;
        purge.trace_id = options.trace_id;
        purge.peer = peer;
        if (creator->empty()) {
          // No record names these tokens: api.video's listing does, less
          // the tokens of known creators and the youngest.
          return governance::StartUnownedTokenPurge(
              upstream_, options, purge,
              absl::Now() - governance::kUnownedTokenPurgeMinAge, force,
              std::move(done));
        }
        std::vector<std::string> tokens;
        for (governance::OwnedToken& owned :
             governance_.ownership->TokensOf(*creator, absl::Now())) {
          tokens.push_back(std::move(owned.token));
        }
        if (!force) {
          // A dry run: what would be deleted, from the gateway's record.
          apivideo::UpstreamCallInfo answered;
          answered.source = apivideo::AnswerSource::kHit;
          std::move(done)(apivideo::ApiResult<governance::PurgeResult>{
              governance::CountedForPurge(std::move(tokens)), answered});
          return AnsweredHandle();
        }
        return governance::StartPurge(upstream_, std::move(tokens), options,
                                      purge, std::move(done));
      },
      [response](governance::PurgeResult purged) {
        response->set_purge_count(purged.count);
        for (std::string& token : purged.sample) {
          response->add_purge_sample(std::move(token));
        }
      },
      std::move(audit));
}

template <typename Value>
grpc::ServerUnaryReactor* UploadTokenService::ServeOnToken(
    grpc::CallbackServerContext* context, absl::string_view method,
    const std::string& token, TokenOperation<Value> operation, Value* response,
    bool writes) {
  std::optional<governance::AuditEvent> audit;
  if (writes) {
    audit = AuditDraft(method);
    audit->set_token(token);
  }
  return Serve<Value>(
      context, method,
      [&](const std::string& caller, const governance::CallerLimits& limits) {
        if (absl::Status valid = ValidateToken(token); !valid.ok()) {
          return valid;
        }
        return writes ? governance::CheckMayWrite(limits, caller, method)
                      : absl::OkStatus();
      },
      [this, &token, operation](const apivideo::CallOptions& options,
                                auto done) {
        return (upstream_.*operation)(token, options, std::move(done));
      },
      MoveInto(response), std::move(audit));
}

}  // namespace gateway::service
