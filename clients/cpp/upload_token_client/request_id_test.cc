#include "upload_token_client/request_id.h"

#include <regex>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace upload_token_client {
namespace {

TEST(NewRequestIdTest, IsAVersion4UuidInTextForm) {
  // Version nibble 4; variant bits 10 (8, 9, a or b).
  const std::regex uuid_v4(
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewRequestId();
    ASSERT_TRUE(std::regex_match(id, uuid_v4)) << id;
  }
}

TEST(NewRequestIdTest, DoesNotRepeat) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(NewRequestId());
  EXPECT_EQ(ids.size(), 10000u);
}

}  // namespace
}  // namespace upload_token_client
