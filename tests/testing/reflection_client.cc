#include "tests/testing/reflection_client.h"

#include <chrono>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "grpcpp/support/stub_options.h"

namespace testing_support {
namespace {

namespace v1 = ::grpc::reflection::v1;
namespace v1alpha = ::grpc::reflection::v1alpha;
using ::google::protobuf::Descriptor;
using ::google::protobuf::FileDescriptorProto;
using ::google::protobuf::Message;
using ::google::protobuf::MethodDescriptor;
using ::google::protobuf::ServiceDescriptor;

std::chrono::system_clock::time_point Deadline(absl::Duration timeout) {
  return std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout);
}

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

// Sends `request` on a ServerReflectionInfo stream of its own and returns the
// answer. Both versions of the protocol have the same wire format, so the v1
// messages stand for both.
template <typename Api, typename Request, typename Response>
absl::StatusOr<v1::ServerReflectionResponse> ExchangeAs(
    const std::shared_ptr<grpc::Channel>& channel,
    const v1::ServerReflectionRequest& request, absl::Duration timeout) {
  auto stub = Api::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(Deadline(timeout));
  auto stream = stub->ServerReflectionInfo(&context);
  Request wire_request;
  wire_request.ParseFromString(request.SerializeAsString());
  Response wire_response;
  const bool answered =
      stream->Write(wire_request) && stream->Read(&wire_response);
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  if (!status.ok()) return FromGrpc(status, "server reflection");
  if (!answered) {
    return absl::UnknownError("server reflection: the stream ended unanswered");
  }
  v1::ServerReflectionResponse response;
  if (!response.ParseFromString(wire_response.SerializeAsString())) {
    return absl::InternalError("server reflection: undecodable answer");
  }
  if (response.has_error_response()) {
    return absl::Status(
        static_cast<absl::StatusCode>(response.error_response().error_code()),
        absl::StrCat("server reflection: ",
                     response.error_response().error_message()));
  }
  return response;
}

}  // namespace

// The server's reflection service as a DescriptorDatabase, so that a
// DescriptorPool built on it fetches what it needs the way grpcurl does.
class ReflectionClient::ReflectionDatabase final
    : public google::protobuf::DescriptorDatabase {
 public:
  ReflectionDatabase(std::shared_ptr<grpc::Channel> channel,
                     ReflectionVersion version, absl::Duration timeout)
      : channel_(std::move(channel)), version_(version), timeout_(timeout) {}

  absl::StatusOr<v1::ServerReflectionResponse> Exchange(
      const v1::ServerReflectionRequest& request) {
    if (version_ == ReflectionVersion::kV1Alpha) {
      return ExchangeAs<v1alpha::ServerReflection,
                        v1alpha::ServerReflectionRequest,
                        v1alpha::ServerReflectionResponse>(channel_, request,
                                                           timeout_);
    }
    return ExchangeAs<v1::ServerReflection, v1::ServerReflectionRequest,
                      v1::ServerReflectionResponse>(channel_, request,
                                                    timeout_);
  }

  // The first file of the answer to `request`; all of its files (the first
  // one's imports) are kept for FindFileByName.
  absl::StatusOr<FileDescriptorProto> FetchFiles(
      const v1::ServerReflectionRequest& request) {
    absl::StatusOr<v1::ServerReflectionResponse> response = Exchange(request);
    if (!response.ok()) return response.status();
    const auto& files =
        response->file_descriptor_response().file_descriptor_proto();
    if (files.empty()) {
      return absl::InternalError("server reflection: an answer without files");
    }
    FileDescriptorProto first;
    for (int i = 0; i < files.size(); ++i) {
      FileDescriptorProto file;
      if (!file.ParseFromString(files[i])) {
        return absl::InternalError("server reflection: undecodable file");
      }
      if (i == 0) first = file;
      files_.emplace(file.name(), std::move(file));
    }
    return first;
  }

  bool FindFileByName(const std::string& filename,
                      FileDescriptorProto* output) override {
    auto it = files_.find(filename);
    if (it != files_.end()) {
      *output = it->second;
      return true;
    }
    v1::ServerReflectionRequest request;
    request.set_file_by_filename(filename);
    return Found(FetchFiles(request), output);
  }

  bool FindFileContainingSymbol(const std::string& symbol,
                                FileDescriptorProto* output) override {
    v1::ServerReflectionRequest request;
    request.set_file_containing_symbol(symbol);
    return Found(FetchFiles(request), output);
  }

  bool FindFileContainingExtension(const std::string& containing_type,
                                   int number,
                                   FileDescriptorProto* output) override {
    v1::ServerReflectionRequest request;
    request.mutable_file_containing_extension()->set_containing_type(
        containing_type);
    request.mutable_file_containing_extension()->set_extension_number(number);
    return Found(FetchFiles(request), output);
  }

  bool FindAllExtensionNumbers(const std::string& type,
                               std::vector<int>* output) override {
    v1::ServerReflectionRequest request;
    request.set_all_extension_numbers_of_type(type);
    absl::StatusOr<v1::ServerReflectionResponse> response = Exchange(request);
    if (!response.ok()) return false;
    for (int number :
         response->all_extension_numbers_response().extension_number()) {
      output->push_back(number);
    }
    return true;
  }

 private:
  static bool Found(absl::StatusOr<FileDescriptorProto> file,
                    FileDescriptorProto* output) {
    if (!file.ok()) return false;
    *output = *std::move(file);
    return true;
  }

  const std::shared_ptr<grpc::Channel> channel_;
  const ReflectionVersion version_;
  const absl::Duration timeout_;
  // Every file received, by name.
  std::map<std::string, FileDescriptorProto> files_;
};

