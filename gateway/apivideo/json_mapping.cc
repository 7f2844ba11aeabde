#include "gateway/apivideo/json_mapping.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/apivideo/json_scanner.h"
#include "gateway/apivideo/upstream_text.h"
#include "gateway/common/json_string.h"
#include "gateway/common/status_details.h"
#include "google/protobuf/util/json_util.h"

namespace gateway::apivideo {
namespace {

using ::apivideo::uploadtokens::v1::UploadToken;

constexpr absl::string_view kMalformedReason = "UPSTREAM_MALFORMED_RESPONSE";

absl::Status Malformed(absl::string_view what, absl::string_view why) {
  return MakeError(absl::StatusCode::kInternal,
                   absl::StrCat("api.video sent ", what,
                                " that the gateway cannot read: ", why),
                   kMalformedReason);
}

// Parses `json` into `message`, ignoring keys the message does not have.
absl::Status ParseJson(absl::string_view json,
                       google::protobuf::Message& message,
                       absl::string_view what) {
  // protobuf's parser accepts an empty input as an empty object; an empty body
  // where a document is expected is a broken answer, not a default one.
  if (json.find_first_not_of(" \t\r\n") == absl::string_view::npos) {
    return Malformed(what, "the body is empty");
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message,
      options);
  if (!parsed.ok()) {
    // The parser's message ends with an excerpt and a caret on lines of
    // their own; the first line says what is wrong, and may quote a value of
    // the body at any length.
    const std::string message = parsed.message().ToString();
    return Malformed(what, QuoteUpstreamText(absl::StripAsciiWhitespace(
                               message.substr(0, message.find('\n')))));
  }
  return absl::OkStatus();
}

// Checks what the JSON parser cannot: the fields every token must have.
absl::Status CheckToken(UploadToken& token, absl::string_view what) {
  if (token.token().empty()) return Malformed(what, "\"token\" is missing");
  if (token.ttl() < 0) return Malformed(what, "\"ttl\" is negative");
  if (!token.has_created_at()) {
    return Malformed(what, "\"createdAt\" is missing");
  }
  // The API promises no expiry for ttl 0, whatever else it sends.
  if (token.ttl() == 0) token.clear_expires_at();
  return absl::OkStatus();
}

}  // namespace

std::string ApiKeyRequestBody(absl::string_view api_key) {
  return absl::StrCat("{\"apiKey\":", JsonString(api_key), "}");
}

std::string RefreshRequestBody(absl::string_view refresh_token) {
  return absl::StrCat("{\"refreshToken\":", JsonString(refresh_token), "}");
}

absl::StatusOr<json::AccessToken> ParseAccessToken(absl::string_view json) {
  // The body holds credentials: errors name what is wrong, never the text.
  constexpr absl::string_view kWhat = "an access token";
  json::AccessToken token;
  if (absl::Status status = ParseJson(json, token, kWhat); !status.ok()) {
    return Malformed(kWhat, "the body is not a valid access-token document");
  }
  if (token.access_token().empty()) {
    return Malformed(kWhat, "\"access_token\" is missing");
  }
  if (token.expires_in() <= 0) {
    return Malformed(kWhat, "\"expires_in\" is missing or not positive");
  }
  return token;
}

std::string CreateTokenRequestBody(std::int32_t ttl_seconds) {
  return absl::StrCat("{\"ttl\":", ttl_seconds, "}");
}

absl::StatusOr<UploadToken> ParseUploadToken(absl::string_view json) {
  constexpr absl::string_view kWhat = "an upload token";
  UploadToken token;
  if (!ScanUploadToken(json, token)) {
    token.Clear();
    if (absl::Status status = ParseJson(json, token, kWhat); !status.ok()) {
      return status;
    }
  }
  if (absl::Status status = CheckToken(token, kWhat); !status.ok()) {
    return status;
  }
  return token;
}

absl::StatusOr<json::TokenListResponse> ParseTokenList(absl::string_view json) {
  constexpr absl::string_view kWhat = "a token list";
  json::TokenListResponse list;
  if (!ScanTokenList(json, list)) {
    list.Clear();
    if (absl::Status status = ParseJson(json, list, kWhat); !status.ok()) {
      return status;
    }
  }
  if (!list.has_pagination()) {
    return Malformed(kWhat, "\"pagination\" is missing");
  }
  for (UploadToken& token : *list.mutable_data()) {
    if (absl::Status status = CheckToken(token, kWhat); !status.ok()) {
      return status;
    }
  }
  return list;
}

absl::StatusOr<TokenPage> ParseTokenPage(absl::string_view json) {
  absl::StatusOr<json::TokenListResponse> list = ParseTokenList(json);
  if (!list.ok()) return list.status();
  TokenPage page;
  page.tokens.Swap(list->mutable_data());
  page.total_tokens = list->pagination().items_total();
  page.page = list->pagination().current_page();
  page.page_count = list->pagination().pages_total();
  return page;
}

absl::StatusOr<json::Problem> ParseProblem(absl::string_view json) {
  json::Problem problem;
  if (absl::Status status = ParseJson(json, problem, "an error document");
      !status.ok()) {
    return status;
  }
  return problem;
}

}  // namespace gateway::apivideo
