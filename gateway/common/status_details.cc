#include "gateway/common/status_details.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"

namespace gateway {
namespace {

constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com/";

}  // namespace

std::string TypeUrlOf(const google::protobuf::Message& message) {
  return absl::StrCat(kTypeUrlPrefix, message.GetTypeName());
}

void AddDetail(absl::Status& status, const google::protobuf::Message& detail) {
  if (status.ok()) return;
  // Deterministic, so that map fields (ErrorInfo.metadata) encode the same
  // way every time; plain serialization emits them in hash order.
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    detail.SerializeToCodedStream(&coded);
  }
  status.SetPayload(TypeUrlOf(detail), absl::Cord(std::move(bytes)));
}

absl::Status MakeError(absl::StatusCode code, absl::string_view message,
                       absl::string_view reason) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kGatewayErrorDomain));
  AddDetail(status, info);
  return status;
}

void AddFieldViolation(absl::Status& status, absl::string_view field,
                       absl::string_view description) {
  google::rpc::BadRequest bad_request =
      GetDetail<google::rpc::BadRequest>(status).value_or(
          google::rpc::BadRequest());
  auto* violation = bad_request.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
  AddDetail(status, bad_request);
}

void AddRetryInfo(absl::Status& status, absl::Duration delay) {
  const absl::Duration longest =
      absl::Seconds(google::protobuf::util::TimeUtil::kDurationMaxSeconds);
  const absl::Duration clamped =
      std::clamp(delay, absl::ZeroDuration(), longest);
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(
      absl::ToInt64Seconds(absl::Ceil(clamped, absl::Seconds(1))));
  AddDetail(status, retry);
}

absl::Status InvalidFieldError(absl::string_view field,
                               absl::string_view description) {
  FieldViolations violations;
  violations.Add(field, description);
  return violations.ToStatus();
}

void FieldViolations::Add(absl::string_view field,
                          absl::string_view description) {
  violations_.emplace_back(std::string(field), std::string(description));
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  std::string message = "invalid request: ";
  for (std::size_t i = 0; i < violations_.size(); ++i) {
    absl::StrAppend(&message, i == 0 ? "" : "; ", violations_[i].first, ": ",
                    violations_[i].second);
  }
  absl::Status status = MakeError(absl::StatusCode::kInvalidArgument, message,
                                  "INVALID_ARGUMENT");
  for (const auto& [field, description] : violations_) {
    AddFieldViolation(status, field, description);
  }
  return status;
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(std::string(status.message()));
  if (status.ok()) return rpc_status;

  std::vector<std::pair<std::string, std::string>> payloads;
  status.ForEachPayload(
      [&payloads](absl::string_view type_url, const absl::Cord& payload) {
        // Other payloads are the gateway's own bookkeeping, not details.
        if (absl::StartsWith(type_url, kTypeUrlPrefix)) {
          payloads.emplace_back(std::string(type_url), std::string(payload));
        }
      });
  if (!GetDetail<google::rpc::ErrorInfo>(status).has_value()) {
    google::rpc::ErrorInfo info;
    info.set_reason(absl::StatusCodeToString(status.code()));
    info.set_domain(std::string(kGatewayErrorDomain));
    payloads.emplace_back(TypeUrlOf(info), info.SerializeAsString());
  }
  std::sort(payloads.begin(), payloads.end());
  for (auto& [type_url, value] : payloads) {
    google::protobuf::Any* any = rpc_status.add_details();
    any->set_type_url(std::move(type_url));
    any->set_value(std::move(value));
  }
  return rpc_status;
}

}  // namespace gateway
