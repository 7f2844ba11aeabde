// An in-process UploadTokenService on a real loopback port, for the client's
// unit tests: each method answers with what the test scripted, and every call
// is recorded (request, metadata, deadline) for the test to check.
#ifndef UPLOAD_TOKEN_CLIENT_TESTING_FAKE_GATEWAY_H_
#define UPLOAD_TOKEN_CLIENT_TESTING_FAKE_GATEWAY_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "apivideo/uploadtokens/v1/upload_tokens.grpc.pb.h"

namespace upload_token_client::testing {

namespace v1 = ::apivideo::uploadtokens::v1;

// One call as the fake saw it.
struct RecordedCall {
  std::string method;   // "Create", "Get", "List", "Delete", "Purge"
  std::string request;  // the request's text format
  std::multimap<std::string, std::string> metadata;
  std::chrono::system_clock::time_point deadline;
};

// What a scripted answer does: set `response` or return an error; it may
// add metadata to `context`.
template <typename Response>
using Answer = std::function<grpc::Status(grpc::ServerContext& context,
                                          Response& response)>;

class FakeGateway final : public v1::UploadTokenService::Service {
 public:
  // Starts on 127.0.0.1 and a free port.
  FakeGateway() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~FakeGateway() override { server_->Shutdown(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Queue the next answers of a method; without one, it answers OK with an
  // empty response.
  void AnswerCreate(Answer<v1::UploadToken> answer) {
    Push(create_answers_, std::move(answer));
  }
  void AnswerGet(Answer<v1::UploadToken> answer) {
    Push(get_answers_, std::move(answer));
  }
  void AnswerList(Answer<v1::ListUploadTokensResponse> answer) {
    Push(list_answers_, std::move(answer));
  }
  void AnswerDelete(Answer<google::protobuf::Empty> answer) {
    Push(delete_answers_, std::move(answer));
  }

  std::vector<RecordedCall> calls() const {
    absl::MutexLock lock(&mutex_);
    return calls_;
  }

  grpc::Status CreateUploadToken(grpc::ServerContext* context,
                                 const v1::CreateUploadTokenRequest* request,
                                 v1::UploadToken* response) override {
    return Serve("Create", *context, *request, create_answers_, *response);
  }
  grpc::Status GetUploadToken(grpc::ServerContext* context,
                              const v1::GetUploadTokenRequest* request,
                              v1::UploadToken* response) override {
    return Serve("Get", *context, *request, get_answers_, *response);
  }
  grpc::Status ListUploadTokens(
      grpc::ServerContext* context, const v1::ListUploadTokensRequest* request,
      v1::ListUploadTokensResponse* response) override {
    return Serve("List", *context, *request, list_answers_, *response);
  }
  grpc::Status DeleteUploadToken(grpc::ServerContext* context,
                                 const v1::DeleteUploadTokenRequest* request,
                                 google::protobuf::Empty* response) override {
    return Serve("Delete", *context, *request, delete_answers_, *response);
  }

 private:
  template <typename Response>
  void Push(std::deque<Answer<Response>>& queue, Answer<Response> answer) {
    absl::MutexLock lock(&mutex_);
    queue.push_back(std::move(answer));
  }

  template <typename Request, typename Response>
  grpc::Status Serve(const std::string& method, grpc::ServerContext& context,
                     const Request& request,
                     std::deque<Answer<Response>>& answers,
                     Response& response) {
    Answer<Response> answer;
    {
      absl::MutexLock lock(&mutex_);
      RecordedCall call{
          method, request.ShortDebugString(), {}, context.deadline()};
      for (const auto& [key, value] : context.client_metadata()) {
        call.metadata.emplace(std::string(key.data(), key.size()),
                              std::string(value.data(), value.size()));
      }
      calls_.push_back(std::move(call));
      if (!answers.empty()) {
        answer = std::move(answers.front());
        answers.pop_front();
      }
    }
    return answer ? answer(context, response) : grpc::Status::OK;
  }

  mutable absl::Mutex mutex_;
  std::vector<RecordedCall> calls_ ABSL_GUARDED_BY(mutex_);
  std::deque<Answer<v1::UploadToken>> create_answers_ ABSL_GUARDED_BY(mutex_);
  std::deque<Answer<v1::UploadToken>> get_answers_ ABSL_GUARDED_BY(mutex_);
  std::deque<Answer<v1::ListUploadTokensResponse>> list_answers_
      ABSL_GUARDED_BY(mutex_);
  std::deque<Answer<google::protobuf::Empty>> delete_answers_
      ABSL_GUARDED_BY(mutex_);
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace upload_token_client::testing

#endif  // UPLOAD_TOKEN_CLIENT_TESTING_FAKE_GATEWAY_H_
