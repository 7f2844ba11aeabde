// A test suite that shares one emulator process, reset before each test:
// starting the emulator costs more than most tests it serves.
//
//   constexpr char kApiKey[] = "my-test-key";
//   class MyTest : public testing_support::SharedEmulatorTest<kApiKey> {
//    protected:
//     void SetUp() override {
//       SharedEmulatorTest::SetUp();  // resets emulator()
//       ...
//     }
//   };
//
// `Base` is ::testing::Test, or ::testing::TestWithParam<T> for a
// parameterised suite.

#ifndef TESTS_TESTING_SHARED_EMULATOR_TEST_H_
#define TESTS_TESTING_SHARED_EMULATOR_TEST_H_

#include "gtest/gtest.h"
#include "tests/testing/emulator_process.h"

namespace testing_support {

template <const char* kApiKey, typename Base = ::testing::Test>
class SharedEmulatorTest : public Base {
 protected:
  static void SetUpTestSuite() {
    auto emulator = EmulatorProcess::Start(kApiKey);
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    emulator_ = emulator->release();
  }

  static void TearDownTestSuite() {
    delete emulator_;
    emulator_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(emulator_, nullptr);
    ASSERT_TRUE(emulator_->Reset().ok());
  }

  // The suite's emulator; it accepts kApiKey.
  static inline EmulatorProcess* emulator_ = nullptr;
};

}  // namespace testing_support

#endif  // TESTS_TESTING_SHARED_EMULATOR_TEST_H_
