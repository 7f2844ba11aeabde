// libFuzzer target: request validation (gateway/service/validation.h) and the
// upstream URLs built from what it lets through (gateway/apivideo/routes.h).
//
// Beyond not crashing: an accepted token is 1 to 64 characters from
// A-Z a-z 0-9 _ - and so goes into a URL unchanged, as exactly one path
// segment; an accepted order_by normalizes to a fixed point.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gateway/apivideo/routes.h"
#include "gateway/service/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  FuzzedDataProvider input(data, size);
  ::apivideo::uploadtokens::v1::CreateUploadTokenRequest create;
  create.set_ttl(input.ConsumeIntegral<std::int32_t>());
  const absl::Status create_status =
      gateway::service::ValidateCreateRequest(create);
  if (create_status.ok() != (create.ttl() >= 0)) std::abort();

  const std::string order_by = input.ConsumeRandomLengthString(64);
  const auto parsed = gateway::service::ParseOrderBy(order_by);
  if (parsed.has_value()) {
    const auto again = gateway::service::ParseOrderBy(parsed->normalized);
    if (!again.has_value() || again->normalized != parsed->normalized ||
        again->field != parsed->field || again->order != parsed->order) {
      std::abort();
    }
  }

  const std::string token = input.ConsumeRemainingBytesAsString();
  const absl::Status status = gateway::service::ValidateToken(token);
  if (status.ok()) {
    if (token.empty() || token.size() > gateway::service::kMaxUploadTokenLength)
      std::abort();
    for (const char c : token) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' &&
          c != '-') {
        std::abort();
      }
    }
    if (gateway::apivideo::EscapePathSegment(token) != token) std::abort();
  } else if (status.code() != absl::StatusCode::kInvalidArgument) {
    std::abort();
  }
  // Whatever the text, its escaped form is one segment of plain characters,
  // never a dot segment.
  const std::string segment = gateway::apivideo::EscapePathSegment(token);
  for (const char c : segment) {
    if (c == '/' || c == '?' || c == '#' || c == '.' ||
        static_cast<unsigned char>(c) < 0x21 ||
        static_cast<unsigned char>(c) > 0x7e) {
      std::abort();
    }
  }
  return 0;
}
