// The domain values of the upload-token operations: the UploadToken message
// of the gateway's API (the same fields api.video has), and one page of a
// listing. What api.video's JSON looks like stays in json_mapping.cc.

#ifndef GATEWAY_APIVIDEO_TOKEN_PAGE_H_
#define GATEWAY_APIVIDEO_TOKEN_PAGE_H_

#include <cstdint>

#include "apivideo/uploadtokens/v1/upload_tokens.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace gateway::apivideo {

using UploadToken = ::apivideo::uploadtokens::v1::UploadToken;

// One page of GET /upload-tokens.
struct TokenPage {
  google::protobuf::RepeatedPtrField<UploadToken> tokens;
  // Tokens in the whole listing, the page's number (1-based) and the number
  // of pages.
  std::int32_t total_tokens = 0;
  std::int32_t page = 0;
  std::int32_t page_count = 0;
};

}  // namespace gateway::apivideo

#endif  // GATEWAY_APIVIDEO_TOKEN_PAGE_H_
