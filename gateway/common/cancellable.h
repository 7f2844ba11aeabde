// Something started that may be stopped before it ends: an upstream call
// the gRPC edge cancels when its caller goes away.

#ifndef GATEWAY_COMMON_CANCELLABLE_H_
#define GATEWAY_COMMON_CANCELLABLE_H_

namespace gateway {

class Cancellable {
 public:
  virtual ~Cancellable() = default;

  // Ends the work early, unless it has ended already; its completion then
  // reports CANCELLED. Thread-safe, never blocks, may be called repeatedly.
  virtual void Cancel() = 0;
};

}  // namespace gateway

#endif  // GATEWAY_COMMON_CANCELLABLE_H_
