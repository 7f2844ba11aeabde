// Server reflection over the real gateway process: what grpcurl sees. The
// gateway's API is learnt from reflection alone; nothing here uses the
// compiled UploadTokenService stubs or messages.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/reflection_client.h"
#include "tests/testing/refusing_port.h"

namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using ::testing_support::EmulatorProcess;
using ::testing_support::GatewayProcess;
using ::testing_support::ReflectionClient;
using ::testing_support::ReflectionVersion;
using ::testing_support::RefusingPort;

constexpr char kApiKey[] = "reflection-test-key-8c41e0";
constexpr char kService[] = "apivideo.uploadtokens.v1.UploadTokenService";

// Prints a call the way grpcurl would show it, and returns the result.
ReflectionClient::UnaryResult Call(ReflectionClient& client,
                                   const std::string& method,
                                   const std::string& json) {
  absl::StatusOr<ReflectionClient::UnaryResult> result =
      client.CallUnary(absl::StrCat(kService, "/", method), json);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return {};
  std::cout << "$ grpcurl -d '" << json << "' " << kService << "/" << method
            << "\n";
  if (result->status.ok()) {
    std::cout << result->json << "\n";
  } else {
    std::cout << "ERROR: code=" << result->status.error_code()
              << " message=" << result->status.error_message()
              << " details=" << result->error_details_json << "\n";
  }
  return *std::move(result);
}

// The string field `field` of a dynamic message.
std::string StringField(const google::protobuf::Message& message,
                        const std::string& field) {
  const google::protobuf::FieldDescriptor* descriptor =
      message.GetDescriptor()->FindFieldByName(field);
  if (descriptor == nullptr) return "";
  return message.GetReflection()->GetString(message, descriptor);
}

