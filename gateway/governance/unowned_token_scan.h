// Finds the upload tokens of no known creator (created with the key outside
// the gateway, or before it kept creators): the work behind
// PurgeUploadTokens with the filter `creator = ""`.
//
// Reads every page of api.video's listing, oldest first, one page at a time,
// through an UploadTokenStub: each page spends a read unit like any
// ListUploadTokens, and comes back with the creators the gateway knows.
// Keeps the tokens with an empty creator created before `created_before`: a
// token created through another replica a moment ago may not have reached
// this replica's record yet (the audit stream's lag), and must not look
// unowned.

#ifndef GATEWAY_GOVERNANCE_UNOWNED_TOKEN_SCAN_H_
#define GATEWAY_GOVERNANCE_UNOWNED_TOKEN_SCAN_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gateway/apivideo/upload_token_stub.h"
#include "gateway/common/cancellable.h"

namespace gateway::governance {

struct UnownedTokenScanOptions {
  // Only tokens created strictly before this time are kept.
  absl::Time created_before = absl::InfinitePast();
  // Tokens per page asked of api.video (at most 100).
  int page_size = 100;
};

// Starts the scan with `call` (the caller, its deadline). `done` runs once,
// with the tokens found in api.video's order, or with the first page's
// failure. Cancelling cancels the page in flight and ends the scan with
// CANCELLED. `stub` must outlive the scan.
std::shared_ptr<Cancellable> StartUnownedTokenScan(
    apivideo::UploadTokenStub& stub, const apivideo::CallOptions& call,
    const UnownedTokenScanOptions& options,
    apivideo::ApiCallback<std::vector<std::string>> done);

}  // namespace gateway::governance

#endif  // GATEWAY_GOVERNANCE_UNOWNED_TOKEN_SCAN_H_
