// Walks through UploadTokenService with the installed C++ client and checks
// every answer; exits non-zero on the first mismatch. It knows the library
// only through its installed headers and package (find_package or
// pkg-config), as a service in another repository would.
//
// Environment: GATEWAY_ADDRESS (host:port or any gRPC target); for TLS,
// GATEWAY_CA_FILE, and GATEWAY_CLIENT_CERT_FILE + GATEWAY_CLIENT_KEY_FILE for
// mTLS; GATEWAY_CALLER_TOKEN, the caller's bearer token.
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "upload_token_client/channel.h"
#include "upload_token_client/client.h"
#include "upload_token_client/error_details.h"
#include "upload_token_client/request_id.h"

namespace {

namespace client = ::upload_token_client;
namespace v1 = ::apivideo::uploadtokens::v1;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

void Check(bool condition, const std::string& what) {
  if (condition) {
    std::cout << "ok: " << what << "\n";
    return;
  }
  std::cerr << "FAILED: " << what << "\n";
  std::exit(1);
}

template <typename T>
T Must(absl::StatusOr<T> result, const std::string& what) {
  if (!result.ok()) {
    std::cerr << "FAILED: " << what << ": " << result.status() << "\n";
    std::exit(1);
  }
  return *std::move(result);
}

void Print(const client::ErrorDetails& details) {
  std::cout << "  code=" << static_cast<int>(details.code)
            << " message=" << details.message << "\n";
  if (details.error_info) {
    std::cout << "  ErrorInfo: domain=" << details.error_info->domain()
              << " reason=" << details.error_info->reason() << "\n";
  }
  if (details.resource_info) {
    std::cout << "  ResourceInfo: " << details.resource_info->resource_type()
              << " " << details.resource_info->resource_name() << "\n";
  }
  if (details.bad_request) {
    for (const auto& violation : details.bad_request->field_violations()) {
      std::cout << "  BadRequest: " << violation.field() << ": "
                << violation.description() << "\n";
    }
  }
}

client::ChannelOptions ChannelFromEnvironment() {
  client::ChannelOptions options;
  options.target = Env("GATEWAY_ADDRESS");
  if (!Env("GATEWAY_CA_FILE").empty()) {
    client::TlsOptions& tls = options.tls.emplace();
    tls.root_certificates_pem =
        Must(client::ReadPemFile(Env("GATEWAY_CA_FILE")), "CA file");
    if (!Env("GATEWAY_CLIENT_CERT_FILE").empty()) {
      tls.client_certificate_chain_pem = Must(
          client::ReadPemFile(Env("GATEWAY_CLIENT_CERT_FILE")), "cert file");
      tls.client_private_key_pem =
          Must(client::ReadPemFile(Env("GATEWAY_CLIENT_KEY_FILE")), "key file");
    }
  }
  options.bearer_token = Env("GATEWAY_CALLER_TOKEN");
  return options;
}

}  // namespace

int main() {
  const client::ChannelOptions options = ChannelFromEnvironment();
  Check(!options.target.empty(), "GATEWAY_ADDRESS is set");
  client::UploadTokenClient gateway(
      Must(client::MakeChannel(options), "channel"));

  if (!options.bearer_token.empty()) {
    // The same channel without the token: the gateway must refuse it, which
    // shows that the token is what lets the calls below in.
    client::ChannelOptions anonymous = options;
    anonymous.bearer_token.clear();
    client::UploadTokenClient stranger(
        Must(client::MakeChannel(anonymous), "channel without token"));
    Check(stranger.Create(60).status().code() ==
              absl::StatusCode::kUnauthenticated,
          "a call without the caller's token is UNAUTHENTICATED");
  }

  std::vector<v1::UploadToken> created;
  for (int i = 0; i < 5; ++i) {
    created.push_back(Must(gateway.Create(3600 + i), "create"));
    Check(!created.back().token().empty() && created.back().ttl() == 3600 + i,
          "create " + created.back().token());
  }

  client::ResponseMetadata metadata;
  client::CallOptions call;
  call.response_metadata = &metadata;
  v1::UploadToken got = Must(gateway.Get(created[0].token(), call), "get");
  Check(got.token() == created[0].token() && got.ttl() == 3600, "get");
  Check(metadata.Find("x-cache").has_value(),
        "get returns the gateway's metadata (x-cache: " +
            metadata.Find("x-cache").value_or("") + ")");

  v1::ListUploadTokensRequest two_a_page;
  two_a_page.set_page_size(2);
  std::vector<v1::UploadToken> listed =
      Must(gateway.ListAll(two_a_page), "list all");
  std::set<std::string> names;
  for (const v1::UploadToken& token : listed) names.insert(token.token());
  Check(names.size() == listed.size(), "list has no duplicates");
  for (const v1::UploadToken& token : created) {
    Check(names.count(token.token()) == 1, "list has " + token.token());
  }

  v1::CreateUploadTokenRequest with_id;
  with_id.set_ttl(60);
  with_id.set_request_id(client::NewRequestId());
  v1::UploadToken once = Must(gateway.Create(with_id), "create with id");
  v1::UploadToken again = Must(gateway.Create(with_id), "create again");
  Check(once.token() == again.token(), "request_id: one token");
  created.push_back(once);

  for (const v1::UploadToken& token : created) {
    absl::Status deleted = gateway.Delete(token.token());
    Check(deleted.ok(), "delete " + token.token());
  }

  absl::Status gone = gateway.Get(created[0].token()).status();
  client::ErrorDetails details = client::DecodeErrorDetails(gone);
  std::cout << "get after delete:\n";
  Print(details);
  Check(details.code == absl::StatusCode::kNotFound, "NOT_FOUND");
  Check(details.error_info && details.error_info->domain() == "api.video",
        "ErrorInfo");
  Check(details.reason() == "RESOURCE_NOT_FOUND", "ErrorInfo.reason");
  Check(details.resource_info &&
            details.resource_info->resource_name() == created[0].token() &&
            details.resource_info->resource_type() ==
                "apivideo.uploadtokens.v1.UploadToken",
        "ResourceInfo");

  details = client::DecodeErrorDetails(gateway.Get("not a token!").status());
  std::cout << "get with a malformed token:\n";
  Print(details);
  Check(details.code == absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT");
  Check(details.bad_request &&
            details.bad_request->field_violations_size() == 1 &&
            details.bad_request->field_violations(0).field() == "token",
        "BadRequest");
  std::cout << "all checks passed\n";
  return 0;
}
