// An in-memory SharedTokenStore: see fake_shared_token_store.h.

#include "gateway/apivideo/testing/fake_shared_token_store.h"

#include <utility>

namespace gateway::apivideo::testing {

bool FakeSharedTokenStore::available() const {
  absl::MutexLock lock(&mu_);
  return available_;
}

void FakeSharedTokenStore::Find(absl::string_view token, FindCallback done) {
  FindResult result = std::optional<absl::StatusOr<UploadToken>>();
  {
    absl::MutexLock lock(&mu_);
    ++finds_;
    if (!error_.ok()) {
      result = error_;
    } else if (auto it = entries_.find(token); it != entries_.end()) {
      result = std::optional<absl::StatusOr<UploadToken>>(it->second);
    }
  }
  Answer([result = std::move(result), done = std::move(done)]() mutable {
    std::move(done)(std::move(result));
  });
}

void FakeSharedTokenStore::AddCreated(const UploadToken& token,
                                      DoneCallback done) {
  absl::Status status;
  {
    absl::MutexLock lock(&mu_);
    status = error_;
    if (status.ok()) entries_.insert_or_assign(token.token(), token);
  }
  Answer(
      [status, done = std::move(done)]() mutable { std::move(done)(status); });
}

void FakeSharedTokenStore::AddAnswer(
    absl::string_view token, const absl::StatusOr<UploadToken>& answer) {
  if (!answer.ok() && answer.status().code() != absl::StatusCode::kNotFound) {
    return;
  }
  absl::MutexLock lock(&mu_);
  if (!error_.ok() || tombstones_.contains(token)) return;
  ++answers_added_;
  entries_.insert_or_assign(std::string(token), answer);
}

void FakeSharedTokenStore::Forget(absl::string_view token, DoneCallback done) {
  absl::Status status;
  {
    absl::MutexLock lock(&mu_);
    status = error_;
    if (status.ok()) {
      entries_.erase(token);
      tombstones_.insert(std::string(token));
    }
  }
  Answer(
      [status, done = std::move(done)]() mutable { std::move(done)(status); });
}

void FakeSharedTokenStore::set_available(bool available) {
  absl::MutexLock lock(&mu_);
  available_ = available;
}

void FakeSharedTokenStore::set_error(absl::Status error) {
  absl::MutexLock lock(&mu_);
  error_ = std::move(error);
}

void FakeSharedTokenStore::set_hold(bool hold) {
  absl::MutexLock lock(&mu_);
  hold_ = hold;
}

std::size_t FakeSharedTokenStore::ReleaseHeld() {
  std::vector<absl::AnyInvocable<void() &&>> held;
  {
    absl::MutexLock lock(&mu_);
    held.swap(held_);
  }
  for (auto& answer : held) std::move(answer)();
  return held.size();
}

std::optional<absl::StatusOr<UploadToken>> FakeSharedTokenStore::Stored(
    absl::string_view token) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(token);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

bool FakeSharedTokenStore::Tombstoned(absl::string_view token) {
  absl::MutexLock lock(&mu_);
  return tombstones_.contains(token);
}

int FakeSharedTokenStore::finds() {
  absl::MutexLock lock(&mu_);
  return finds_;
}

int FakeSharedTokenStore::answers_added() {
  absl::MutexLock lock(&mu_);
  return answers_added_;
}

void FakeSharedTokenStore::Answer(absl::AnyInvocable<void() &&> answer) {
  {
    absl::MutexLock lock(&mu_);
    if (hold_) {
      held_.push_back(std::move(answer));
      return;
    }
  }
  std::move(answer)();
}

}  // namespace gateway::apivideo::testing
