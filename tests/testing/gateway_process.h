// The gateway binary (build/bin/upload_token_gateway) as a child process,
// and a gRPC stub connected to it.

#ifndef TESTS_TESTING_GATEWAY_PROCESS_H_
#define TESTS_TESTING_GATEWAY_PROCESS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "tests/testing/subprocess.h"

namespace testing_support {

class GatewayProcess {
 public:
  // Starts the gateway on 127.0.0.1 with a free port, calling `api_base_url`
  // with `api_key` (passed through APIVIDEO_API_KEY), health probes off.
  // `extra_flags` are appended to the command line, so they win.
  static absl::StatusOr<std::unique_ptr<GatewayProcess>> Start(
      const std::string& api_base_url, const std::string& api_key,
      std::vector<std::string> extra_flags = {});

  // "127.0.0.1:PORT"
  const std::string& address() const { return address_; }
  Subprocess& process() { return *process_; }

  // A plaintext channel, or one with `credentials` and `args`.
  std::shared_ptr<grpc::Channel> NewChannel() const;
  std::shared_ptr<grpc::Channel> NewChannel(
      std::shared_ptr<grpc::ChannelCredentials> credentials,
      const grpc::ChannelArguments& args) const;
  std::unique_ptr<apivideo::uploadtokens::v1::UploadTokenService::Stub>
  NewStub() const;

 private:
  GatewayProcess(std::unique_ptr<Subprocess> process, std::string address);

  std::unique_ptr<Subprocess> process_;
  std::string address_;
};

}  // namespace testing_support

#endif  // TESTS_TESTING_GATEWAY_PROCESS_H_
