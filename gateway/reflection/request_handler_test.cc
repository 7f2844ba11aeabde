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

std::unique_ptr<DescriptorIndex> GatewayIndex() {
  auto index = DescriptorIndex::Create(EmbeddedDescriptorSet());
  EXPECT_TRUE(index.ok()) << index.status();
  return index.ok() ? *std::move(index) : nullptr;
}

std::unique_ptr<DescriptorIndex> ExtensionIndex() {
  google::protobuf::FileDescriptorSet set;
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(kExtensionSet, &set));
  auto index = DescriptorIndex::Create(set.SerializeAsString());
  EXPECT_TRUE(index.ok()) << index.status();
  return index.ok() ? *std::move(index) : nullptr;
}

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

TEST(RequestHandlerTest, ListServicesAnswersTheGivenServicesAndEchoes) {
  auto index = GatewayIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionRequest request;
  request.set_host("gateway.example:443");
  request.set_list_services("*");
  ServerReflectionResponse response =
      Answer(*index, request, {"a.One", "b.Two"});
  ASSERT_TRUE(response.has_list_services_response());
  ASSERT_EQ(response.list_services_response().service_size(), 2);
  EXPECT_EQ(response.list_services_response().service(0).name(), "a.One");
  EXPECT_EQ(response.list_services_response().service(1).name(), "b.Two");
  EXPECT_EQ(response.valid_host(), "gateway.example:443");
  EXPECT_EQ(response.original_request().SerializeAsString(),
            request.SerializeAsString());
}

TEST(RequestHandlerTest, FileByFilenameSendsTheFileThenItsImports) {
  auto index = GatewayIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionRequest request;
  request.set_file_by_filename(kUploadTokensProto);
  ServerReflectionResponse response = Answer(*index, request);
  EXPECT_THAT(FileNames(response),
              ElementsAre(kUploadTokensProto, "google/protobuf/empty.proto",
                          "google/protobuf/timestamp.proto"));
  EXPECT_EQ(response.original_request().file_by_filename(), kUploadTokensProto);
}

TEST(RequestHandlerTest, SharedImportsAreSentOnce) {
  auto index = ExtensionIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionRequest request;
  request.set_file_by_filename("test/top.proto");
  EXPECT_THAT(
      FileNames(Answer(*index, request)),
      ElementsAre("test/top.proto", "test/ext.proto", "test/base.proto"));
}

TEST(RequestHandlerTest, FileContainingSymbolFindsEveryKindOfSymbol) {
  auto index = GatewayIndex();
  ASSERT_NE(index, nullptr);
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
    ServerReflectionResponse response = Answer(*index, SymbolRequest(c.symbol));
    ASSERT_TRUE(response.has_file_descriptor_response())
        << response.error_response().error_message();
    EXPECT_EQ(FileNames(response).front(), c.file);
  }
}

TEST(RequestHandlerTest, UnknownSymbolIsNotFound) {
  auto index = GatewayIndex();
  ASSERT_NE(index, nullptr);
  for (const char* symbol :
       {"apivideo.uploadtokens.v1.NoSuchThing", "UploadToken",
        ".apivideo.uploadtokens.v1.UploadToken", ""}) {
    SCOPED_TRACE(symbol);
    ServerReflectionResponse response = Answer(*index, SymbolRequest(symbol));
    ASSERT_TRUE(response.has_error_response());
    EXPECT_EQ(response.error_response().error_code(),
              static_cast<int>(grpc::StatusCode::NOT_FOUND));
    EXPECT_EQ(response.original_request().file_containing_symbol(), symbol);
  }
}

