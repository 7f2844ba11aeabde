// api.video JSON <-> proto, in one place.
//
// Reading tolerates what the real API sends: unknown keys, `+00:00` offsets,
// `expiresAt` missing or null. Anything that is not a valid document becomes
// an INTERNAL error that says what was wrong; nothing here crashes on input.

#ifndef GATEWAY_APIVIDEO_JSON_MAPPING_H_
#define GATEWAY_APIVIDEO_JSON_MAPPING_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "apivideo/uploadtokens/v1/upload_tokens.pb.h"
#include "gateway/apivideo/apivideo_json.pb.h"
#include "gateway/apivideo/token_page.h"

namespace gateway::apivideo {

// The body of POST /upload-tokens for a token that lives `ttl_seconds`.
std::string CreateTokenRequestBody(std::int32_t ttl_seconds);

// The body of POST /auth/api-key.
std::string ApiKeyRequestBody(absl::string_view api_key);

// The body of POST /auth/refresh.
std::string RefreshRequestBody(absl::string_view refresh_token);

// Parses an access-token object (the body of POST /auth/api-key and
// /auth/refresh); requires a non-empty access_token and a positive
// expires_in.
absl::StatusOr<json::AccessToken> ParseAccessToken(absl::string_view json);

// Parses an upload-token object (the body of POST /upload-tokens and
// GET /upload-tokens/{token}). `expires_at` is left unset when ttl is 0.
absl::StatusOr<::apivideo::uploadtokens::v1::UploadToken> ParseUploadToken(
    absl::string_view json);

// Parses a token-list-response (the body of GET /upload-tokens).
absl::StatusOr<json::TokenListResponse> ParseTokenList(absl::string_view json);

// The same, as the domain's TokenPage.
absl::StatusOr<TokenPage> ParseTokenPage(absl::string_view json);

// Parses an RFC 7807 problem document. Fails on anything that is not a JSON
// object; callers fall back to the HTTP status alone.
absl::StatusOr<json::Problem> ParseProblem(absl::string_view json);

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_JSON_MAPPING_H_
