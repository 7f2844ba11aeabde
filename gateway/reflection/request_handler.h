// The answer to one server reflection request.
//
// grpc.reflection.v1 and grpc.reflection.v1alpha define the same messages in
// two packages, so the handling is written once, over the message types:
//
//   grpc::reflection::v1::ServerReflectionResponse response;
//   AnswerReflectionRequest(index, services, request, response);
//
// Lookup failures are answered, as gRPC's own reflection service answers
// them, with an error_response (NOT_FOUND for an unknown file, symbol, type
// or extension); the stream itself stays usable. A request that asks for
// nothing gets INVALID_ARGUMENT.

#ifndef GATEWAY_REFLECTION_REQUEST_HANDLER_H_
#define GATEWAY_REFLECTION_REQUEST_HANDLER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/reflection/descriptor_index.h"

namespace gateway::reflection {
namespace request_handler_internal {

// Puts `files` in `response`'s file_descriptor_response; returns their error.
template <typename Response>
absl::Status AddFiles(const absl::StatusOr<DescriptorIndex::Files>& files,
                      Response& response) {
  if (!files.ok()) return files.status();
  auto* answer = response.mutable_file_descriptor_response();
  for (absl::string_view file : *files) {
    answer->add_file_descriptor_proto(file.data(), file.size());
  }
  return absl::OkStatus();
}

}  // namespace request_handler_internal

// Fills `response` (cleared first) with the answer to `request`: the files
// the index finds, the extension numbers, or `services` for list_services;
// with valid_host and original_request echoing the request. `Request` and
// `Response` are ServerReflectionRequest and ServerReflectionResponse of
// either grpc.reflection.v1 or grpc.reflection.v1alpha.
template <typename Request, typename Response>
void AnswerReflectionRequest(const DescriptorIndex& index,
                             const std::vector<std::string>& services,
                             const Request& request, Response& response) {
  response.Clear();
  response.set_valid_host(request.host());
  *response.mutable_original_request() = request;

  using request_handler_internal::AddFiles;
  absl::Status status;
  switch (request.message_request_case()) {
    case Request::kFileByFilename:
      status =
          AddFiles(index.FileByFilename(request.file_by_filename()), response);
      break;
    case Request::kFileContainingSymbol:
      status =
          AddFiles(index.FileContainingSymbol(request.file_containing_symbol()),
                   response);
      break;
    case Request::kFileContainingExtension:
      status =
          AddFiles(index.FileContainingExtension(
                       request.file_containing_extension().containing_type(),
                       request.file_containing_extension().extension_number()),
                   response);
      break;
    case Request::kAllExtensionNumbersOfType: {
      const std::string& type = request.all_extension_numbers_of_type();
      absl::StatusOr<std::vector<int>> numbers = index.ExtensionNumbers(type);
      if (numbers.ok()) {
        auto* answer = response.mutable_all_extension_numbers_response();
        answer->set_base_type_name(type);
        for (int number : *numbers) answer->add_extension_number(number);
      }
      status = numbers.status();
      break;
    }
    case Request::kListServices: {
      auto* answer = response.mutable_list_services_response();
      for (const std::string& service : services) {
        answer->add_service()->set_name(service);
      }
      break;
    }
    case Request::MESSAGE_REQUEST_NOT_SET:
      status = absl::InvalidArgumentError(
          "the request sets none of file_by_filename, file_containing_symbol, "
          "file_containing_extension, all_extension_numbers_of_type and "
          "list_services");
      break;
  }
  if (!status.ok()) {
    auto* error = response.mutable_error_response();
    // absl::StatusCode and grpc::StatusCode share their numbers.
    error->set_error_code(static_cast<int>(status.code()));
    error->set_error_message(std::string(status.message()));
  }
}

}  // namespace gateway::reflection

#endif  // GATEWAY_REFLECTION_REQUEST_HANDLER_H_
