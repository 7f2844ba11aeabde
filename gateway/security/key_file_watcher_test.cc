#include "gateway/security/key_file_watcher.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gateway/common/testing/fake_scheduler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::security {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class KeyFileWatcherTest : public ::testing::Test {
 protected:
  KeyFileWatcherTest()
      // One file per process: ctest runs each case as its own process, in
      // parallel.
      : path_(absl::StrCat(::testing::TempDir(), "/key_file_watcher_test_key_",
                           getpid())) {
    Write("first-key-0123456789\n");
  }
  ~KeyFileWatcherTest() override { std::remove(path_.c_str()); }

  void Write(const std::string& contents) {
    // A new file each time, as a Secret update or an editor would make.
    const std::string temp = path_ + ".new";
    std::ofstream(temp) << contents;
    std::rename(temp.c_str(), path_.c_str());
  }

  KeyFileWatcher MakeWatcher() {
    return KeyFileWatcher(
        scheduler_, path_, absl::Seconds(2), "first-key-0123456789",
        [this](const std::string& key) { keys_.push_back(key); });
  }

  gateway::testing::FakeScheduler scheduler_;
  const std::string path_;
  std::vector<std::string> keys_;
};

TEST_F(KeyFileWatcherTest, UnchangedFileReportsNothing) {
  KeyFileWatcher watcher = MakeWatcher();
  watcher.Start();
  scheduler_.Advance(absl::Seconds(10));
  EXPECT_THAT(keys_, IsEmpty());
  watcher.Stop();
  scheduler_.Advance(absl::Seconds(10));
}

TEST_F(KeyFileWatcherTest, RotatedKeyIsReportedOnceAtTheNextLook) {
  KeyFileWatcher watcher = MakeWatcher();
  watcher.Start();
  Write("second-key-9876543210\n");
  scheduler_.Advance(absl::Seconds(2));
  EXPECT_THAT(keys_, ElementsAre("second-key-9876543210"));
  scheduler_.Advance(absl::Seconds(10));
  EXPECT_THAT(keys_, ElementsAre("second-key-9876543210"));
  watcher.Stop();
  scheduler_.Advance(absl::Seconds(10));
}

TEST_F(KeyFileWatcherTest, RewrittenWithTheSameKeyReportsNothing) {
  KeyFileWatcher watcher = MakeWatcher();
  Write("  first-key-0123456789  \n");
  watcher.Check();
  EXPECT_THAT(keys_, IsEmpty());
}

TEST_F(KeyFileWatcherTest, MissingOrEmptyFileKeepsTheCurrentKey) {
  KeyFileWatcher watcher = MakeWatcher();
  std::remove(path_.c_str());
  watcher.Check();
  Write("\n");
  watcher.Check();
  EXPECT_THAT(keys_, IsEmpty());
  Write("third-key-5555555555");
  watcher.Check();
  EXPECT_THAT(keys_, ElementsAre("third-key-5555555555"));
}

TEST_F(KeyFileWatcherTest, StopEndsTheLooking) {
  KeyFileWatcher watcher = MakeWatcher();
  watcher.Start();
  watcher.Stop();
  Write("second-key-9876543210\n");
  scheduler_.Advance(absl::Seconds(10));
  EXPECT_THAT(keys_, IsEmpty());
  EXPECT_EQ(scheduler_.pending(), 0u);
}

}  // namespace
}  // namespace gateway::security
