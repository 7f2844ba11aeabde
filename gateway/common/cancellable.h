// Something started that may be stopped before it ends: an upstream call
// the gRPC edge cancels when its caller goes away.

#ifndef GATEWAY_COMMON_CANCELLABLE_H_
#define GATEWAY_COMMON_CANCELLABLE_H_

#include <memory>

namespace gateway {

class Cancellable {
 public:
  virtual ~Cancellable() = default;

  // Ends the work early, unless it has ended already; its completion then
  // reports CANCELLED. Thread-safe, never blocks, may be called repeatedly.
  virtual void Cancel() = 0;
};

// The handle of work that ended before its start returned (answered from a
// cache, refused at once): there is nothing to cancel.
inline std::shared_ptr<Cancellable> AnsweredHandle() {
  class Answered final : public Cancellable {
   public:
    void Cancel() override {}
  };
  static const auto* const answered =
      new std::shared_ptr<Cancellable>(std::make_shared<Answered>());
  return *answered;
}

}  // namespace gateway

#endif  // GATEWAY_COMMON_CANCELLABLE_H_
