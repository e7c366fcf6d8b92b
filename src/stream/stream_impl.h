// struct stdata: one stream — head, pushed modules, driver — and the
// stream head's state. Not installed.
//
// Rules:
//  - a stream belongs to the scheduler of the thread that opened it; all
//    plumbing (push, pop, close) and every head call run on that thread,
//    between puts (the deferred-put FIFO is empty then);
//  - plumbing order, as illumos: a pushed module is linked in first, then
//    opened (it may send messages from open), then its procedures are
//    turned on; a popped module has its procedures turned off after close,
//    is unlinked, and its leftover messages are freed (counted as drops).
#pragma once

#include <strdp/strdp.h>

#include <cstdint>
#include <vector>

#include "queue/queue_impl.h"
#include "sched/scheduler.h"
#include "stream/registry.h"

namespace strdp {
struct MuxLink;
}

struct stdata {
  strdp::Scheduler *sched = nullptr;
  strdp::QueuePair *head = nullptr;    // stream head queues
  strdp::QueuePair *driver = nullptr;  // driver queues
  strdp::DriverEntry *drv = nullptr;
  struct Pushed {
    strdp::ModuleEntry *mod;
    strdp::QueuePair *qp;
  };
  std::vector<Pushed> modules;  // topmost first
  unsigned anchor = 0;          // I_ANCHOR: modules below this many from
                                // the bottom cannot be popped (0: none)
  dev_t dev = 0;
  int oflag = 0;
  cred_t *cred = nullptr;

  // Stream head state (streamio(7I)).
  int rdopt = 0;          // RNORM | RPROTNORM
  int wropt = 0;          // SNDZERO, SNDPIPE
  int erropt = 0;         // RERRNONPERSIST, WERRNONPERSIST
  int rerror = 0;         // M_ERROR read side (0: none)
  int werror = 0;         // M_ERROR write side
  bool hangup = false;    // M_HANGUP received
  bool pcmsg_queued = false;  // one M_PCPROTO at a time at the head
  bool mread = false;     // SO_MREADON: send M_READ before a blocking read
  bool delim = false;     // SO_DELIM: RNORM read stops at MSGDELIM
  unsigned short wroff = 0;  // SO_WROFF: headroom in written data
  unsigned short wtail = 0;  // SO_TAIL: tailroom in written data
  ssize_t maxblk = INFPSZ;   // SO_MAXBLK
  int closetime_ms = 15000;  // I_SETCLTIME
  uint64_t sigs_received = 0;  // M_SIG/M_PCSIG seen (no signal delivery in-process)
  int last_sig = 0;            // the signal the last of them carried
  // Flushes of the read queue's ordinary messages (FLUSHR of all bands or
  // of band 0, M_ERROR): a shared-memory head that moved some of them out
  // ahead of the reader voids those too (apphead read-ahead).
  uint64_t rflushes = 0;

  // Multiplexing (stream/mux.cc).
  strdp::MuxLink *plex = nullptr;  // linked under a multiplexor: the head's
                                   // queues are the mux's lower queues and
                                   // head calls fail EINVAL (illumos STPLEX)
  unsigned nlinks = 0;  // I_LINK links this stream controls: unlinked at close

  // strdp_stream_share(): other threads may send down this stream (its
  // owner closes it only after they stopped); set once, never cleared.
  std::atomic<bool> shared{false};

  // The one outstanding ioctl (I_STR or transparent).
  bool ioc_busy = false;
  unsigned ioc_id = 0;
  mblk_t *ioc_reply = nullptr;  // M_IOCACK/NAK/COPYIN/COPYOUT for ioc_id

  queue_t *rq() const { return &head->q[0]; }
  queue_t *wq() const { return &head->q[1]; }
  queue_t *drv_rq() const { return &driver->q[0]; }
  bool nonblock() const;
};

namespace strdp {

// Opens driver `name` on the calling thread's scheduler; nullptr + errno.
stdata *stream_open(const char *name, int oflag, cred_t *cr);
int stream_close(stdata *sp);  // 0 or errno
int stream_push(stdata *sp, const char *name);  // 0 or errno
int stream_pop(stdata *sp);                     // 0 or errno
// Removes the stream's name (stream_names.cc); stream_close calls it
// before freeing the stream.
void stream_names_forget(stdata *sp);

// Runs the stream's scheduler once; waits a little when nothing ran, so a
// blocking head call does not spin a core at full speed.
void stream_wait_step(stdata *sp);

// The head's qinit (head queues are recognised by it).
extern streamtab strhead_info;

}  // namespace strdp
