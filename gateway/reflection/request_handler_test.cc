#include "gateway/reflection/request_handler.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/reflection/descriptor_index.h"
#include "gateway/reflection/embedded_descriptor_set.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/text_format.h"
#include "grpc/reflection/v1/reflection.pb.h"
#include "grpc/reflection/v1alpha/reflection.pb.h"
#include "grpcpp/support/status.h"
#include "gtest/gtest.h"

namespace gateway::reflection {
namespace {

using ::google::protobuf::FileDescriptorProto;
using ::google::protobuf::SourceCodeInfo;
using ::grpc::reflection::v1::ServerReflectionRequest;
using ::grpc::reflection::v1::ServerReflectionResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kUploadTokensProto[] =
    "apivideo/uploadtokens/v1/upload_tokens.proto";

// A set with extensions and a diamond of imports: top.proto imports ext.proto
// and base.proto, and ext.proto imports base.proto.
constexpr char kExtensionSet[] = R"pb(
  file {
    name: "test/base.proto"
    package: "test"
    syntax: "proto2"
    message_type {
      name: "Base"
      extension_range { start: 100 end: 200 }
    }
    message_type { name: "Plain" }
  }
  file {
    name: "test/ext.proto"
    package: "test.ext"
    syntax: "proto2"
    dependency: "test/base.proto"
    extension {
      name: "note"
      number: 150
      label: LABEL_OPTIONAL
      type: TYPE_STRING
      extendee: ".test.Base"
    }
    extension {
      name: "flag"
      number: 101
      label: LABEL_OPTIONAL
      type: TYPE_BOOL
      extendee: ".test.Base"
    }
  }
  file {
    name: "test/top.proto"
    package: "test.top"
    syntax: "proto2"
    dependency: "test/ext.proto"
    dependency: "test/base.proto"
    message_type {
      name: "Top"
      field {
        name: "base"
        number: 1
        label: LABEL_OPTIONAL
        type: TYPE_MESSAGE
        type_name: ".test.Base"
      }
    }
  }
)pb";

ServerReflectionResponse Answer(const DescriptorIndex& index,
                                const ServerReflectionRequest& request,
                                const std::vector<std::string>& services = {}) {
  ServerReflectionResponse response;
  AnswerReflectionRequest(index, services, request, response);
  return response;
}

// The parsed files of a file_descriptor_response, in the order sent.
std::vector<FileDescriptorProto> Files(
    const ServerReflectionResponse& response) {
  std::vector<FileDescriptorProto> files;
  for (const std::string& bytes :
       response.file_descriptor_response().file_descriptor_proto()) {
    FileDescriptorProto file;
    EXPECT_TRUE(file.ParseFromString(bytes));
    files.push_back(std::move(file));
  }
  return files;
}

std::vector<std::string> FileNames(const ServerReflectionResponse& response) {
  std::vector<std::string> names;
  for (const FileDescriptorProto& file : Files(response)) {
    names.push_back(file.name());
  }
  return names;
}

ServerReflectionRequest SymbolRequest(absl::string_view symbol) {
  ServerReflectionRequest request;
  request.set_file_containing_symbol(std::string(symbol));
  return request;
}

ServerReflectionRequest FileRequest(absl::string_view filename) {
  ServerReflectionRequest request;
  request.set_file_by_filename(std::string(filename));
  return request;
}

ServerReflectionRequest ExtensionRequest(absl::string_view containing_type,
                                         int number) {
  ServerReflectionRequest request;
  auto& extension = *request.mutable_file_containing_extension();
  extension.set_containing_type(std::string(containing_type));
  extension.set_extension_number(number);
  return request;
}

ServerReflectionRequest ExtensionNumbersRequest(absl::string_view type) {
  ServerReflectionRequest request;
  request.set_all_extension_numbers_of_type(std::string(type));
  return request;
}

// Matches an error_response with that code.
::testing::Matcher<ServerReflectionResponse> IsError(grpc::StatusCode code) {
  return ::testing::AllOf(
      ::testing::Property("has_error_response",
                          &ServerReflectionResponse::has_error_response, true),
      ::testing::ResultOf(
          "error code",
          [](const ServerReflectionResponse& response) {
            return response.error_response().error_code();
          },
          static_cast<int>(code)));
}

// Matches an all_extension_numbers_response whose numbers match `numbers`.
::testing::Matcher<ServerReflectionResponse> HasExtensionNumbers(
    ::testing::Matcher<std::vector<int>> numbers) {
  return ::testing::AllOf(
      ::testing::Property(
          "has_all_extension_numbers_response",
          &ServerReflectionResponse::has_all_extension_numbers_response, true),
      ::testing::ResultOf(
          "extension numbers",
          [](const ServerReflectionResponse& response) {
            const auto& sent =
                response.all_extension_numbers_response().extension_number();
            return std::vector<int>(sent.begin(), sent.end());
          },
          numbers));
}

// The gateway's own descriptor set, and kExtensionSet.
class RequestHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gateway = DescriptorIndex::Create(EmbeddedDescriptorSet());
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);

    google::protobuf::FileDescriptorSet set;
    ASSERT_TRUE(
        google::protobuf::TextFormat::ParseFromString(kExtensionSet, &set));
    auto extensions = DescriptorIndex::Create(set.SerializeAsString());
    ASSERT_TRUE(extensions.ok()) << extensions.status();
    extensions_ = *std::move(extensions);
  }

  std::unique_ptr<DescriptorIndex> gateway_;
  std::unique_ptr<DescriptorIndex> extensions_;
};

