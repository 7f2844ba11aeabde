#include "upload_token_client/request_id.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace upload_token_client {

std::string NewRequestId() {
  // One generator per thread: absl::BitGen is seeded from the OS and is not
  // safe to share between threads.
  thread_local absl::BitGen generator;
  const uint64_t high = absl::Uniform<uint64_t>(generator);
  const uint64_t low = absl::Uniform<uint64_t>(generator);
  // RFC 4122 section 4.4: version 4 in the high nibble of time_hi, variant
  // 10xx in the top bits of clock_seq.
  return absl::StrFormat(
      "%08x-%04x-4%03x-%04x-%012x", high >> 32, (high >> 16) & 0xffff,
      high & 0x0fff, 0x8000 | ((low >> 48) & 0x3fff), low & 0xffffffffffffULL);
}

}  // namespace upload_token_client
