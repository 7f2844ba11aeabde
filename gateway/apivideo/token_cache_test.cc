// TokenCache: how long each kind of answer is kept.

#include "gateway/apivideo/token_cache.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace gateway::apivideo {
namespace {

constexpr char kToken[] = "to1tcmSFHeYY5KzyhOqVKMKb";
const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

UploadToken Token(int ttl) {
  UploadToken token;
  token.set_token(kToken);
  token.set_ttl(ttl);
  token.mutable_created_at()->set_seconds(absl::ToUnixSeconds(kStart));
  if (ttl > 0) {
    token.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(kStart) + ttl);
  }
  return token;
}

class TokenCacheTest : public ::testing::Test {
 protected:
  TokenCache Make(TokenCacheOptions options = {}) {
    return TokenCache(options, [this] { return now_; });
  }
  absl::Time now_ = kStart;
};

TEST_F(TokenCacheTest, CreatedTokenIsFound) {
  TokenCache cache = Make();
  cache.AddCreated(Token(0));
  auto found = cache.Find(kToken);
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->ok());
  EXPECT_EQ((*found)->token(), kToken);
}

TEST_F(TokenCacheTest, TokenThatHasExpiredAlreadyIsNotKept) {
  TokenCache cache = Make();
  now_ = kStart + absl::Seconds(60);
  cache.AddCreated(Token(/*ttl=*/60));
  EXPECT_FALSE(cache.Find(kToken).has_value());
}

TEST_F(TokenCacheTest, TokenWithoutTtlLivesMaxAge) {
  TokenCacheOptions options;
  options.max_age = absl::Seconds(10);
  TokenCache cache = Make(options);
  cache.AddAnswer(kToken, Token(0), cache.generation());
  now_ += absl::Seconds(10) - absl::Nanoseconds(1);
  EXPECT_TRUE(cache.Find(kToken).has_value());
  now_ += absl::Nanoseconds(1);
  EXPECT_FALSE(cache.Find(kToken).has_value());
}

TEST_F(TokenCacheTest, NotFoundReplacesAKnownToken) {
  TokenCache cache = Make();
  cache.AddCreated(Token(0));
  cache.AddAnswer(kToken, absl::NotFoundError("gone"), cache.generation());
  auto found = cache.Find(kToken);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TokenCacheTest, NotFoundRemovesTheTokenEvenWhenNotRemembered) {
  TokenCacheOptions options;
  options.negative_max_age = absl::ZeroDuration();
  TokenCache cache = Make(options);
  cache.AddCreated(Token(0));
  cache.AddAnswer(kToken, absl::NotFoundError("gone"), cache.generation());
  EXPECT_FALSE(cache.Find(kToken).has_value());
}

TEST_F(TokenCacheTest, CreateReplacesARememberedNotFound) {
  TokenCache cache = Make();
  cache.AddAnswer(kToken, absl::NotFoundError("gone"), cache.generation());
  cache.AddCreated(Token(0));
  auto found = cache.Find(kToken);
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->ok());
}

TEST_F(TokenCacheTest, ErrorOtherThanNotFoundChangesNothing) {
  TokenCache cache = Make();
  cache.AddCreated(Token(0));
  cache.AddAnswer(kToken, absl::UnavailableError("503"), cache.generation());
  auto found = cache.Find(kToken);
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->ok());
}

TEST_F(TokenCacheTest, ForgottenTokenIsNotBroughtBackByAnOlderRead) {
  TokenCache cache = Make();
  const std::uint64_t asked_at = cache.generation();
  cache.Forget(kToken);
  cache.AddAnswer(kToken, Token(0), asked_at);
  EXPECT_FALSE(cache.Find(kToken).has_value());
}

}  // namespace
}  // namespace gateway::apivideo
