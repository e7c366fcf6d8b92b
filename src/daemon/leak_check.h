// Message buffers in use, counted where the count is comparable.
//
// At start the count is taken before any port is set up; at stop after
// every stream is closed and every port is closed. Between these two
// points every buffer the dataplane took (PMD rx rings, messages in
// queues, frames on tx rings) has been given back, whatever the PMD
// does with its descriptors, so the two counts must be equal. Counting
// after port set-up instead would depend on the PMD: a NIC keeps
// transmitted buffers on its tx ring until it reuses the descriptors.
#pragma once

namespace strdp::daemon {

struct LeakCount {
  unsigned start = 0;
  unsigned stop = 0;
};

class LeakCheck {
 public:
  void mark_start();
  void mark_stop();
  bool started() const { return started_; }
  const LeakCount &count() const { return c_; }
  // In use now, over every socket's message pool.
  static unsigned in_use();

 private:
  LeakCount c_;
  bool started_ = false;
};

}  // namespace strdp::daemon