TEST(RequestHandlerTest, UnknownFileIsNotFound) {
  auto index = GatewayIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionRequest request;
  request.set_file_by_filename("upload_tokens.proto");
  ServerReflectionResponse response = Answer(*index, request);
  ASSERT_TRUE(response.has_error_response());
  EXPECT_EQ(response.error_response().error_code(),
            static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(response.error_response().error_message(),
              HasSubstr("upload_tokens.proto"));
}

TEST(RequestHandlerTest, FileContainingExtension) {
  auto index = ExtensionIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionRequest request;
  request.mutable_file_containing_extension()->set_containing_type("test.Base");
  request.mutable_file_containing_extension()->set_extension_number(150);
  EXPECT_THAT(FileNames(Answer(*index, request)),
              ElementsAre("test/ext.proto", "test/base.proto"));

  // A number without an extension, and a type that does not exist.
  request.mutable_file_containing_extension()->set_extension_number(102);
  ServerReflectionResponse response = Answer(*index, request);
  EXPECT_EQ(response.error_response().error_code(),
            static_cast<int>(grpc::StatusCode::NOT_FOUND));
  request.mutable_file_containing_extension()->set_containing_type("test.Nope");
  request.mutable_file_containing_extension()->set_extension_number(150);
  response = Answer(*index, request);
  EXPECT_EQ(response.error_response().error_code(),
            static_cast<int>(grpc::StatusCode::NOT_FOUND));
}

TEST(RequestHandlerTest, AllExtensionNumbersOfType) {
  auto index = ExtensionIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionRequest request;
  request.set_all_extension_numbers_of_type("test.Base");
  ServerReflectionResponse response = Answer(*index, request);
  ASSERT_TRUE(response.has_all_extension_numbers_response());
  EXPECT_EQ(response.all_extension_numbers_response().base_type_name(),
            "test.Base");
  EXPECT_THAT(response.all_extension_numbers_response().extension_number(),
              ElementsAre(101, 150));

  request.set_all_extension_numbers_of_type("test.Plain");
  response = Answer(*index, request);
  ASSERT_TRUE(response.has_all_extension_numbers_response());
  EXPECT_THAT(response.all_extension_numbers_response().extension_number(),
              IsEmpty());

  request.set_all_extension_numbers_of_type("test.Nope");
  response = Answer(*index, request);
  ASSERT_TRUE(response.has_error_response());
  EXPECT_EQ(response.error_response().error_code(),
            static_cast<int>(grpc::StatusCode::NOT_FOUND));
}

TEST(RequestHandlerTest, GatewaySetHasNoExtensions) {
  auto index = GatewayIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionRequest request;
  request.set_all_extension_numbers_of_type(
      "apivideo.uploadtokens.v1.UploadToken");
  ServerReflectionResponse response = Answer(*index, request);
  ASSERT_TRUE(response.has_all_extension_numbers_response());
  EXPECT_THAT(response.all_extension_numbers_response().extension_number(),
              IsEmpty());
  request.mutable_file_containing_extension()->set_containing_type(
      "apivideo.uploadtokens.v1.UploadToken");
  request.mutable_file_containing_extension()->set_extension_number(100);
  EXPECT_EQ(Answer(*index, request).error_response().error_code(),
            static_cast<int>(grpc::StatusCode::NOT_FOUND));
}

TEST(RequestHandlerTest, EmptyRequestIsInvalidArgument) {
  auto index = GatewayIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionRequest request;
  request.set_host("h");
  ServerReflectionResponse response = Answer(*index, request);
  ASSERT_TRUE(response.has_error_response());
  EXPECT_EQ(response.error_response().error_code(),
            static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(response.valid_host(), "h");
}

TEST(RequestHandlerTest, ReusedResponseKeepsNothingOfThePreviousAnswer) {
  auto index = GatewayIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionResponse response;
  AnswerReflectionRequest(*index, {}, SymbolRequest("google.rpc.Status"),
                          response);
  ASSERT_TRUE(response.has_file_descriptor_response());
  ServerReflectionRequest request;
  request.set_all_extension_numbers_of_type("google.rpc.Status");
  AnswerReflectionRequest(*index, {}, request, response);
  EXPECT_FALSE(response.has_file_descriptor_response());
  EXPECT_FALSE(response.original_request().has_file_containing_symbol());
}

// The comments of upload_tokens.proto are served: what `grpcurl describe`
// shows.
TEST(RequestHandlerTest, UploadTokensProtoIsServedWithItsComments) {
  auto index = GatewayIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionResponse response = Answer(
      *index,
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
  const auto* method = index->pool().FindMethodByName(
      "apivideo.uploadtokens.v1.UploadTokenService.CreateUploadToken");
  ASSERT_NE(method, nullptr);
  google::protobuf::SourceLocation location;
  ASSERT_TRUE(method->GetSourceLocation(&location));
  EXPECT_THAT(location.leading_comments, HasSubstr("Not idempotent"));
}

// v1alpha has the same messages in another package: same answer, same bytes.
TEST(RequestHandlerTest, V1AlphaIsAnsweredLikeV1) {
  auto index = GatewayIndex();
  ASSERT_NE(index, nullptr);
  ServerReflectionRequest request = SymbolRequest("grpc.health.v1.Health");
  request.set_host("h");
  grpc::reflection::v1alpha::ServerReflectionRequest alpha_request;
  ASSERT_TRUE(alpha_request.ParseFromString(request.SerializeAsString()));
  grpc::reflection::v1alpha::ServerReflectionResponse alpha_response;
  AnswerReflectionRequest(*index, {}, alpha_request, alpha_response);
  EXPECT_EQ(alpha_response.SerializeAsString(),
            Answer(*index, request).SerializeAsString());
  EXPECT_EQ(
      alpha_response.file_descriptor_response().file_descriptor_proto_size(),
      1);
}

}  // namespace
}  // namespace gateway::reflection
