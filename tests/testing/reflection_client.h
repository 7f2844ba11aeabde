// A grpcurl-like client for tests: it knows nothing of a server's API but
// what server reflection tells it.
//
// ReflectionClient lists services (`grpcurl list`), shows declarations with
// their comments (`grpcurl describe`), and calls unary methods with JSON
// (`grpcurl -d '{...}' ADDRESS pkg.Service/Method`): the descriptors come from
// the server's reflection service into a DescriptorPool of the client's own
// (never the process's generated pool), requests and responses are dynamic
// messages, and calls go through grpc::GenericStub. Error details
// (grpc-status-details-bin) are decoded as google.rpc.Status with the
// descriptors the server serves too.
//
// Example:
//   ReflectionClient client(channel);
//   absl::StatusOr<ReflectionClient::UnaryResult> result =
//       client.CallUnary("pkg.Service/Create", R"({"ttl":3600})");
//   if (result.ok() && result->status.ok()) std::cout << result->json;
//
// Not thread-safe.

#ifndef TESTS_TESTING_REFLECTION_CLIENT_H_
#define TESTS_TESTING_REFLECTION_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace testing_support {

// Which package of the reflection protocol to speak.
enum class ReflectionVersion { kV1, kV1Alpha };

class ReflectionClient {
 public:
  // Every RPC (reflection or call) gets `timeout` as its deadline.
  explicit ReflectionClient(std::shared_ptr<grpc::Channel> channel,
                            ReflectionVersion version = ReflectionVersion::kV1,
                            absl::Duration timeout = absl::Seconds(10));
  ~ReflectionClient();

  ReflectionClient(const ReflectionClient&) = delete;
  ReflectionClient& operator=(const ReflectionClient&) = delete;

  // `grpcurl list`: the names list_services answers, in its order.
  absl::StatusOr<std::vector<std::string>> ListServices();

  // The file declaring `symbol`, exactly as the server sent it (with its
  // source code info, if the server keeps it).
  absl::StatusOr<google::protobuf::FileDescriptorProto> FileContainingSymbol(
      const std::string& symbol);

  // `grpcurl describe SYMBOL`: the .proto declaration of a service, method,
  // message, enum or field, with its comments.
  absl::StatusOr<std::string> Describe(const std::string& symbol);

  // The descriptors, filled from reflection on demand: looking a name up
  // asks the server for the file declaring it (and its imports).
  const google::protobuf::DescriptorPool& pool() const { return pool_; }

  struct UnaryResult {
    grpc::Status status;
    // The response (when status is OK) as a dynamic message of the client's
    // pool (valid while the client lives), and as proto3 JSON.
    std::unique_ptr<google::protobuf::Message> response;
    std::string json;
    // The status's google.rpc.Status details as proto3 JSON, the Any
    // details expanded ("@type": "type.googleapis.com/google.rpc.ErrorInfo",
    // ...); empty when the status carries none.
    std::string error_details_json;
  };

  // `grpcurl -d REQUEST_JSON ADDRESS METHOD`: calls the unary `method`
  // ("pkg.Service/Method" or "pkg.Service.Method") with the request given as
  // proto3 JSON. The returned status is about the client's side (unknown
  // method, malformed JSON, undecodable answer); the RPC's own outcome is in
  // UnaryResult::status.
  absl::StatusOr<UnaryResult> CallUnary(absl::string_view method,
                                        absl::string_view request_json);

 private:
  class ReflectionDatabase;

  std::shared_ptr<grpc::Channel> channel_;
  const absl::Duration timeout_;
  std::unique_ptr<ReflectionDatabase> database_;
  google::protobuf::DescriptorPool pool_;
  google::protobuf::DynamicMessageFactory factory_;
};

}  // namespace testing_support

#endif  // TESTS_TESTING_REFLECTION_CLIENT_H_
