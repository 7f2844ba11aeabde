// EasyHandlePool: released handles are reset and handed out again, up to
// kMaxIdleHandles of them. No transfer is made: only handles are created.

#include "gateway/http/easy_handle_pool.h"

#include <curl/curl.h>

#include <cstddef>
#include <vector>

#include "gtest/gtest.h"

namespace gateway::http {
namespace {

class EasyHandlePoolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
  }

  EasyHandlePool pool_;
};

TEST_F(EasyHandlePoolTest, EmptyPoolCreatesAHandle) {
  CURL* easy = pool_.Acquire();

  EXPECT_NE(easy, nullptr);
  pool_.Release(easy);
}

TEST_F(EasyHandlePoolTest, ReleasedHandleIsKeptIdle) {
  pool_.Release(pool_.Acquire());

  EXPECT_EQ(pool_.idle_count(), 1);
}

TEST_F(EasyHandlePoolTest, AcquireReusesAnIdleHandle) {
  CURL* released = pool_.Acquire();
  pool_.Release(released);

  CURL* easy = pool_.Acquire();

  EXPECT_EQ(easy, released);
  EXPECT_EQ(pool_.idle_count(), 0);
  pool_.Release(easy);
}

TEST_F(EasyHandlePoolTest, ReusedHandleHasForgottenItsOptions) {
  CURL* easy = pool_.Acquire();
  int marker = 0;
  ASSERT_EQ(curl_easy_setopt(easy, CURLOPT_PRIVATE, &marker), CURLE_OK);
  pool_.Release(easy);

  easy = pool_.Acquire();

  void* marker_address = &marker;
  char* data = static_cast<char*>(marker_address);  // Overwritten below.
  ASSERT_EQ(curl_easy_getinfo(easy, CURLINFO_PRIVATE, &data), CURLE_OK);
  EXPECT_EQ(data, nullptr);
  pool_.Release(easy);
}

TEST_F(EasyHandlePoolTest, KeepsNoMoreThanMaxIdleHandles) {
  std::vector<CURL*> handles;
  for (std::size_t i = 0; i < EasyHandlePool::kMaxIdleHandles + 3; ++i) {
    handles.push_back(pool_.Acquire());
  }

  for (CURL* easy : handles) pool_.Release(easy);

  EXPECT_EQ(pool_.idle_count(), EasyHandlePool::kMaxIdleHandles);
}

TEST_F(EasyHandlePoolTest, ClearFreesEveryIdleHandle) {
  CURL* first = pool_.Acquire();
  CURL* second = pool_.Acquire();
  pool_.Release(first);
  pool_.Release(second);

  pool_.Clear();

  EXPECT_EQ(pool_.idle_count(), 0);
}

}  // namespace
}  // namespace gateway::http
