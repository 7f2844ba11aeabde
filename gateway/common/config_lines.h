// The lines of a small configuration file (a caller tokens file, a caller
// weights file) that say something: blank lines and lines starting with '#'
// are skipped, and each line is split into fields on spaces and tabs.
//
// Example:
//   for (const ConfigLine& line : ConfigLines(contents)) {
//     if (line.fields.size() != 2) return Error(path, line.number);
//   }

#ifndef GATEWAY_COMMON_CONFIG_LINES_H_
#define GATEWAY_COMMON_CONFIG_LINES_H_

#include <vector>

#include "absl/strings/string_view.h"

namespace gateway {

struct ConfigLine {
  // 1 for the file's first line, for error messages.
  int number = 0;
  // Views into the contents given to ConfigLines.
  std::vector<absl::string_view> fields;
};

std::vector<ConfigLine> ConfigLines(absl::string_view contents);

}  // namespace gateway

#endif  // GATEWAY_COMMON_CONFIG_LINES_H_