TEST(ReflectionTest, V1AndV1AlphaListTheServices) {
  auto refusing = RefusingPort::Open();
  ASSERT_TRUE(refusing.ok()) << refusing.status();
  auto gateway = GatewayProcess::Start((*refusing)->url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  for (ReflectionVersion version :
       {ReflectionVersion::kV1, ReflectionVersion::kV1Alpha}) {
    SCOPED_TRACE(version == ReflectionVersion::kV1 ? "v1" : "v1alpha");
    ReflectionClient client((*gateway)->NewChannel(), version);
    absl::StatusOr<std::vector<std::string>> services = client.ListServices();
    ASSERT_TRUE(services.ok()) << services.status();
    EXPECT_THAT(*services, UnorderedElementsAre(
                               kService, "grpc.health.v1.Health",
                               "grpc.reflection.v1.ServerReflection",
                               "grpc.reflection.v1alpha.ServerReflection"));
    // Every listed service can be described.
    for (const std::string& service : *services) {
      EXPECT_NE(client.pool().FindServiceByName(service), nullptr) << service;
    }
  }
}

TEST(ReflectionTest, DescribeShowsTheProtoComments) {
  auto refusing = RefusingPort::Open();
  ASSERT_TRUE(refusing.ok()) << refusing.status();
  auto gateway = GatewayProcess::Start((*refusing)->url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  ReflectionClient client((*gateway)->NewChannel());

  absl::StatusOr<std::string> service = client.Describe(kService);
  ASSERT_TRUE(service.ok()) << service.status();
  std::cout << "$ grpcurl describe " << kService << "\n" << *service << "\n";
  EXPECT_THAT(*service,
              AllOf(HasSubstr("Manages api.video upload tokens."),
                    HasSubstr("Creates an upload token (POST /upload-tokens)."),
                    HasSubstr("rpc CreateUploadToken")));

  absl::StatusOr<std::string> request =
      client.Describe("apivideo.uploadtokens.v1.CreateUploadTokenRequest");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(*request, HasSubstr("Seconds until the new token expires"));

  // The comments travel as source_code_info in the served file.
  absl::StatusOr<google::protobuf::FileDescriptorProto> file =
      client.FileContainingSymbol(kService);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->name(), "apivideo/uploadtokens/v1/upload_tokens.proto");
  EXPECT_GT(file->source_code_info().location_size(), 0);
  const google::protobuf::MethodDescriptor* method =
      client.pool().FindMethodByName(absl::StrCat(kService, ".GetUploadToken"));
  ASSERT_NE(method, nullptr);
  google::protobuf::SourceLocation location;
  ASSERT_TRUE(method->GetSourceLocation(&location));
  EXPECT_THAT(location.leading_comments, HasSubstr("NOT_FOUND"));

  // grpc.health.v1 is described too.
  absl::StatusOr<std::string> health = client.Describe("grpc.health.v1.Health");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_THAT(*health, HasSubstr("rpc Check"));
}

TEST(ReflectionTest, UnknownSymbolIsNotFound) {
  auto refusing = RefusingPort::Open();
  ASSERT_TRUE(refusing.ok()) << refusing.status();
  auto gateway = GatewayProcess::Start((*refusing)->url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  ReflectionClient client((*gateway)->NewChannel());
  absl::StatusOr<google::protobuf::FileDescriptorProto> file =
      client.FileContainingSymbol("apivideo.uploadtokens.v1.Nothing");
  EXPECT_EQ(file.status().code(), absl::StatusCode::kNotFound);
}

// grpcurl's whole round trip: create, get, list, delete, and get again.
TEST(ReflectionTest, CallsTheServiceWithReflectionOnly) {
  auto emulator = EmulatorProcess::Start(kApiKey);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  auto gateway = GatewayProcess::Start((*emulator)->base_url(), kApiKey);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  ReflectionClient client((*gateway)->NewChannel());

  ReflectionClient::UnaryResult created =
      Call(client, "CreateUploadToken", R"({"ttl":3600})");
  ASSERT_TRUE(created.status.ok()) << created.status.error_message();
  ASSERT_NE(created.response, nullptr);
  EXPECT_EQ(created.response->GetDescriptor()->full_name(),
            "apivideo.uploadtokens.v1.UploadToken");
  const std::string token = StringField(*created.response, "token");
  ASSERT_FALSE(token.empty());
  EXPECT_THAT(created.json,
              AllOf(HasSubstr(R"("ttl":3600)"), HasSubstr(R"("createdAt":")"),
                    HasSubstr(R"("expiresAt":")")));

  const std::string token_json = absl::StrCat(R"({"token":")", token, R"("})");
  ReflectionClient::UnaryResult got =
      Call(client, "GetUploadToken", token_json);
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  EXPECT_EQ(got.json, created.json);

  ReflectionClient::UnaryResult listed =
      Call(client, "ListUploadTokens", R"({"pageSize":100})");
  ASSERT_TRUE(listed.status.ok()) << listed.status.error_message();
  EXPECT_THAT(listed.json,
              AllOf(HasSubstr(absl::StrCat(R"("token":")", token, R"(")")),
                    HasSubstr(R"("totalSize":1)")));

  ReflectionClient::UnaryResult deleted =
      Call(client, "DeleteUploadToken", token_json);
  ASSERT_TRUE(deleted.status.ok()) << deleted.status.error_message();
  EXPECT_EQ(deleted.json, "{}");

  ReflectionClient::UnaryResult gone =
      Call(client, "GetUploadToken", token_json);
  EXPECT_EQ(gone.status.error_code(), grpc::StatusCode::NOT_FOUND);
  // The google.rpc.Status details, decoded with served descriptors only.
  EXPECT_THAT(
      gone.error_details_json,
      AllOf(
          HasSubstr(R"("@type":"type.googleapis.com/google.rpc.ErrorInfo")"),
          HasSubstr(R"("reason":"RESOURCE_NOT_FOUND")"),
          HasSubstr(R"("domain":"api.video")"),
          HasSubstr(R"("@type":"type.googleapis.com/google.rpc.ResourceInfo")"),
          HasSubstr(absl::StrCat(R"("resourceName":")", token, R"(")"))));

  // Malformed JSON is refused before anything is sent, as grpcurl does.
  EXPECT_FALSE(
      client.CallUnary(absl::StrCat(kService, "/CreateUploadToken"), "{ttl:")
          .ok());
}

}  // namespace
