#include "gateway/service/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "gateway/common/status_details.h"
#include "gateway/service/page_token.pb.h"

namespace gateway::service {
namespace {

constexpr std::uint32_t kVersion = 1;
// Truncated HMAC-SHA256: 128 bits are plenty against forgery.
constexpr std::size_t kMacSize = 16;
// Far more than any real token needs; rejects huge inputs before any work.
constexpr std::size_t kMaxPageTokenLength = 512;
constexpr absl::string_view kKeyLabel = "upload-token-gateway/page-token/v1";

constexpr absl::string_view kForged =
    "is not a page token issued by this service (it was changed, cut short, "
    "or comes from another deployment); pass next_page_token unchanged";

using Mac = std::array<unsigned char, EVP_MAX_MD_SIZE>;

Mac HmacSha256(const unsigned char* key, std::size_t key_size,
               absl::string_view data) {
  Mac mac{};
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key, static_cast<int>(key_size),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       mac.data(), &mac_size);
  return mac;
}

}  // namespace

PageTokenCodec::PageTokenCodec(absl::string_view secret) {
  const Mac derived =
      HmacSha256(reinterpret_cast<const unsigned char*>(secret.data()),
                 secret.size(), kKeyLabel);
  std::copy_n(derived.begin(), kKeySize, key_.begin());
}

std::string PageTokenCodec::Encode(const PageCursor& cursor) const {
  internal::PageTokenPayload payload;
  payload.set_version(kVersion);
  payload.set_order_by(cursor.order_by);
  payload.set_filter(cursor.filter);
  payload.set_offset(cursor.offset);
  std::string bytes = payload.SerializeAsString();
  const Mac mac = HmacSha256(key_.data(), key_.size(), bytes);
  bytes.append(reinterpret_cast<const char*>(mac.data()), kMacSize);
  return absl::WebSafeBase64Escape(bytes);
}

absl::StatusOr<PageCursor> PageTokenCodec::Decode(
    absl::string_view token) const {
  std::string bytes;
  if (token.size() > kMaxPageTokenLength ||
      !absl::WebSafeBase64Unescape(token, &bytes) || bytes.size() < kMacSize) {
    return InvalidFieldError("page_token", kForged);
  }
  const absl::string_view signed_part(bytes.data(), bytes.size() - kMacSize);
  const Mac expected = HmacSha256(key_.data(), key_.size(), signed_part);
  if (CRYPTO_memcmp(expected.data(), bytes.data() + signed_part.size(),
                    kMacSize) != 0) {
    return InvalidFieldError("page_token", kForged);
  }
  internal::PageTokenPayload payload;
  if (!payload.ParseFromArray(signed_part.data(),
                              static_cast<int>(signed_part.size())) ||
      payload.version() != kVersion || payload.offset() < 0) {
    return InvalidFieldError("page_token", kForged);
  }
  return PageCursor{payload.order_by(), payload.offset(), payload.filter()};
}

}  // namespace gateway::service