ReflectionClient::ReflectionClient(std::shared_ptr<grpc::Channel> channel,
                                   ReflectionVersion version,
                                   absl::Duration timeout)
    : channel_(std::move(channel)),
      timeout_(timeout),
      database_(
          std::make_unique<ReflectionDatabase>(channel_, version, timeout)),
      pool_(database_.get()) {}

ReflectionClient::~ReflectionClient() = default;

absl::StatusOr<std::vector<std::string>> ReflectionClient::ListServices() {
  v1::ServerReflectionRequest request;
  request.set_list_services("");
  absl::StatusOr<v1::ServerReflectionResponse> response =
      database_->Exchange(request);
  if (!response.ok()) return response.status();
  std::vector<std::string> services;
  for (const v1::ServiceResponse& service :
       response->list_services_response().service()) {
    services.push_back(service.name());
  }
  return services;
}

absl::StatusOr<FileDescriptorProto> ReflectionClient::FileContainingSymbol(
    const std::string& symbol) {
  v1::ServerReflectionRequest request;
  request.set_file_containing_symbol(symbol);
  return database_->FetchFiles(request);
}

absl::StatusOr<std::string> ReflectionClient::Describe(
    const std::string& symbol) {
  google::protobuf::DebugStringOptions options;
  options.include_comments = true;
  if (const auto* service = pool_.FindServiceByName(symbol)) {
    return service->DebugStringWithOptions(options);
  }
  if (const auto* method = pool_.FindMethodByName(symbol)) {
    return method->DebugStringWithOptions(options);
  }
  if (const auto* message = pool_.FindMessageTypeByName(symbol)) {
    return message->DebugStringWithOptions(options);
  }
  if (const auto* enum_type = pool_.FindEnumTypeByName(symbol)) {
    return enum_type->DebugStringWithOptions(options);
  }
  if (const auto* field = pool_.FindFieldByName(symbol)) {
    return field->DebugStringWithOptions(options);
  }
  return absl::NotFoundError(absl::StrCat("symbol not found: ", symbol));
}

absl::StatusOr<ReflectionClient::UnaryResult> ReflectionClient::CallUnary(
    absl::string_view method_name, absl::string_view request_json) {
  std::string name(method_name);
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  size_t split = name.rfind('/');
  if (split == std::string::npos) split = name.rfind('.');
  if (split == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a method name: ", method_name));
  }
  const ServiceDescriptor* service =
      pool_.FindServiceByName(name.substr(0, split));
  if (service == nullptr) {
    return absl::NotFoundError(absl::StrCat("no such service: ", method_name));
  }
  const MethodDescriptor* method =
      service->FindMethodByName(name.substr(split + 1));
  if (method == nullptr) {
    return absl::NotFoundError(absl::StrCat("no such method: ", method_name));
  }
  if (method->client_streaming() || method->server_streaming()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a unary method: ", method_name));
  }

  std::unique_ptr<Message> request(
      factory_.GetPrototype(method->input_type())->New());
  auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(request_json.data(), request_json.size()),
      request.get());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("request JSON for ", method->input_type()->full_name(),
                     ": ", parsed.ToString()));
  }
  grpc::Slice request_slice(request->SerializeAsString());
  grpc::ByteBuffer request_buffer(&request_slice, 1);
  grpc::ByteBuffer response_buffer;

  grpc::GenericStub stub(channel_);
  grpc::ClientContext context;
  context.set_deadline(Deadline(timeout_));
  UnaryResult result;
  absl::Notification done;
  stub.UnaryCall(&context,
                 absl::StrCat("/", service->full_name(), "/", method->name()),
                 grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&result, &done](grpc::Status status) {
                   result.status = std::move(status);
                   done.Notify();
                 });
  done.WaitForNotification();

  if (result.status.ok()) {
    std::vector<grpc::Slice> slices;
    if (!response_buffer.Dump(&slices).ok()) {
      return absl::InternalError("cannot read the response");
    }
    std::string bytes;
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    result.response.reset(factory_.GetPrototype(method->output_type())->New());
    if (!result.response->ParseFromString(bytes)) {
      return absl::InternalError(absl::StrCat(
          "the response is not a ", method->output_type()->full_name()));
    }
    auto printed = google::protobuf::util::MessageToJsonString(*result.response,
                                                               &result.json);
    if (!printed.ok()) {
      return absl::InternalError(
          absl::StrCat("response to JSON: ", printed.ToString()));
    }
  } else if (!result.status.error_details().empty()) {
    // grpcurl decodes these with the descriptors the server serves, too.
    const Descriptor* status_type =
        pool_.FindMessageTypeByName("google.rpc.Status");
    if (status_type == nullptr) {
      return absl::NotFoundError(
          "server reflection does not describe google.rpc.Status");
    }
    std::unique_ptr<Message> details(factory_.GetPrototype(status_type)->New());
    if (!details->ParseFromString(result.status.error_details())) {
      return absl::InternalError("undecodable grpc-status-details-bin");
    }
    auto printed = google::protobuf::util::MessageToJsonString(
        *details, &result.error_details_json);
    if (!printed.ok()) {
      return absl::InternalError(
          absl::StrCat("error details to JSON: ", printed.ToString()));
    }
  }
  return result;
}

}  // namespace testing_support
