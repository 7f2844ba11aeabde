#include "gateway/service/page_token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gateway/common/status_details.h"
#include "gateway/service/page_token.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace gateway::service {
namespace {

constexpr absl::string_view kSecret = "api-key-of-the-test-deployment";

MATCHER(IsPageTokenRejection, "") {
  if (arg.ok()) {
    *result_listener << "was accepted (offset " << arg->offset
                     << ", order_by \"" << arg->order_by << "\")";
    return false;
  }
  const absl::Status& status = arg.status();
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    *result_listener << "code is " << absl::StatusCodeToString(status.code());
    return false;
  }
  const auto bad_request = GetDetail<google::rpc::BadRequest>(status);
  if (!bad_request.has_value() || bad_request->field_violations_size() != 1 ||
      bad_request->field_violations(0).field() != "page_token") {
    *result_listener << "BadRequest does not name page_token alone";
    return false;
  }
  return true;
}

// Signs `payload` the way the codec's documented scheme does (HMAC-SHA256
// under a key derived from the secret), to build tokens the codec would never
// issue, such as ones of another version.
std::string SignLikeCodec(absl::string_view secret,
                          const internal::PageTokenPayload& payload) {
  constexpr absl::string_view kLabel = "upload-token-gateway/page-token/v1";
  unsigned char key[EVP_MAX_MD_SIZE];
  unsigned int key_size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size(),
       key, &key_size);
  std::string bytes = payload.SerializeAsString();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key, 32,
       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), mac,
       &mac_size);
  bytes.append(reinterpret_cast<const char*>(mac), 16);
  return absl::WebSafeBase64Escape(bytes);
}

std::string Unbase64(absl::string_view token) {
  std::string bytes;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
  return bytes;
}

TEST(PageTokenCodec, RoundTripsCursor) {
  const PageTokenCodec codec(kSecret);
  const absl::StatusOr<PageCursor> cursor =
      codec.Decode(codec.Encode({"created_at desc", 75, ""}));
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->order_by, "created_at desc");
  EXPECT_EQ(cursor->offset, 75);
}

TEST(PageTokenCodec, RoundTripsDefaultOrderAndZeroOffset) {
  const PageTokenCodec codec(kSecret);
  const absl::StatusOr<PageCursor> cursor =
      codec.Decode(codec.Encode({"", 0, ""}));
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->order_by, "");
  EXPECT_EQ(cursor->offset, 0);
}

TEST(PageTokenCodec, AnotherCodecWithSameSecretAcceptsToken) {
  const std::string token =
      PageTokenCodec(kSecret).Encode({"ttl asc", 100, ""});
  const absl::StatusOr<PageCursor> cursor =
      PageTokenCodec(kSecret).Decode(token);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->offset, 100);
}

TEST(PageTokenCodec, TokenIsUrlSafe) {
  const PageTokenCodec codec(kSecret);
  for (std::int64_t offset : {0LL, 25LL, 1LL << 40, 4096LL}) {
    const std::string token = codec.Encode({"created_at desc", offset, ""});
    EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
                                      "opqrstuvwxyz0123456789-_"),
              std::string::npos)
        << token;
  }
}

TEST(PageTokenCodec, TokenDoesNotContainSecret) {
  const PageTokenCodec codec(kSecret);
  const std::string bytes = Unbase64(codec.Encode({"", 25, ""}));
  EXPECT_EQ(bytes.find(std::string(kSecret)), std::string::npos);
}

TEST(PageTokenCodec, RejectsTokenSignedWithAnotherKey) {
  const std::string token =
      PageTokenCodec("another-deployment-key").Encode({"", 25, ""});
  EXPECT_THAT(PageTokenCodec(kSecret).Decode(token), IsPageTokenRejection());
}

TEST(PageTokenCodec, RejectsEveryTokenWithOneByteFlipped) {
  const PageTokenCodec codec(kSecret);
  const std::string bytes = Unbase64(codec.Encode({"created_at asc", 50, ""}));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned char flip : {0x01, 0x80, 0xff}) {
      std::string forged = bytes;
      forged[i] = static_cast<char>(forged[i] ^ flip);
      EXPECT_THAT(codec.Decode(absl::WebSafeBase64Escape(forged)),
                  IsPageTokenRejection())
          << "byte " << i << " ^ " << static_cast<int>(flip);
    }
  }
}

