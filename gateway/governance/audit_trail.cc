#include "gateway/governance/audit_trail.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "gateway/common/posix.h"
#include "google/protobuf/util/json_util.h"

namespace gateway::governance {

std::string AuditEventToJson(const AuditEvent& event) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  // Cannot fail: the message has no Any and no map with bad keys.
  (void)google::protobuf::util::MessageToJsonString(event, &json, options);
  return json;
}

absl::StatusOr<AuditEvent> AuditEventFromJson(absl::string_view line) {
  AuditEvent event;
  google::protobuf::util::JsonParseOptions options;
  // Events written by a newer gateway may have fields this one lacks.
  options.ignore_unknown_fields = true;
  const google::protobuf::util::Status parsed =
      google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(line.data(), line.size()), &event,
          options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not an audit event: ", parsed.message().as_string()));
  }
  return event;
}

absl::StatusOr<std::unique_ptr<AuditLogFile>> AuditLogFile::Open(
    const std::string& path) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return ErrnoStatus(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("cannot open --audit_log ", path));
  }
  return std::unique_ptr<AuditLogFile>(new AuditLogFile(path, fd));
}

AuditLogFile::AuditLogFile(std::string path, int fd)
    : path_(std::move(path)), fd_(fd) {}

AuditLogFile::~AuditLogFile() { ::close(fd_); }

void AuditLogFile::Record(const AuditEvent& event) {
  std::string line = AuditEventToJson(event);
  line.push_back('\n');
  // One write(2) per line: with O_APPEND it lands whole at the end of the
  // file. A short write (a full disk) leaves a cut line, which the replay
  // skips.
  ssize_t written;
  do {
    written = ::write(fd_, line.data(), line.size());
  } while (written < 0 && errno == EINTR);
  if (written == static_cast<ssize_t>(line.size())) return;
  const absl::Status error =
      written < 0 ? ErrnoStatus(absl::StatusCode::kInternal, "write")
                  : absl::InternalError("short write");
  write_failures_.fetch_add(1);
  Log(LogLevel::kError, "audit event not written",
      {{"file", path_}, {"rpc", event.rpc()}, {"error", error.message()}});
}

absl::StatusOr<int> ReadAuditLog(
    const std::string& path,
    const std::function<void(const AuditEvent&)>& each) {
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return 0;
  std::ifstream in(path);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read --audit_log ", path));
  }
  int events = 0;
  int line_number = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    absl::StatusOr<AuditEvent> event = AuditEventFromJson(line);
    if (!event.ok()) {
      Log(LogLevel::kWarning, "audit log line skipped",
          {{"file", path},
           {"line", line_number},
           {"error", event.status().message()}});
      continue;
    }
    each(*event);
    ++events;
  }
  if (in.bad()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read --audit_log ", path));
  }
  return events;
}

}  // namespace gateway::governance
