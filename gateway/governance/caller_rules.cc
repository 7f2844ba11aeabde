#include "gateway/governance/caller_rules.h"

#include <limits>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/apivideo/errors.h"
#include "gateway/common/files.h"
#include "gateway/common/status_details.h"
#include "gateway/governance/caller_policies.pb.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace gateway::governance {
namespace {

using ::gateway::internal::CallerPolicies;
using ::gateway::internal::CallerPolicy;
using ::google::protobuf::TextFormat;

constexpr std::int64_t kMaxTtl = std::numeric_limits<std::int32_t>::max();

// Where, in the file, a problem is: 1-based, as editors count.
struct Position {
  int line = 0;
  int column = 0;
};

absl::Status FileError(absl::string_view source, Position at,
                       absl::string_view message) {
  return absl::FailedPreconditionError(absl::StrCat("caller policy file ",
                                                    source, ":", at.line, ":",
                                                    at.column, ": ", message));
}

// Keeps the first syntax error TextFormat reports.
class FirstError final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!message_.empty()) return;
    at_ = {line + 1, column + 1};
    message_ = message;
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    AddError(line, column, message);
  }
  Position at() const { return at_; }
  const std::string& message() const { return message_; }

 private:
  Position at_;
  std::string message_;
};

// One entry of the file and where it is, to name the line of a problem.
class Entry {
 public:
  Entry(const CallerPolicy& policy, const TextFormat::ParseInfoTree* tree,
        Position at)
      : policy_(policy), tree_(tree), at_(at) {}

  const CallerPolicy& policy() const { return policy_; }

  // Where `field` of the entry is, or the entry itself when not written.
  Position At(absl::string_view field) const {
    const google::protobuf::FieldDescriptor* descriptor =
        CallerPolicy::descriptor()->FindFieldByName(std::string(field));
    if (tree_ != nullptr && descriptor != nullptr) {
      const TextFormat::ParseLocation location =
          tree_->GetLocation(descriptor, -1);
      if (location.line >= 0) return {location.line + 1, location.column + 1};
    }
    return at_;
  }
  Position at() const { return at_; }

 private:
  const CallerPolicy& policy_;
  const TextFormat::ParseInfoTree* tree_;
  Position at_;
};

// The checks of one entry on its own: numbers in range.
absl::Status CheckEntry(const Entry& entry, absl::string_view source) {
  const CallerPolicy& policy = entry.policy();
  for (const auto& [field, has, value] :
       {std::tuple<absl::string_view, bool, std::int64_t>{
            "max_ttl_seconds", policy.has_max_ttl_seconds(),
            policy.max_ttl_seconds()},
        {"default_ttl_seconds", policy.has_default_ttl_seconds(),
         policy.default_ttl_seconds()}}) {
    if (has && (value < 0 || value > kMaxTtl)) {
      return FileError(
          source, entry.At(field),
          absl::StrCat(field, " must be from 0 to ", kMaxTtl, ", not ", value));
    }
  }
  if (policy.has_max_ttl_seconds() && policy.max_ttl_seconds() == 0) {
    return FileError(source, entry.At("max_ttl_seconds"),
                     "max_ttl_seconds must be at least 1; to allow tokens "
                     "that never expire, use allow_no_expiry");
  }
  if (policy.creates_per_minute() < 0) {
    return FileError(source, entry.At("creates_per_minute"),
                     "creates_per_minute must not be negative");
  }
  if (policy.max_live_tokens() < 0) {
    return FileError(source, entry.At("max_live_tokens"),
                     "max_live_tokens must not be negative");
  }
  return absl::OkStatus();
}

