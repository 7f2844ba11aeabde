#include "tests/testing/gateway_process.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tests/testing/emulator_process.h"

namespace testing_support {

absl::StatusOr<std::unique_ptr<GatewayProcess>> GatewayProcess::Start(
    const std::string& api_base_url, const std::string& api_key,
    std::vector<std::string> extra_flags) {
  std::vector<std::string> argv = {
      absl::StrCat(BinaryDir(), "/upload_token_gateway"),
      "--listen=127.0.0.1:0", absl::StrCat("--api_base_url=", api_base_url),
      // No background probes unless a test asks (a later flag wins): they
      // would add upstream requests that tests count.
      "--health_probe_interval=0"};
  for (std::string& flag : extra_flags) argv.push_back(std::move(flag));
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      Subprocess::Start(std::move(argv), {{"APIVIDEO_API_KEY", api_key}});
  if (!process.ok()) return process.status();
  absl::StatusOr<std::string> address =
      (*process)->WaitForLine("listening on ([^\\s\"]+)", absl::Seconds(20));
  if (!address.ok()) return address.status();
  return std::unique_ptr<GatewayProcess>(
      new GatewayProcess(*std::move(process), *address));
}

GatewayProcess::GatewayProcess(std::unique_ptr<Subprocess> process,
                               std::string address)
    : process_(std::move(process)), address_(std::move(address)) {}

std::shared_ptr<grpc::Channel> GatewayProcess::NewChannel() const {
  return grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> GatewayProcess::NewChannel(
    std::shared_ptr<grpc::ChannelCredentials> credentials,
    const grpc::ChannelArguments& args) const {
  return grpc::CreateCustomChannel(address_, std::move(credentials), args);
}

std::unique_ptr<apivideo::uploadtokens::v1::UploadTokenService::Stub>
GatewayProcess::NewStub() const {
  return apivideo::uploadtokens::v1::UploadTokenService::NewStub(NewChannel());
}

}  // namespace testing_support
