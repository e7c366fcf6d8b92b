// The ioctl files' shared pieces: one ioctl's round trip (IocCall) and
// the commands that carry structures (ioctl_data.cc). Not installed.
#pragma once

#include "client/client_impl.h"

namespace strdp::client {

// One ioctl: its request, the copy rounds of a transparent one, and the
// final reply (kRepDone), which stays in the ring until the call ends.
// req_mu is held for the call's life: one request per stream at a time.
class IocCall {
 public:
  explicit IocCall(stdata *sp) : sp_(sp), lock_(&sp->req_mu) {}
  ~IocCall() {
    if (held_) reply_done(sp_);
  }
  IocCall(const IocCall &) = delete;
  IocCall &operator=(const IocCall &) = delete;

  // Sends rq (a0 cmd) and waits for the final reply: 0, or why there is
  // none (ENXIO gone, EPROTO broken). Copy requests are served for a
  // transparent ioctl and refused (EPROTO) for any other.
  int run(shm::Request *rq, const Part *in, int nin, bool transparent);
  // The ioctl's outcome: a copy that failed (EFAULT, EPROTO), else the
  // daemon's error.
  int result() const { return copy_err_ != 0 ? copy_err_ : rep_.err; }
  const shm::Reply &rep() const { return rep_; }
  const uint8_t *payload() const { return out_; }

 private:
  stdata *sp_;
  Lock lock_;
  shm::Reply rep_{};
  const uint8_t *out_ = nullptr;
  bool held_ = false;
  int copy_err_ = 0;
};

// A kOpIoctl request for cmd with a1, fenced or not.
inline shm::Request ioc_request(const stdata *sp, int cmd, int64_t a1, bool fenced) {
  shm::Request rq{};
  rq.op = shm::kOpIoctl;
  rq.a[0] = cmd;
  rq.a[1] = a1;
  if (fenced) rq.wr_fence = wr_fence(sp);
  return rq;
}

// ioctl_data.cc: each returns 0 or an errno, *rval the ioctl's value.
int ioc_look(stdata *sp, char *name, int *rval);
int ioc_list(stdata *sp, str_list *sl, int *rval);
int ioc_peek(stdata *sp, strpeek *pk, int *rval);
int ioc_str(stdata *sp, strioctl *ic, int *rval);
int ioc_transparent(stdata *sp, int cmd, intptr_t arg, int *rval);

}  // namespace strdp::client
