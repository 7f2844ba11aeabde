// Small wrappers over POSIX calls that several layers make the same way.

#ifndef GATEWAY_COMMON_POSIX_H_
#define GATEWAY_COMMON_POSIX_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gateway {

// A status of `code` saying "<what>: <the text of errno>". Call it right
// after the failed call, before anything else can change errno.
absl::Status ErrnoStatus(absl::StatusCode code, absl::string_view what);

// Blocks SIGPIPE on the calling thread, and on the threads it starts from
// now on (they inherit the mask). A write to a socket whose peer has gone
// then fails with EPIPE instead of killing the process; a SIGPIPE directed
// at this thread stays pending, harmlessly.
void BlockSigpipeOnThisThread();

// Writes all of `text` to `fd`, retrying after partial writes and EINTR.
// Returns false if a write failed or wrote nothing (errno says why), as
// when the descriptor is closed; the rest of `text` is then not written.
bool WriteFully(int fd, absl::string_view text);

}  // namespace gateway

#endif  // GATEWAY_COMMON_POSIX_H_
