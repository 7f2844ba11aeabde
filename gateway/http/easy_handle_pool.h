// EasyHandlePool: libcurl easy handles of finished transfers, reset and kept
// for the next transfers of a CurlLoop, so that a burst does not pay a
// curl_easy_init() per transfer. Beyond kMaxIdleHandles, released handles
// are freed.
//
// Threading: not thread-safe; CurlLoop uses it on its loop thread only.

#ifndef GATEWAY_HTTP_EASY_HANDLE_POOL_H_
#define GATEWAY_HTTP_EASY_HANDLE_POOL_H_

#include <curl/curl.h>

#include <cstddef>
#include <vector>

namespace gateway::http {

class EasyHandlePool {
 public:
  // Enough to serve bursts without a curl_easy_init() each; beyond it,
  // handles of finished transfers are freed.
  static constexpr std::size_t kMaxIdleHandles = 64;

  EasyHandlePool() = default;
  EasyHandlePool(const EasyHandlePool&) = delete;
  EasyHandlePool& operator=(const EasyHandlePool&) = delete;
  // Frees the idle handles.
  ~EasyHandlePool();

  // An idle handle, in the state curl_easy_reset() leaves, or a new one;
  // null if libcurl is out of memory. The caller owns it until Release().
  CURL* Acquire();

  // Takes back `easy`, no longer attached to a multi handle: resets it and
  // keeps it idle, or frees it when kMaxIdleHandles are idle already.
  void Release(CURL* easy);

  // Frees the idle handles now, e.g. before the multi handle whose
  // transfers used them is cleaned up.
  void Clear();

  // How many handles are idle.
  std::size_t idle_count() const { return idle_.size(); }

 private:
  std::vector<CURL*> idle_;  // Reset, ready for reuse.
};

}  // namespace gateway::http

#endif  // GATEWAY_HTTP_EASY_HANDLE_POOL_H_
