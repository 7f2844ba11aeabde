#include "tests/testing/emulator_process.h"

#include <curl/curl.h>

#include <fstream>
#include <regex>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace testing_support {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(20);

std::size_t AppendBody(char* data, std::size_t size, std::size_t count,
                       void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

// Reads the integer after "\"<key>\":" in `json`, the emulator's stats.
absl::StatusOr<int> ReadJsonCount(const std::string& json,
                                  const std::string& key) {
  const std::string needle = absl::StrCat("\"", key, "\":");
  const std::size_t at = json.find(needle);
  // A misspelt route or a field the emulator lacks is an error, never 0:
  // "nothing was sent" must not pass by a typo.
  if (at == std::string::npos) {
    return absl::NotFoundError(
        absl::StrCat("the emulator's stats have no \"", key, "\": ", json));
  }
  std::size_t start = at + needle.size();
  while (start < json.size() && json[start] == ' ') ++start;
  std::size_t end = start;
  while (end < json.size() && json[end] >= '0' && json[end] <= '9') ++end;
  int count = 0;
  if (!absl::SimpleAtoi(json.substr(start, end - start), &count)) {
    return absl::InternalError(absl::StrCat("bad stats for ", key, ": ", json));
  }
  return count;
}

}  // namespace

std::string BinaryDir() { return GATEWAY_TEST_BINARY_DIR; }

std::string SourceVersion() {
  std::ifstream file(absl::StrCat(GATEWAY_TEST_SOURCE_DIR, "/VERSION"));
  std::string version;
  std::getline(file, version);
  return version;
}

absl::StatusOr<HttpReply> HttpExchange(absl::string_view method,
                                       const std::string& url,
                                       const std::string& body,
                                       const std::string& ca_file) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
  HttpReply reply;
  const std::string method_string(method);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method_string.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  curl_slist* headers = nullptr;
  if (!body.empty() || method == "POST") {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE,
                     static_cast<long>(body.size()));
  }
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat(method, " ", url, ": ", curl_easy_strerror(code)));
  }
  return reply;
}

absl::StatusOr<std::unique_ptr<EmulatorProcess>> EmulatorProcess::Start(
    const std::string& api_key, std::vector<std::string> extra_flags,
    const std::string& ca_file) {
  std::vector<std::string> argv = {
      absl::StrCat(BinaryDir(), "/apivideo_emulator"), "--listen=127.0.0.1:0",
      absl::StrCat("--api_key=", api_key)};
  for (std::string& flag : extra_flags) argv.push_back(std::move(flag));
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      Subprocess::Start(std::move(argv));
  if (!process.ok()) return process.status();
  absl::StatusOr<std::string> url =
      (*process)->WaitForLine("listening on (https?://\\S+)", kStartTimeout);
  if (!url.ok()) return url.status();
  return std::unique_ptr<EmulatorProcess>(
      new EmulatorProcess(*std::move(process), *url, ca_file));
}

EmulatorProcess::EmulatorProcess(std::unique_ptr<Subprocess> process,
                                 std::string base_url,
                                 std::string control_ca_file)
    : process_(std::move(process)),
      base_url_(std::move(base_url)),
      control_ca_file_(std::move(control_ca_file)) {}

absl::Status EmulatorProcess::Control(absl::string_view method,
                                      absl::string_view path,
                                      const std::string& body) {
  absl::StatusOr<HttpReply> reply = HttpExchange(
      method, absl::StrCat(base_url_, path), body, control_ca_file_);
  if (!reply.ok()) return reply.status();
  if (reply->status < 200 || reply->status > 299) {
    return absl::InternalError(absl::StrCat(method, " ", path, " answered ",
                                            reply->status, ": ", reply->body));
  }
  return absl::OkStatus();
}

absl::Status EmulatorProcess::Reset() {
  absl::Status reset = Control("POST", "/_emulator/reset", "{}");
  if (!reset.ok()) return reset;
  // The emulator's reset keeps rate limits; tests want its defaults back.
  return SetRateLimits(1000000, 1000000, 60);
}

absl::Status EmulatorProcess::AddFault(const std::string& fault_json) {
  return Control("POST", "/_emulator/faults", fault_json);
}

