// to=NAME: copies sent down another stream's write side.
//
// The target is found by name (strdp_stream_set_name) and must belong to
// the sniffer's own scheduler, or be shared (strdp_stream_share: the
// daemon's [[apps.stream]] streams, which applications read). Our own
// scheduler's stream is closed only on this thread, between puts, never
// while a put of ours runs; a shared one only after this lane stopped.
// Either way a pointer checked against the name table's epoch before
// each use cannot be stale. When
// the epoch has moved (some name was set or removed, a closing included)
// the name is looked up again: a closed target reads as gone (copies
// counted dropped) until a stream of that name appears again on this
// scheduler.
//
// A copy goes to the queue below the target's head, as a write would,
// and only if that queue can take it (canputnext): a full target drops
// the copy rather than holding the passing traffic. A shared target of
// another scheduler is sent to through its owner (strdp_stream_send_down),
// which judges canputnext there and counts what it drops in that
// stream's drops; a full request ring is our drop. Each copy carries
// SNIF_MSGCOPY, so a sniffer on the target (or anywhere it goes) passes
// it without copying it again: two streams copying to each other do not
// loop.
#include <strdp/strdp.h>

#include <cerrno>

#include "sniffer_impl.h"

namespace strdp::snif {

bool Target::set(const std::string &name, strdp_sched_t *sched, int *err) {
  uint64_t epoch = strdp_stream_names_epoch();
  strdp_stream_t *sp = strdp_stream_lookup(name.c_str(), sched);
  if (sp == nullptr) {
    *err = errno == EXDEV ? EXDEV : EINVAL;
    return false;
  }
  name_ = name;
  sched_ = sched;
  sp_ = sp;
  epoch_ = epoch;
  return true;
}

strdp_stream_t *Target::resolve() {
  uint64_t epoch = strdp_stream_names_epoch();
  if (epoch != epoch_) [[unlikely]] {
    // Read the epoch first: a change after it is seen next time.
    epoch_ = epoch;
    sp_ = strdp_stream_lookup(name_.c_str(), sched_);
  }
  return sp_;
}

bool Target::send(mblk_t *dup) {
  strdp_stream_t *sp = resolve();
  if (sp == nullptr) {
    freemsg(dup);
    return false;
  }
  for (mblk_t *b = dup; b != nullptr; b = b->b_cont) b->b_flag |= SNIF_MSGCOPY;
  if (strdp_stream_send_down(sp, dup) != 0) {
    freemsg(dup);
    return false;
  }
  return true;
}

}  // namespace strdp::snif
