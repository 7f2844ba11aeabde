// A fast path for the two JSON documents on every call's way back: an
// upload token and a page of them.
//
// protobuf's JSON parser costs about 10 us per token (over 800 us for a page
// of 100); this scanner reads the plain, well-formed documents api.video
// sends in well under a microsecond per token (bench/RESULTS.md,
// bench_json_mapping). It answers "parsed" only for documents whose meaning
// it is sure of: no escapes, no non-ASCII text, integers only, no duplicate
// keys, limited nesting, timestamps as protobuf reads them. For anything
// else it answers false, and json_mapping.cc hands the document to
// protobuf's parser, which then decides exactly as it would have, errors
// included. fuzz/fuzz_json_mapping.cc checks that the two always agree.

#ifndef GATEWAY_APIVIDEO_JSON_SCANNER_H_
#define GATEWAY_APIVIDEO_JSON_SCANNER_H_

#include "absl/strings/string_view.h"
#include "apivideo/uploadtokens/v1/upload_tokens.pb.h"
#include "gateway/apivideo/apivideo_json.pb.h"

namespace gateway::apivideo {

// Reads an upload-token object into `token` (cleared first is the caller's
// business). False when the scanner is not sure: `token` is then partly
// filled and must be cleared before another parser fills it.
bool ScanUploadToken(absl::string_view json,
                     ::apivideo::uploadtokens::v1::UploadToken& token);

// The same for a token-list-response.
bool ScanTokenList(absl::string_view json, json::TokenListResponse& list);

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_JSON_SCANNER_H_
