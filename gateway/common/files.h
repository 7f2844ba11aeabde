// Reading the small files the gateway is configured with: keys, secrets,
// certificates, caller lists. One reader, so that every such file fails the
// same way and no error message ever quotes what a file holds.

#ifndef GATEWAY_COMMON_FILES_H_
#define GATEWAY_COMMON_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway {

// The whole of the file at `path`. `what` names the file for the error,
// e.g. "--api_key_file" or "the client CA file": a file that cannot be
// opened or read is FAILED_PRECONDITION "cannot read <what> <path>".
absl::StatusOr<std::string> ReadFile(absl::string_view path,
                                     absl::string_view what);

}  // namespace gateway

#endif  // GATEWAY_COMMON_FILES_H_
