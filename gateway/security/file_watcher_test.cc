#include "gateway/security/file_watcher.h"

#include <cstdio>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gateway/common/testing/fake_scheduler.h"
#include "gateway/common/testing/temp_file.h"
#include "gtest/gtest.h"

namespace gateway::security {
namespace {

using ::gateway::testing::TempFile;

class FileWatcherTest : public ::testing::Test {
 protected:
  FileWatcherTest() { watcher_.Start(); }
  ~FileWatcherTest() override { watcher_.Stop(); }

  gateway::testing::FakeScheduler scheduler_;
  TempFile file_{"first"};
  int reloads_ = 0;
  absl::Status next_reload_;
  FileWatcher watcher_{scheduler_, "--some_file", file_.path(),
                       absl::Seconds(2), [this] {
                         ++reloads_;
                         return next_reload_;
                       }};
};

TEST_F(FileWatcherTest, UnchangedFileIsNotReloaded) {
  scheduler_.Advance(absl::Seconds(10));

  EXPECT_EQ(reloads_, 0);
}

TEST_F(FileWatcherTest, ReplacedFileIsReloadedOnceAtTheNextLook) {
  file_.Replace("second");

  scheduler_.Advance(absl::Seconds(2));
  EXPECT_EQ(reloads_, 1);
  scheduler_.Advance(absl::Seconds(10));
  EXPECT_EQ(reloads_, 1);
}

TEST_F(FileWatcherTest, FailedReloadIsTriedAgainAtTheNextLook) {
  next_reload_ = absl::FailedPreconditionError("half-written");
  file_.Replace("sec");
  scheduler_.Advance(absl::Seconds(2));
  ASSERT_EQ(reloads_, 1);

  next_reload_ = absl::OkStatus();
  scheduler_.Advance(absl::Seconds(2));

  EXPECT_EQ(reloads_, 2);
  scheduler_.Advance(absl::Seconds(10));
  EXPECT_EQ(reloads_, 2);
}

TEST_F(FileWatcherTest, MissingFileIsNotReloaded) {
  std::remove(file_.path().c_str());

  scheduler_.Advance(absl::Seconds(10));

  EXPECT_EQ(reloads_, 0);
}

}  // namespace
}  // namespace gateway::security