absl::StatusOr<std::string> EmulatorProcess::AddFaultWithId(
    const std::string& fault_json) {
  absl::StatusOr<HttpReply> reply =
      HttpExchange("POST", absl::StrCat(base_url_, "/_emulator/faults"),
                   fault_json, control_ca_file_);
  if (!reply.ok()) return reply.status();
  // {"id":"f1"}
  static const std::regex kId(R"re("id"\s*:\s*"([^"]+)")re");
  std::smatch match;
  if (reply->status != 200 || !std::regex_search(reply->body, match, kId)) {
    return absl::InternalError(absl::StrCat("POST /_emulator/faults answered ",
                                            reply->status, ": ", reply->body));
  }
  return match[1].str();
}

absl::Status EmulatorProcess::RemoveFault(const std::string& id) {
  return Control("DELETE", absl::StrCat("/_emulator/faults/", id), "");
}

absl::Status EmulatorProcess::AdvanceClock(int seconds) {
  return Control("POST", "/_emulator/clock",
                 absl::StrCat("{\"advance_seconds\":", seconds, "}"));
}

absl::Status EmulatorProcess::SetRateLimits(int reads, int writes,
                                            int window_seconds) {
  return Control("POST", "/_emulator/ratelimit",
                 absl::StrCat("{\"reads\":", reads, ",\"writes\":", writes,
                              ",\"window_seconds\":", window_seconds, "}"));
}

absl::Status EmulatorProcess::SetApiKeys(const std::vector<std::string>& keys) {
  return Control(
      "POST", "/_emulator/keys",
      absl::StrCat("{\"api_keys\":[\"", absl::StrJoin(keys, "\",\""), "\"]}"));
}

absl::StatusOr<int> EmulatorProcess::StatsCount(const std::string& key) {
  absl::StatusOr<HttpReply> reply = HttpExchange(
      "GET", absl::StrCat(base_url_, "/_emulator/stats"), "", control_ca_file_);
  if (!reply.ok()) return reply.status();
  return ReadJsonCount(reply->body, key);
}

absl::StatusOr<int> EmulatorProcess::RequestCount(const std::string& route) {
  return StatsCount(route);
}

absl::StatusOr<int> EmulatorProcess::TokensCreated() {
  return StatsCount("tokens_created");
}

absl::StatusOr<int> EmulatorProcess::RateLimited() {
  return StatsCount("rate_limited");
}

absl::StatusOr<int> EmulatorProcess::Abandoned() {
  return StatsCount("abandoned");
}

absl::StatusOr<std::vector<SeenRequest>> EmulatorProcess::RecentRequests(
    int limit) {
  absl::StatusOr<HttpReply> reply = HttpExchange(
      "GET", absl::StrCat(base_url_, "/_emulator/requests?limit=", limit), "",
      control_ca_file_);
  if (!reply.ok()) return reply.status();
  google::protobuf::Struct parsed;
  if (!google::protobuf::util::JsonStringToMessage(reply->body, &parsed).ok()) {
    return absl::InternalError(
        absl::StrCat("/_emulator/requests is not JSON: ", reply->body));
  }
  std::vector<SeenRequest> requests;
  auto list = parsed.fields().find("requests");
  if (list == parsed.fields().end()) return requests;
  for (const google::protobuf::Value& entry :
       list->second.list_value().values()) {
    const auto& fields = entry.struct_value().fields();
    const auto text = [&fields](const std::string& name) {
      auto it = fields.find(name);
      return it == fields.end() ? std::string() : it->second.string_value();
    };
    requests.push_back({text("method"), text("path"), text("traceparent")});
  }
  return requests;
}

absl::Status EmulatorProcess::WaitForRequests(const std::string& route,
                                              int count,
                                              absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::StatusOr<int> seen = RequestCount(route);
    if (!seen.ok()) return seen.status();
    if (*seen >= count) return absl::OkStatus();
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("the emulator saw ", *seen, " of ", count, " ", route,
                       " requests within ", absl::FormatDuration(timeout)));
    }
    // The stats have no long poll; ask again shortly.
    absl::SleepFor(absl::Milliseconds(5));
  }
}

}  // namespace testing_support
