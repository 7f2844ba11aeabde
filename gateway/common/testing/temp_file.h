// A file with given contents for the duration of a test, removed afterwards.
// Each path is unique to its process and object: ctest runs the cases of one
// executable as parallel processes.

#ifndef GATEWAY_COMMON_TESTING_TEMP_FILE_H_
#define GATEWAY_COMMON_TESTING_TEMP_FILE_H_

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace gateway::testing {

class TempFile {
 public:
  explicit TempFile(absl::string_view contents)
      : path_(absl::StrCat(::testing::TempDir(), "/gateway_test_", getpid(),
                           "_", next_.fetch_add(1))) {
    Write(contents);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { std::remove(path_.c_str()); }

  const std::string& path() const { return path_; }

  // Replaces the contents with a new file renamed into place, as a
  // Kubernetes Secret update or an editor does.
  void Replace(absl::string_view contents) {
    const std::string temp = path_ + ".new";
    std::ofstream(temp, std::ios::binary) << contents;
    std::rename(temp.c_str(), path_.c_str());
  }

 private:
  void Write(absl::string_view contents) {
    std::ofstream(path_, std::ios::binary) << contents;
  }

  static inline std::atomic<int> next_{0};
  const std::string path_;
};

}  // namespace gateway::testing

#endif  // GATEWAY_COMMON_TESTING_TEMP_FILE_H_
