#include "gateway/http/easy_handle_pool.h"

namespace gateway::http {

EasyHandlePool::~EasyHandlePool() { Clear(); }

CURL* EasyHandlePool::Acquire() {
  if (idle_.empty()) return curl_easy_init();
  CURL* easy = idle_.back();
  idle_.pop_back();
  return easy;
}

void EasyHandlePool::Release(CURL* easy) {
  if (idle_.size() >= kMaxIdleHandles) {
    curl_easy_cleanup(easy);
    return;
  }
  // Forgets every option and the transfer's info; the connection cache and
  // DNS cache live in the multi handle and are kept.
  curl_easy_reset(easy);
  idle_.push_back(easy);
}

void EasyHandlePool::Clear() {
  for (CURL* easy : idle_) curl_easy_cleanup(easy);
  idle_.clear();
}

}  // namespace gateway::http
