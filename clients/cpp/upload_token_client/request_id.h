// Request ids for CreateUploadToken (AIP-155): the gateway answers a repeated
// request_id with the first call's token instead of creating a second one.
#ifndef UPLOAD_TOKEN_CLIENT_REQUEST_ID_H_
#define UPLOAD_TOKEN_CLIENT_REQUEST_ID_H_

#include <string>

namespace upload_token_client {

// A random (version 4) UUID in its 36-character text form, e.g.
// "1b4e28ba-2fa1-41d2-883f-0016d3cca427".
std::string NewRequestId();

}  // namespace upload_token_client

#endif  // UPLOAD_TOKEN_CLIENT_REQUEST_ID_H_