// The limits of `entry` over `base` (default_policy), checked for
// contradictions between them.
absl::StatusOr<CallerLimits> LimitsOf(const Entry& entry,
                                      const CallerPolicy& base,
                                      absl::string_view source) {
  const CallerPolicy& own = entry.policy();
  CallerPolicy merged = base;
  merged.MergeFrom(own);  // set fields of `own` win, proto3 optional or not
  if (own.others() == CallerPolicy::OTHERS_UNSPECIFIED) {
    merged.set_others(base.others());
  }
  CallerLimits limits;
  if (merged.has_max_ttl_seconds()) {
    limits.max_ttl_seconds =
        static_cast<std::int32_t>(merged.max_ttl_seconds());
  }
  limits.allow_no_expiry = merged.has_allow_no_expiry()
                               ? merged.allow_no_expiry()
                               : !limits.max_ttl_seconds.has_value();
  if (merged.has_default_ttl_seconds()) {
    limits.default_ttl_seconds =
        static_cast<std::int32_t>(merged.default_ttl_seconds());
  } else {
    limits.default_ttl_seconds = limits.max_ttl_seconds.value_or(0);
  }
  limits.creates_per_minute = merged.creates_per_minute();
  limits.max_live_tokens = merged.max_live_tokens();
  limits.read_only = merged.read_only();
  switch (merged.others()) {
    case CallerPolicy::NONE:
      limits.others = OthersAccess::kNone;
      break;
    case CallerPolicy::DELETE:
      limits.others = OthersAccess::kDelete;
      break;
    default:
      limits.others = OthersAccess::kRead;
      break;
  }
  // Both arms string_view: a const char* arm would make the result a
  // temporary std::string.
  const absl::string_view who = own.name().empty()
                                    ? absl::string_view("default_policy")
                                    : absl::string_view(own.name());
  if (limits.max_ttl_seconds.has_value() &&
      limits.default_ttl_seconds > *limits.max_ttl_seconds) {
    return FileError(
        source, entry.At("default_ttl_seconds"),
        absl::StrCat("the default ttl of ", who, " (",
                     limits.default_ttl_seconds, " s) is above its maximum (",
                     *limits.max_ttl_seconds, " s)"));
  }
  if (limits.default_ttl_seconds == 0 && !limits.allow_no_expiry) {
    return FileError(
        source, entry.At("default_ttl_seconds"),
        absl::StrCat("the default ttl of ", who,
                     " is 0 (never expires), which it may not ask for; set "
                     "default_ttl_seconds or allow_no_expiry"));
  }
  return limits;
}

}  // namespace

absl::StatusOr<CallerRules> CallerRules::Parse(absl::string_view text,
                                               absl::string_view source) {
  CallerPolicies policies;
  TextFormat::Parser parser;
  FirstError error;
  TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&error);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &policies)) {
    return FileError(source, error.at(), error.message());
  }
  const google::protobuf::Descriptor* file = CallerPolicies::descriptor();
  const google::protobuf::FieldDescriptor* default_field =
      file->FindFieldByName("default_policy");
  const google::protobuf::FieldDescriptor* callers_field =
      file->FindFieldByName("callers");

  auto position_of = [&](const google::protobuf::FieldDescriptor* field,
                         int index) {
    const TextFormat::ParseLocation location = tree.GetLocation(field, index);
    return Position{location.line + 1, location.column + 1};
  };

  const Entry defaults(policies.default_policy(),
                       tree.GetTreeForNested(default_field, -1),
                       position_of(default_field, -1));
  if (!policies.default_policy().name().empty()) {
    return FileError(source, defaults.At("name"),
                     "default_policy applies to every caller: it has no name");
  }
  if (absl::Status checked = CheckEntry(defaults, source); !checked.ok()) {
    return checked;
  }
  CallerRules rules;
  absl::StatusOr<CallerLimits> default_limits =
      LimitsOf(defaults, CallerPolicy(), source);
  if (!default_limits.ok()) return default_limits.status();
  rules.default_limits_ = *default_limits;

  for (int i = 0; i < policies.callers_size(); ++i) {
    const CallerPolicy& policy = policies.callers(i);
    const Entry entry(policy, tree.GetTreeForNested(callers_field, i),
                      position_of(callers_field, i));
    if (policy.name().empty()) {
      return FileError(source, entry.at(), "every callers entry needs a name");
    }
    if (rules.callers_.contains(policy.name())) {
      return FileError(
          source, entry.At("name"),
          absl::StrCat("caller \"", policy.name(), "\" has two entries"));
    }
    if (absl::Status checked = CheckEntry(entry, source); !checked.ok()) {
      return checked;
    }
    absl::StatusOr<CallerLimits> limits =
        LimitsOf(entry, policies.default_policy(), source);
    if (!limits.ok()) return limits.status();
    rules.callers_.emplace(policy.name(), *limits);
  }
  return rules;
}

