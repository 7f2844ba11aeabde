// libFuzzer target: api.video JSON -> proto (gateway/apivideo/json_mapping.h).
//
// Every parser gets the same bytes; none may crash, leak or hit undefined
// behaviour. The upload-token and token-list parsers have a hand-written fast
// path that must mean exactly what protobuf's JSON parser means, so they are
// also checked against protobuf's parser plus the documented checks: same
// verdict, same message.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "gateway/apivideo/json_mapping.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"

namespace {

using ::apivideo::uploadtokens::v1::UploadToken;
using ::gateway::apivideo::json::TokenListResponse;

// What protobuf's parser alone makes of `json`, as ParseJson does it.
bool ReferenceParse(absl::string_view json, google::protobuf::Message& out) {
  if (json.find_first_not_of(" \t\r\n") == absl::string_view::npos) {
    return false;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  return google::protobuf::util::JsonStringToMessage(
             google::protobuf::StringPiece(json.data(), json.size()), &out,
             options)
      .ok();
}

// The checks ParseUploadToken documents, on a reference-parsed token.
bool ReferenceCheck(UploadToken& token) {
  if (token.token().empty() || token.ttl() < 0 || !token.has_created_at()) {
    return false;
  }
  if (token.ttl() == 0) token.clear_expires_at();
  return true;
}

[[noreturn]] void Mismatch(const char* what, bool ours, bool reference) {
  std::fprintf(stderr, "%s: the gateway says %s, protobuf's parser says %s\n",
               what, ours ? "ok" : "error", reference ? "ok" : "error");
  std::abort();
}

void CheckSame(const char* what, bool ours, bool reference,
               const google::protobuf::Message& our_message,
               const google::protobuf::Message& reference_message) {
  if (ours != reference) Mismatch(what, ours, reference);
  if (ours && !google::protobuf::util::MessageDifferencer::Equals(
                  our_message, reference_message)) {
    std::fprintf(stderr, "%s: different messages:\n%s\n---\n%s\n", what,
                 our_message.DebugString().c_str(),
                 reference_message.DebugString().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const absl::string_view json(reinterpret_cast<const char*>(data), size);

  {
    const auto token = gateway::apivideo::ParseUploadToken(json);
    UploadToken reference;
    const bool reference_ok =
        ReferenceParse(json, reference) && ReferenceCheck(reference);
    CheckSame("ParseUploadToken", token.ok(), reference_ok,
              token.ok() ? *token : UploadToken(), reference);
    if (token.ok() && token->ttl() == 0 && token->has_expires_at()) {
      std::abort();
    }
  }
  {
    const auto list = gateway::apivideo::ParseTokenList(json);
    TokenListResponse reference;
    bool reference_ok =
        ReferenceParse(json, reference) && reference.has_pagination();
    for (UploadToken& item : *reference.mutable_data()) {
      reference_ok = reference_ok && ReferenceCheck(item);
    }
    CheckSame("ParseTokenList", list.ok(), reference_ok,
              list.ok() ? *list : TokenListResponse(), reference);
  }
  {
    const auto access = gateway::apivideo::ParseAccessToken(json);
    if (access.ok() &&
        (access->access_token().empty() || access->expires_in() <= 0)) {
      std::abort();
    }
  }
  (void)gateway::apivideo::ParseProblem(json);
  return 0;
}
