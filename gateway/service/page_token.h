// Opaque, tamper-proof page tokens for ListUploadTokens.
//
// api.video pages by page number; callers get AIP-158 page tokens instead. A
// token holds the listing's order and the position of the next page, signed
// with HMAC-SHA256 under a key derived from a secret (the api.video key), so
// every replica of the gateway that shares the key accepts the tokens of the
// others, and a token that was changed or made up is rejected.

#ifndef GATEWAY_SERVICE_PAGE_TOKEN_H_
#define GATEWAY_SERVICE_PAGE_TOKEN_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway::service {

// Where a listing continues.
struct PageCursor {
  // The normalized order_by the listing was made with.
  std::string order_by;
  // Zero-based position of the first token of the next page.
  std::int64_t offset = 0;
  // The normalized filter of the listing ("" for none).
  std::string filter;
};

class PageTokenCodec {
 public:
  // Derives the signing key from `secret`; the secret itself is not kept.
  explicit PageTokenCodec(absl::string_view secret);

  // A URL-safe string that only this codec's key can have produced.
  std::string Encode(const PageCursor& cursor) const;

  // The cursor in `token`, or INVALID_ARGUMENT (BadRequest on "page_token")
  // if the token is malformed, signed with another key, or of another version.
  absl::StatusOr<PageCursor> Decode(absl::string_view token) const;

 private:
  static constexpr std::size_t kKeySize = 32;
  std::array<unsigned char, kKeySize> key_;
};

}  // namespace gateway::service

#endif  // GATEWAY_SERVICE_PAGE_TOKEN_H_