absl::StatusOr<CallerRules> CallerRules::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "--caller_policy_file");
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

const CallerLimits& CallerRules::For(absl::string_view caller) const {
  auto it = callers_.find(caller);
  return it != callers_.end() ? it->second : default_limits_;
}

absl::StatusOr<std::int32_t> ResolveTtl(const CallerLimits& limits,
                                        absl::string_view caller,
                                        std::optional<std::int32_t> requested) {
  const std::int32_t ttl = requested.value_or(limits.default_ttl_seconds);
  const std::string allowed =
      limits.max_ttl_seconds.has_value()
          ? absl::StrCat("ask for 1 to ", *limits.max_ttl_seconds, " seconds")
          : "ask for at least 1 second";
  std::string problem;
  if (ttl == 0 && !limits.allow_no_expiry) {
    problem = absl::StrCat("ttl 0 (never expires) is not allowed for caller \"",
                           caller, "\"; ", allowed);
  } else if (limits.max_ttl_seconds.has_value() &&
             ttl > *limits.max_ttl_seconds) {
    problem = absl::StrCat("ttl ", ttl, " is above the maximum of caller \"",
                           caller, "\"; ", allowed);
  }
  if (problem.empty()) return ttl;
  absl::Status status = MakeError(
      absl::StatusCode::kInvalidArgument,
      absl::StrCat("invalid request: ttl: ", problem), "TTL_NOT_ALLOWED");
  AddFieldViolation(status, "ttl", problem);
  return status;
}

absl::Status CheckMayWrite(const CallerLimits& limits, absl::string_view caller,
                           absl::string_view rpc) {
  if (!limits.read_only) return absl::OkStatus();
  return MakeError(absl::StatusCode::kPermissionDenied,
                   absl::StrCat("caller \"", caller, "\" is read-only: ", rpc,
                                " is not allowed"),
                   "CALLER_READ_ONLY");
}

absl::Status CheckTokenAccess(const CallerLimits& limits,
                              absl::string_view caller, TokenAccess access,
                              absl::string_view token,
                              std::optional<absl::string_view> creator) {
  if (creator.has_value() && *creator == caller) return absl::OkStatus();
  const bool allowed = access == TokenAccess::kRead
                           ? limits.others != OthersAccess::kNone
                           : limits.others == OthersAccess::kDelete;
  if (allowed) return absl::OkStatus();
  absl::Status status = MakeError(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("caller \"", caller, "\" may not ",
                   access == TokenAccess::kRead ? "read" : "delete",
                   " upload token \"", token, "\": ",
                   creator.has_value() && !creator->empty()
                       ? absl::StrCat("it was created by \"", *creator, "\"")
                       : std::string("the gateway does not know it as one "
                                     "this caller created")),
      "NOT_TOKEN_CREATOR");
  google::rpc::ResourceInfo info;
  info.set_resource_type(std::string(apivideo::kUploadTokenResourceType));
  info.set_resource_name(std::string(token));
  if (creator.has_value()) info.set_owner(std::string(*creator));
  info.set_description("a token created by another caller");
  AddDetail(status, info);
  return status;
}

}  // namespace gateway::governance
