// libFuzzer target: page-token decoding (gateway/service/page_token.h) and the
// listing plan built from a decoded token (gateway/service/list_pages.h).
//
// Random text almost never carries a valid MAC, so half of the inputs are
// signed here with the codec's key, as a token from this deployment would
// be: that takes the fuzzer past the MAC to the payload parsing and to the
// arithmetic on the offset. This file derives the key exactly as
// page_token.cc does; if the two drift apart, the round-trip check below
// fails at once.

#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "gateway/service/list_pages.h"
#include "gateway/service/page_token.h"
#include "google/protobuf/stubs/logging.h"

namespace {

constexpr absl::string_view kSecret = "fuzzing-secret";

std::array<unsigned char, EVP_MAX_MD_SIZE> Hmac(absl::string_view key,
                                                absl::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       mac.data(), &mac_size);
  return mac;
}

// `payload` followed by its truncated HMAC, web-safe base64: a token this
// deployment could have issued, whatever the payload holds.
std::string Sign(absl::string_view payload) {
  const auto derived = Hmac(kSecret, "upload-token-gateway/page-token/v1");
  const auto mac =
      Hmac(absl::string_view(reinterpret_cast<const char*>(derived.data()), 32),
           payload);
  std::string bytes(payload);
  bytes.append(reinterpret_cast<const char*>(mac.data()), 16);
  return absl::WebSafeBase64Escape(bytes);
}

}  // namespace

// protobuf logs every payload with invalid UTF-8 in order_by; the decoder
// rejects those tokens, and the log would drown libFuzzer's output.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const gateway::service::PageTokenCodec codec{kSecret};
  FuzzedDataProvider input(data, size);
  const bool sign = input.ConsumeBool();
  const auto page_size = input.ConsumeIntegral<std::int32_t>();
  const std::string order_by = input.ConsumeRandomLengthString(40);
  const std::string rest = input.ConsumeRemainingBytesAsString();
  const std::string token = sign ? Sign(rest) : rest;

  const auto cursor = codec.Decode(token);
  if (cursor.ok()) {
    if (cursor->offset < 0) std::abort();
    // What decodes must encode to a token that decodes to the same cursor.
    const auto again = codec.Decode(codec.Encode(*cursor));
    if (!again.ok() || again->offset != cursor->offset ||
        again->order_by != cursor->order_by) {
      std::abort();
    }
  } else if (cursor.status().code() != absl::StatusCode::kInvalidArgument) {
    std::abort();
  }

  ::apivideo::uploadtokens::v1::ListUploadTokensRequest request;
  request.set_page_size(page_size);
  request.set_order_by(order_by);
  request.set_page_token(token);
  const auto plan = gateway::service::PlanListCall(request, codec);
  if (plan.ok()) {
    if (plan->query.page_size < 1 || plan->query.page_size > 100 ||
        plan->query.current_page < 1) {
      std::abort();
    }
  } else if (plan.status().code() != absl::StatusCode::kInvalidArgument) {
    std::abort();
  }
  return 0;
}
