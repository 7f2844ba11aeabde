#include "gateway/config/caller_weights_file.h"

#include "gateway/common/testing/temp_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gateway::config {
namespace {

using ::gateway::testing::TempFile;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TEST(ReadCallerWeightsFileTest, ReadsOneWeightPerCaller) {
  TempFile file("# comment\n\nbilling 2\n  batch-reports\t0.5  \n");
  auto weights = ReadCallerWeightsFile(file.path());
  ASSERT_TRUE(weights.ok()) << weights.status();
  EXPECT_THAT(*weights, UnorderedElementsAre(Pair("billing", 2.0),
                                             Pair("batch-reports", 0.5)));
}

TEST(ReadCallerWeightsFileTest, MalformedLineIsNamed) {
  TempFile file("billing 2\nweb\n");
  auto weights = ReadCallerWeightsFile(file.path());
  EXPECT_EQ(weights.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(weights.status().message(), HasSubstr(":2: expected"));
}

TEST(ReadCallerWeightsFileTest, WeightOutOfRangeIsRefused) {
  for (const char* bad :
       {"web 0\n", "web -1\n", "web nan\n", "web 1e9\n", "web two\n"}) {
    TempFile file(bad);
    EXPECT_EQ(ReadCallerWeightsFile(file.path()).status().code(),
              absl::StatusCode::kFailedPrecondition)
        << bad;
  }
}

TEST(ReadCallerWeightsFileTest, CallerListedTwiceIsRefused) {
  TempFile file("web 1\nweb 2\n");
  EXPECT_THAT(ReadCallerWeightsFile(file.path()).status().message(),
              HasSubstr("listed twice"));
}

TEST(ReadCallerWeightsFileTest, MissingFileIsRefused) {
  EXPECT_EQ(ReadCallerWeightsFile("/nonexistent/weights").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace gateway::config
