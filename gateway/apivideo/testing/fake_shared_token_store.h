// A SharedTokenStore in memory, for unit tests of what uses one: several
// CachingUploadTokenStubs over one fake model replicas sharing one Redis.
// The test can make it unavailable, make every operation fail, and hold its
// answers to see what waits for them.
//
//   FakeSharedTokenStore store;
//   CachingUploadTokenStub a(upstream_a, options, nullptr, &store);
//   CachingUploadTokenStub b(upstream_b, options, nullptr, &store);
//
// No expiry: entries stay until forgotten or replaced. Thread-safe;
// callbacks run with no lock held, at once unless held.

#ifndef GATEWAY_APIVIDEO_TESTING_FAKE_SHARED_TOKEN_STORE_H_
#define GATEWAY_APIVIDEO_TESTING_FAKE_SHARED_TOKEN_STORE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "gateway/apivideo/shared_token_store.h"

namespace gateway::apivideo::testing {

class FakeSharedTokenStore final : public SharedTokenStore {
 public:
  bool available() const override;
  void Find(absl::string_view token, FindCallback done) override;
  void AddCreated(const UploadToken& token, DoneCallback done) override;
  void AddAnswer(absl::string_view token,
                 const absl::StatusOr<UploadToken>& answer) override;
  void Forget(absl::string_view token, DoneCallback done) override;

  // What available() says (true at first).
  void set_available(bool available);
  // Every operation fails with `error` (OK: none fails): Find and the
  // writes answer it, AddAnswer does nothing.
  void set_error(absl::Status error);
  // While held, answers wait (in order) for ReleaseHeld.
  void set_hold(bool hold);
  // Runs the answers held so far; how many.
  std::size_t ReleaseHeld();

  // The stored answer of `token`, if any.
  std::optional<absl::StatusOr<UploadToken>> Stored(absl::string_view token);
  bool Tombstoned(absl::string_view token);
  int finds();
  int answers_added();

 private:
  // Runs `answer` now, or keeps it while held.
  void Answer(absl::AnyInvocable<void() &&> answer);

  mutable absl::Mutex mu_;
  bool available_ ABSL_GUARDED_BY(mu_) = true;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<absl::AnyInvocable<void() &&>> held_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::StatusOr<UploadToken>> entries_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> tombstones_ ABSL_GUARDED_BY(mu_);
  int finds_ ABSL_GUARDED_BY(mu_) = 0;
  int answers_added_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gateway::apivideo::testing

#endif  // GATEWAY_APIVIDEO_TESTING_FAKE_SHARED_TOKEN_STORE_H_