TEST_F(RequestHandlerTest, ListServicesAnswersTheGivenServicesAndEchoes) {
  ServerReflectionRequest request;
  request.set_host("gateway.example:443");
  request.set_list_services("*");
  const ServerReflectionResponse response =
      Answer(*gateway_, request, {"a.One", "b.Two"});
  ASSERT_TRUE(response.has_list_services_response());
  ASSERT_EQ(response.list_services_response().service_size(), 2);
  EXPECT_EQ(response.list_services_response().service(0).name(), "a.One");
  EXPECT_EQ(response.list_services_response().service(1).name(), "b.Two");
  EXPECT_EQ(response.valid_host(), "gateway.example:443");
  EXPECT_EQ(response.original_request().SerializeAsString(),
            request.SerializeAsString());
}

TEST_F(RequestHandlerTest, FileByFilenameSendsTheFileThenItsImports) {
  const ServerReflectionResponse response =
      Answer(*gateway_, FileRequest(kUploadTokensProto));
  EXPECT_THAT(FileNames(response),
              ElementsAre(kUploadTokensProto, "google/protobuf/empty.proto",
                          "google/protobuf/timestamp.proto"));
  EXPECT_EQ(response.original_request().file_by_filename(), kUploadTokensProto);
}

TEST_F(RequestHandlerTest, SharedImportsAreSentOnce) {
  EXPECT_THAT(
      FileNames(Answer(*extensions_, FileRequest("test/top.proto"))),
      ElementsAre("test/top.proto", "test/ext.proto", "test/base.proto"));
}

TEST_F(RequestHandlerTest, FileContainingSymbolFindsEveryKindOfSymbol) {
  const struct {
    const char* symbol;
    const char* file;
  } cases[] = {
      {"apivideo.uploadtokens.v1.UploadTokenService", kUploadTokensProto},
      {"apivideo.uploadtokens.v1.UploadTokenService.CreateUploadToken",
       kUploadTokensProto},
      {"apivideo.uploadtokens.v1.UploadToken", kUploadTokensProto},
      {"apivideo.uploadtokens.v1.UploadToken.created_at", kUploadTokensProto},
      {"grpc.health.v1.HealthCheckResponse.ServingStatus",
       "grpc/health/v1/health.proto"},
      {"grpc.health.v1.HealthCheckResponse.SERVING",
       "grpc/health/v1/health.proto"},
      {"grpc.reflection.v1.ServerReflectionRequest.message_request",
       "grpc/reflection/v1/reflection.proto"},
      {"grpc.reflection.v1alpha.ServerReflection",
       "grpc/reflection/v1alpha/reflection.proto"},
      {"google.rpc.ErrorInfo", "google/rpc/error_details.proto"},
      {"google.protobuf.Timestamp", "google/protobuf/timestamp.proto"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.symbol);
    const ServerReflectionResponse response =
        Answer(*gateway_, SymbolRequest(c.symbol));
    ASSERT_TRUE(response.has_file_descriptor_response())
        << response.error_response().error_message();
    EXPECT_EQ(FileNames(response).front(), c.file);
  }
}

TEST_F(RequestHandlerTest, UnknownSymbolIsNotFound) {
  for (const char* symbol :
       {"apivideo.uploadtokens.v1.NoSuchThing", "UploadToken",
        ".apivideo.uploadtokens.v1.UploadToken", ""}) {
    SCOPED_TRACE(symbol);
    const ServerReflectionResponse response =
        Answer(*gateway_, SymbolRequest(symbol));
    EXPECT_THAT(response, IsError(grpc::StatusCode::NOT_FOUND));
    EXPECT_EQ(response.original_request().file_containing_symbol(), symbol);
  }
}

