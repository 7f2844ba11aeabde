#include "gateway/apivideo/errors.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gateway/apivideo/json_mapping.h"
#include "gateway/apivideo/rate_limit.h"
#include "gateway/apivideo/upstream_text.h"
#include "gateway/common/status_details.h"
#include "google/rpc/error_details.pb.h"

namespace gateway::apivideo {
namespace {

// AIP-193 caps ErrorInfo.reason at 63 characters.
constexpr std::size_t kMaxReasonLength = 63;

// The most field violations a BadRequest takes from one problem document
// (api.video lists one per invalid parameter: four at most for a list
// request). With each name and description quoted at most 270 bytes, the
// details stay far below an 8 KiB metadata limit however many problems the
// body lists.
constexpr int kMaxFieldViolations = 5;

// The problem document of `response`, when it has a readable one.
std::optional<json::Problem> ReadProblem(const http::HttpResponse& response) {
  absl::StatusOr<json::Problem> problem = ParseProblem(response.body);
  if (!problem.ok()) return std::nullopt;
  return *std::move(problem);
}

// "HTTP 404: The requested resource was not found. (detail)", title and
// detail cut as upstream_text.h says.
std::string DescribeAnswer(int http_status,
                           const std::optional<json::Problem>& problem) {
  std::string text = absl::StrCat("HTTP ", http_status);
  if (problem.has_value() && !problem->title().empty()) {
    absl::StrAppend(&text, ": ", QuoteUpstreamText(problem->title()));
    if (!problem->detail().empty()) {
      absl::StrAppend(&text, " (", QuoteUpstreamText(problem->detail()), ")");
    }
  }
  return text;
}

std::string FallbackReason(int http_status) {
  if (http_status == 400 || http_status == 422) return "UPSTREAM_BAD_REQUEST";
  if (http_status == 401) return "UPSTREAM_UNAUTHENTICATED";
  if (http_status == 403) return "UPSTREAM_PERMISSION_DENIED";
  if (http_status == 404) return "RESOURCE_NOT_FOUND";
  if (http_status == 429) return "TOO_MANY_REQUESTS";
  if (http_status >= 500 && http_status <= 599) return "UPSTREAM_UNAVAILABLE";
  return "UPSTREAM_UNEXPECTED_STATUS";
}

void AttachErrorInfo(absl::Status& status, int http_status,
                     const std::optional<json::Problem>& problem) {
  google::rpc::ErrorInfo info;
  std::string reason;
  if (problem.has_value()) reason = ReasonFromProblemType(problem->type());
  info.set_reason(reason.empty() ? FallbackReason(http_status) : reason);
  info.set_domain(std::string(kApiVideoErrorDomain));
  auto& metadata = *info.mutable_metadata();
  metadata["httpStatus"] = absl::StrCat(http_status);
  if (problem.has_value()) {
    if (!problem->type().empty()) {
      metadata["type"] = QuoteUpstreamText(problem->type());
    }
    if (!problem->title().empty()) {
      metadata["title"] = QuoteUpstreamText(problem->title());
    }
  }
  AddDetail(status, info);
}

absl::Status BadRequest(const http::HttpResponse& response,
                        const std::optional<json::Problem>& problem) {
  absl::Status status(absl::StatusCode::kInvalidArgument,
                      absl::StrCat("api.video rejected the request: ",
                                   DescribeAnswer(response.status, problem)));
  if (problem.has_value()) {
    int violations = 0;
    auto add_violation = [&status, &violations](const json::Problem& p) {
      if (p.name().empty() || violations == kMaxFieldViolations) return;
      ++violations;
      const std::string description = QuoteUpstreamText(
          p.detail().empty() ? p.title()
                             : absl::StrCat(p.title(), " ", p.detail()));
      AddFieldViolation(status, QuoteUpstreamText(p.name()), description);
    };
    add_violation(*problem);
    for (const json::Problem& nested : problem->problems()) {
      // The top-level problem usually repeats the first nested one.
      if (nested.name() == problem->name() &&
          nested.title() == problem->title()) {
        continue;
      }
      add_violation(nested);
    }
  }
  return status;
}

absl::Status CredentialsRejected(const http::HttpResponse& response,
                                 const std::optional<json::Problem>& problem) {
  return absl::InternalError(absl::StrCat(
      "api.video refused the gateway's own credentials (",
      DescribeAnswer(response.status, problem),
      "). The request itself was fine; the gateway's operator must fix its "
      "api.video API key."));
}

absl::Status NotFound(const http::HttpResponse& response,
                      const std::optional<json::Problem>& problem,
                      const UpstreamOperation& operation) {
  const bool unknown_url =
      operation.token.empty() ||
      (problem.has_value() &&
       ReasonFromProblemType(problem->type()) == "UNRECOGNIZED_REQUEST_URL");
  if (unknown_url) {
    // The gateway asked for a URL the upstream does not serve: a wrong
    // --api_base_url, not anything the caller can fix.
    return absl::InternalError(
        absl::StrCat("api.video does not know ", operation.route, " (",
                     DescribeAnswer(response.status, problem),
                     "); check the gateway's --api_base_url"));
  }
  absl::Status status(
      absl::StatusCode::kNotFound,
      absl::StrCat("upload token \"", operation.token,
                   "\" was not found: it does not exist, was deleted, or has "
                   "expired"));
  google::rpc::ResourceInfo info;
  info.set_resource_type(std::string(kUploadTokenResourceType));
  info.set_resource_name(std::string(operation.token));
  info.set_description(problem.has_value() && !problem->title().empty()
                           ? QuoteUpstreamText(problem->title())
                           : "The requested resource was not found.");
  AddDetail(status, info);
  return status;
}

absl::Status RateLimited(const http::HttpResponse& response,
                         const std::optional<json::Problem>& problem) {
  const RateLimit rate_limit = ReadRateLimit(response);
  std::string message =
      "api.video's rate limit for the gateway's account is used up";
  if (rate_limit.retry_after_seconds.has_value()) {
    absl::StrAppend(&message, "; retry after ", *rate_limit.retry_after_seconds,
                    " s");
  }
  absl::Status status(absl::StatusCode::kResourceExhausted, message);
  if (rate_limit.retry_after_seconds.has_value()) {
    AddRetryInfo(status, absl::Seconds(*rate_limit.retry_after_seconds));
  }
  google::rpc::QuotaFailure quota;
  auto* violation = quota.add_violations();
  violation->set_subject("api.video account of the gateway");
  violation->set_description(
      rate_limit.limit.has_value()
          ? absl::StrCat("at most ", *rate_limit.limit,
                         " requests of this kind per rate-limit window")
          : "too many requests of this kind in the current window");
  AddDetail(status, quota);
  return status;
}

}  // namespace

std::string ReasonFromProblemType(absl::string_view type) {
  // RFC 7807: "about:blank" means the problem has no type beyond its status.
  if (type == "about:blank") return "";
  absl::string_view slug = type;
  slug = absl::StripSuffix(slug, "/");
  // In an absolute URL the last segment must come after the authority:
  // "https://docs.api.video" has no path to take a reason from.
  if (const auto authority = slug.find("://");
      authority != absl::string_view::npos &&
      slug.find('/', authority + 3) == absl::string_view::npos) {
    return "";
  }
  if (const auto slash = slug.rfind('/'); slash != absl::string_view::npos) {
    slug = slug.substr(slash + 1);
  }
  std::string reason;
  for (char c : slug) {
    if (absl::ascii_isalnum(c)) {
      reason.push_back(absl::ascii_toupper(c));
    } else if (!reason.empty() && reason.back() != '_') {
      reason.push_back('_');
    }
    if (reason.size() == kMaxReasonLength) break;
  }
  while (!reason.empty() && reason.back() == '_') reason.pop_back();
  // A reason must start with a letter.
  if (!reason.empty() && !absl::ascii_isalpha(reason.front())) reason.clear();
  return reason;
}

std::string ProblemType(const http::HttpResponse& response) {
  std::optional<json::Problem> problem = ReadProblem(response);
  return problem.has_value() ? problem->type() : std::string();
}

bool IsResourceNotFound(const http::HttpResponse& response) {
  return response.status == 404 &&
         ReasonFromProblemType(ProblemType(response)) == "RESOURCE_NOT_FOUND";
}

absl::Status StatusFromErrorResponse(const http::HttpResponse& response,
                                     const UpstreamOperation& operation) {
  const std::optional<json::Problem> problem = ReadProblem(response);
  const int code = response.status;
  absl::Status status;
  if (code == 400 || code == 422) {
    status = BadRequest(response, problem);
  } else if (code == 401 || code == 403) {
    status = CredentialsRejected(response, problem);
  } else if (code == 404) {
    status = NotFound(response, problem, operation);
  } else if (code == 429) {
    status = RateLimited(response, problem);
  } else if (code >= 500 && code <= 599) {
    status = absl::UnavailableError(absl::StrCat(
        "api.video is unavailable: ", DescribeAnswer(code, problem), " for ",
        operation.route));
  } else {
    status = absl::InternalError(
        absl::StrCat("api.video answered ", operation.route,
                     " with an unexpected ", DescribeAnswer(code, problem)));
  }
  AttachErrorInfo(status, code, problem);
  return status;
}

absl::Status StatusFromAuthErrorResponse(const http::HttpResponse& response,
                                         absl::string_view route) {
  const std::optional<json::Problem> problem = ReadProblem(response);
  absl::Status status;
  if (response.status >= 500 && response.status <= 599) {
    status = absl::UnavailableError(absl::StrCat(
        "api.video is unavailable: ", DescribeAnswer(response.status, problem),
        " for ", route));
  } else {
    status = absl::InternalError(absl::StrCat(
        "api.video refused the gateway's own credentials at ", route, " (",
        DescribeAnswer(response.status, problem),
        "). The request itself was fine; the gateway's operator must fix its "
        "api.video API key."));
  }
  AttachErrorInfo(status, response.status, problem);
  return status;
}

absl::Status StatusFromTransportError(const absl::Status& transport_error,
                                      const UpstreamOperation& operation) {
  // What each transport error means to the caller; anything else is
  // INTERNAL, UPSTREAM_TRANSPORT_ERROR.
  struct Meaning {
    absl::StatusCode transport_code;
    absl::StatusCode code;
    absl::string_view what_happened;
    absl::string_view reason;
  };
  static constexpr Meaning kMeanings[] = {
      {absl::StatusCode::kUnavailable, absl::StatusCode::kUnavailable,
       "could not reach api.video for ", "UPSTREAM_UNREACHABLE"},
      {absl::StatusCode::kDeadlineExceeded, absl::StatusCode::kDeadlineExceeded,
       "api.video did not answer in time for ", "UPSTREAM_TIMEOUT"},
      {absl::StatusCode::kCancelled, absl::StatusCode::kCancelled,
       "the call was cancelled during ", "CANCELLED"},
      {absl::StatusCode::kResourceExhausted, absl::StatusCode::kInternal,
       "api.video's answer was too large for ", "UPSTREAM_RESPONSE_TOO_LARGE"},
  };
  Meaning meaning{transport_error.code(), absl::StatusCode::kInternal,
                  "the request to api.video failed for ",
                  "UPSTREAM_TRANSPORT_ERROR"};
  for (const Meaning& known : kMeanings) {
    if (known.transport_code == transport_error.code()) meaning = known;
  }
  return MakeError(meaning.code,
                   absl::StrCat(meaning.what_happened, operation.route, ": ",
                                transport_error.message()),
                   meaning.reason);
}

}  // namespace gateway::apivideo