TEST(PageTokenCodec, RejectsEveryTokenWithOneCharacterChanged) {
  const PageTokenCodec codec(kSecret);
  const std::string token = codec.Encode({"ttl desc", 200, ""});
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_THAT(codec.Decode(changed), IsPageTokenRejection()) << "char " << i;
  }
}

TEST(PageTokenCodec, RejectsEveryTruncation) {
  const PageTokenCodec codec(kSecret);
  const std::string token = codec.Encode({"ttl desc", 200, ""});
  for (std::size_t size = 0; size < token.size(); ++size) {
    EXPECT_THAT(codec.Decode(token.substr(0, size)), IsPageTokenRejection())
        << "first " << size << " characters";
  }
}

TEST(PageTokenCodec, RejectsTokenWithBytesAppended) {
  const PageTokenCodec codec(kSecret);
  const std::string bytes = Unbase64(codec.Encode({"", 25, ""}));
  EXPECT_THAT(codec.Decode(absl::WebSafeBase64Escape(bytes + "x")),
              IsPageTokenRejection());
}

TEST(PageTokenCodec, RejectsPayloadWithMacOfAnotherPayload) {
  const PageTokenCodec codec(kSecret);
  const std::string a = Unbase64(codec.Encode({"", 25, ""}));
  const std::string b = Unbase64(codec.Encode({"", 2500, ""}));
  // a's payload with b's MAC.
  const std::string spliced =
      a.substr(0, a.size() - 16) + b.substr(b.size() - 16);
  EXPECT_THAT(codec.Decode(absl::WebSafeBase64Escape(spliced)),
              IsPageTokenRejection());
}

class PageTokenGarbage : public ::testing::TestWithParam<std::string> {};

TEST_P(PageTokenGarbage, IsRejected) {
  EXPECT_THAT(PageTokenCodec(kSecret).Decode(GetParam()),
              IsPageTokenRejection());
}

INSTANTIATE_TEST_SUITE_P(
    Garbage, PageTokenGarbage,
    ::testing::Values("", "x", "not a page token", "!!!!!!!!",
                      "====", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                      std::string(1, '\0'), "\xff\xfe\xfd",
                      "eyJvZmZzZXQiOjI1fQ" /* base64 of {"offset":25} */,
                      std::string(512, 'A'), std::string(513, 'A'),
                      std::string(100000, 'A')));

TEST(PageTokenCodec, RejectsOverLongTokenEvenIfValidlySigned) {
  const PageTokenCodec codec(kSecret);
  const std::string token = codec.Encode({std::string(600, 'o'), 25, ""});
  ASSERT_GT(token.size(), 512u);
  EXPECT_THAT(codec.Decode(token), IsPageTokenRejection());
}

TEST(PageTokenCodec, SignLikeCodecHelperMatchesCodec) {
  // Guards the helper the next tests rely on.
  internal::PageTokenPayload payload;
  payload.set_version(1);
  payload.set_order_by("ttl asc");
  payload.set_offset(40);
  const absl::StatusOr<PageCursor> cursor =
      PageTokenCodec(kSecret).Decode(SignLikeCodec(kSecret, payload));
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->offset, 40);
}

TEST(PageTokenCodec, RejectsValidlySignedTokenOfAnotherVersion) {
  for (std::uint32_t version : {0u, 2u, 0xffffffffu}) {
    internal::PageTokenPayload payload;
    payload.set_version(version);
    payload.set_order_by("ttl asc");
    payload.set_offset(40);
    EXPECT_THAT(PageTokenCodec(kSecret).Decode(SignLikeCodec(kSecret, payload)),
                IsPageTokenRejection())
        << "version " << version;
  }
}

TEST(PageTokenCodec, RejectsValidlySignedNegativeOffset) {
  internal::PageTokenPayload payload;
  payload.set_version(1);
  payload.set_offset(-25);
  EXPECT_THAT(PageTokenCodec(kSecret).Decode(SignLikeCodec(kSecret, payload)),
              IsPageTokenRejection());
}

TEST(PageTokenCodec, RejectionMessageDoesNotEchoToken) {
  const std::string token = "SecretMarkerXyzzy" + std::string(40, 'A');
  const absl::StatusOr<PageCursor> cursor =
      PageTokenCodec(kSecret).Decode(token);
  ASSERT_FALSE(cursor.ok());
  EXPECT_EQ(cursor.status().message().find("SecretMarker"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace gateway::service
