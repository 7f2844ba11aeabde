// libFuzzer target: api.video error answers -> gRPC status
// (gateway/apivideo/errors.h): the HTTP status, the rate-limit headers, the
// token and the problem+json body all come from the input. No answer may
// crash, and none may map to OK.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "gateway/apivideo/errors.h"
#include "gateway/http/http_types.h"
#include "gateway/service/request_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  FuzzedDataProvider input(data, size);
  gateway::http::HttpResponse response;
  // Mostly error statuses, now and then anything at all.
  response.status = input.ConsumeBool()
                        ? input.ConsumeIntegralInRange<int>(300, 599)
                        : input.ConsumeIntegral<int>();
  static constexpr const char* kHeaders[] = {
      "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-retry-after",
      "content-type", "retry-after"};
  const int header_count = input.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < header_count; ++i) {
    const char* name = input.PickValueInArray(kHeaders);
    response.headers.emplace_back(name, input.ConsumeRandomLengthString(32));
  }
  // Only a token that passed ValidateToken ever reaches the upstream (and
  // so the ResourceInfo of a 404): 1 to 64 of A-Z a-z 0-9 _ -.
  static constexpr char kTokenChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::string token(input.ConsumeIntegralInRange<std::size_t>(1, 64), 'a');
  for (char& c : token) {
    c = kTokenChars[input.ConsumeIntegralInRange<std::size_t>(
        0, sizeof(kTokenChars) - 2)];
  }
  response.body = input.ConsumeRemainingBytesAsString();

  const gateway::apivideo::UpstreamOperation operation{
      "GET /upload-tokens/{token}", token};
  if (response.status < 200 || response.status > 299) {
    if (gateway::apivideo::StatusFromErrorResponse(response, operation).ok() ||
        gateway::apivideo::StatusFromAuthErrorResponse(response,
                                                       "POST /auth/api-key")
            .ok()) {
      std::abort();
    }
  }
  const gateway::apivideo::UpstreamOperation collection{"GET /upload-tokens",
                                                        ""};
  if (response.status < 200 || response.status > 299) {
    if (gateway::apivideo::StatusFromErrorResponse(response, collection).ok()) {
      std::abort();
    }
  }
  (void)gateway::apivideo::ReasonFromProblemType(response.body);
  (void)gateway::service::RequestFieldFromApiName(response.body);
  (void)gateway::apivideo::StatusFromTransportError(
      absl::UnavailableError(response.body), operation);
  return 0;
}