TEST_F(RequestHandlerTest, UnknownFileIsNotFound) {
  const ServerReflectionResponse response =
      Answer(*gateway_, FileRequest("upload_tokens.proto"));
  EXPECT_THAT(response, IsError(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(response.error_response().error_message(),
              HasSubstr("upload_tokens.proto"));
}

TEST_F(RequestHandlerTest, FileContainingExtension) {
  EXPECT_THAT(
      FileNames(Answer(*extensions_, ExtensionRequest("test.Base", 150))),
      ElementsAre("test/ext.proto", "test/base.proto"));
  // A number without an extension, and a type that does not exist.
  EXPECT_THAT(Answer(*extensions_, ExtensionRequest("test.Base", 102)),
              IsError(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Answer(*extensions_, ExtensionRequest("test.Nope", 150)),
              IsError(grpc::StatusCode::NOT_FOUND));
}

TEST_F(RequestHandlerTest, AllExtensionNumbersOfType) {
  const ServerReflectionResponse response =
      Answer(*extensions_, ExtensionNumbersRequest("test.Base"));
  EXPECT_THAT(response, HasExtensionNumbers(ElementsAre(101, 150)));
  EXPECT_EQ(response.all_extension_numbers_response().base_type_name(),
            "test.Base");

  EXPECT_THAT(Answer(*extensions_, ExtensionNumbersRequest("test.Plain")),
              HasExtensionNumbers(IsEmpty()));
  EXPECT_THAT(Answer(*extensions_, ExtensionNumbersRequest("test.Nope")),
              IsError(grpc::StatusCode::NOT_FOUND));
}

TEST_F(RequestHandlerTest, GatewaySetHasNoExtensions) {
  constexpr char kUploadToken[] = "apivideo.uploadtokens.v1.UploadToken";
  EXPECT_THAT(Answer(*gateway_, ExtensionNumbersRequest(kUploadToken)),
              HasExtensionNumbers(IsEmpty()));
  EXPECT_THAT(Answer(*gateway_, ExtensionRequest(kUploadToken, 100)),
              IsError(grpc::StatusCode::NOT_FOUND));
}

TEST_F(RequestHandlerTest, EmptyRequestIsInvalidArgument) {
  ServerReflectionRequest request;
  request.set_host("h");
  const ServerReflectionResponse response = Answer(*gateway_, request);
  EXPECT_THAT(response, IsError(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(response.valid_host(), "h");
}

TEST_F(RequestHandlerTest, ReusedResponseKeepsNothingOfThePreviousAnswer) {
  ServerReflectionResponse response;
  AnswerReflectionRequest(*gateway_, {}, SymbolRequest("google.rpc.Status"),
                          response);
  ASSERT_TRUE(response.has_file_descriptor_response());
  AnswerReflectionRequest(
      *gateway_, {}, ExtensionNumbersRequest("google.rpc.Status"), response);
  EXPECT_FALSE(response.has_file_descriptor_response());
  EXPECT_FALSE(response.original_request().has_file_containing_symbol());
}

// The comments of upload_tokens.proto are served: what `grpcurl describe`
// shows.
TEST_F(RequestHandlerTest, UploadTokensProtoIsServedWithItsComments) {
  const ServerReflectionResponse response = Answer(
      *gateway_,
      SymbolRequest(
          "apivideo.uploadtokens.v1.UploadTokenService.CreateUploadToken"));
  std::vector<FileDescriptorProto> files = Files(response);
  ASSERT_FALSE(files.empty());
  const FileDescriptorProto& file = files.front();
  ASSERT_EQ(file.service_size(), 1);
  ASSERT_EQ(file.service(0).method(0).name(), "CreateUploadToken");
  // FileDescriptorProto.service = 6, ServiceDescriptorProto.method = 2.
  const std::vector<int> service_path = {6, 0};
  const std::vector<int> method_path = {6, 0, 2, 0};
  std::string service_comment;
  std::string method_comment;
  for (const SourceCodeInfo::Location& location :
       file.source_code_info().location()) {
    std::vector<int> path(location.path().begin(), location.path().end());
    if (path == service_path) service_comment = location.leading_comments();
    if (path == method_path) method_comment = location.leading_comments();
  }
  EXPECT_THAT(service_comment, HasSubstr("Manages api.video upload tokens."));
  EXPECT_THAT(method_comment,
              HasSubstr("Creates an upload token (POST /upload-tokens)."));

  // The pool built from the served files gives the same comment, as a
  // client's would.
  const auto* method = gateway_->pool().FindMethodByName(
      "apivideo.uploadtokens.v1.UploadTokenService.CreateUploadToken");
  ASSERT_NE(method, nullptr);
  google::protobuf::SourceLocation location;
  ASSERT_TRUE(method->GetSourceLocation(&location));
  EXPECT_THAT(location.leading_comments, HasSubstr("safe to retry"));
}

// v1alpha has the same messages in another package: same answer, same bytes.
TEST_F(RequestHandlerTest, V1AlphaIsAnsweredLikeV1) {
  ServerReflectionRequest request = SymbolRequest("grpc.health.v1.Health");
  request.set_host("h");
  grpc::reflection::v1alpha::ServerReflectionRequest alpha_request;
  ASSERT_TRUE(alpha_request.ParseFromString(request.SerializeAsString()));
  grpc::reflection::v1alpha::ServerReflectionResponse alpha_response;
  AnswerReflectionRequest(*gateway_, {}, alpha_request, alpha_response);
  EXPECT_EQ(alpha_response.SerializeAsString(),
            Answer(*gateway_, request).SerializeAsString());
  EXPECT_EQ(
      alpha_response.file_descriptor_response().file_descriptor_proto_size(),
      1);
}

}  // namespace
}  // namespace gateway::reflection
