// Multiplexor links: I_LINK, I_PLINK, I_UNLINK, I_PUNLINK (streamio(7I)),
// as illumos' mlink()/munlink() make and undo them.
//
// Principles of operation
//  - Linking lower stream L under the multiplexing driver of controlling
//    stream C turns L's stream-head queue pair into the driver's lower
//    queue pair (illumos setq): the qinits become st_muxrinit/st_muxwinit,
//    water marks and packet sizes come from their module_info, q_ptr is
//    the driver's. What L's driver sends up then reaches the mux's lower
//    read put; the mux sends down L with putnext(l_qbot), l_qbot being L's
//    head write queue. The mux learns of the link from an M_IOCTL I_LINK
//    or I_PLINK carrying a linkblk, sent down C; it ACKs or NAKs, and a
//    NAK (or any error) undoes everything.
//  - While a link ioctl is in flight, what L's driver sends up is held on
//    L's read queue (a put procedure that only queues), as illumos blocks
//    it in a pass-through queue: neither the head nor the mux is in a state
//    to take it. The queue pair changes hands when the mux has ACKed; the
//    held messages, with those the head had not read yet, then go to the
//    mux's lower read put in order. After a NAK they go back to the head.
//  - While linked, nobody uses L through its head: every head call on L
//    fails EINVAL (head_api.cc), strdp_close included.
//  - Unlinking sends I_UNLINK/I_PUNLINK with the same linkblk. On the ACK
//    what the mux left on L's queues is freed, the head's qinits, q_ptr and
//    water marks are put back, and M_FLUSH FLUSHRW goes down L so its
//    modules and driver drop what was meant for the mux. A NAK keeps the
//    link, except at close, where the link is undone whatever the answer.
//  - The link ioctls wait for ever (INFTIM), as in illumos: undoing a link
//    that the mux may still act on would leave it sending to a stream head.
//  - Cycles: as in illumos the graph has one node per driver (its
//    streamtab, which minor-node aliases share) and an edge from a mux to
//    the driver of each stream linked under it. A mux shares its lower
//    streams among all its upper streams, so a path through any stream of
//    a driver is a path; a stream of driver D linked under D is a cycle.
//  - Threads: C and L belong to one scheduler (EXDEV otherwise), and a
//    link is made and undone only on that thread. The link table (which is
//    the graph) and the set of open streams are shared by every thread and
//    guarded by one mutex, never held across an ioctl wait. A link enters
//    the table, edge included, before its I_LINK goes down, so two threads
//    cannot close a cycle between them.
//
// Who closes what
//  - C's I_LINK links are unlinked when C closes. I_PLINK links outlive C
//    and end with I_PUNLINK, sent on any stream of the same driver that
//    belongs to L's scheduler, or with strdp_runtime_fini().
//  - L stays open and stays its owner's: after the unlink its head works
//    again and its owner closes it. It cannot be closed while linked.
//  - strdp_runtime_fini() is the end of every stream. For each persistent
//    link left on the calling thread's scheduler it opens a stream of the
//    mux, sends I_PUNLINK there, closes that stream, and then closes L as
//    well, since nobody can after fini; it warns about each. Orderly code
//    unlinks and closes before fini.
#include "stream/mux.h"

#include <fcntl.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <string>
#include <memory>
#include <mutex>
#include <new>
#include <unordered_set>
#include <vector>

#include "head/head_impl.h"
#include "sched/timer_service.h"

namespace strdp {

// What a link changes on one of L's head queues, to be put back.
struct SavedQueue {
  qinit *qi;
  void *ptr;
  ssize_t minpsz, maxpsz;
  size_t hiwat, lowat;
};

struct MuxLink {
  int id = 0;
  bool persistent = false;
  bool active = false;  // the mux ACKed the link (guarded by Table::mu)
  bool busy = false;    // a link ioctl for it is in flight (Table::mu)
  stdata *ctl = nullptr;    // controlling stream; nullptr for I_PLINK
  stdata *lower = nullptr;  // L
  const streamtab *mux_st = nullptr;    // graph edge: from the mux ...
  const streamtab *lower_st = nullptr;  // ... to L's driver
  DriverEntry *mux_drv = nullptr;  // held: a mux with links cannot be
                                   // unregistered (EBUSY)
  linkblk lb{};
  SavedQueue saved[2]{};  // L's head read and write queue
};

namespace {

struct Table {
  std::mutex mu;
  std::map<int, std::unique_ptr<MuxLink>> links;  // by mux id: the graph
  std::unordered_set<const stdata *> open;        // every open stream
  int next_id = 1;
};

Table &table() {
  static Table *t = new Table;  // never destroyed: streams may close late
  return *t;
}

// A multiplexing driver has both lower qinits, each callable.
bool is_mux(const streamtab *st) {
  for (const qinit *qi : {st->st_muxrinit, st->st_muxwinit})
    if (qi == nullptr || qi->qi_putp == nullptr || qi->qi_minfo == nullptr) return false;
  return true;
}

// Whether the driver graph leads from `from` to `to` (a node reaches
// itself).
bool reaches(const Table &t, const streamtab *from, const streamtab *to) {
  std::vector<const streamtab *> todo{from};
  std::unordered_set<const streamtab *> seen;
  while (!todo.empty()) {
    const streamtab *n = todo.back();
    todo.pop_back();
    if (n == to) return true;
    if (!seen.insert(n).second) continue;
    for (const auto &entry : t.links)
      if (entry.second->mux_st == n) todo.push_back(entry.second->lower_st);
  }
  return false;
}

// Ids go up and are reused only after wrapping, so a stale id names no
// link rather than somebody else's.
int new_id_locked(Table &t) {
  for (;;) {
    int id = t.next_id;
    t.next_id = id == INT_MAX ? 1 : id + 1;
    if (t.links.find(id) == t.links.end()) return id;
  }
}

void set_flags(MuxLink *l, bool active, bool busy) {
  std::lock_guard lock(table().mu);
  l->active = active;
  l->busy = busy;
}

// Takes l out of the table (and the graph); L's head calls work again.
void drop(MuxLink *l) {
  Table &t = table();
  DriverEntry *mux = l->mux_drv;
  {
    std::lock_guard lock(t.mu);
    l->lower->plex = nullptr;
    t.links.erase(l->id);  // frees l
  }
  driver_release(mux);
}

SavedQueue save(const queue_t *q) {
  return {q->q_qinfo, q->q_ptr, q->q_minpsz, q->q_maxpsz, q->q_hiwat, q->q_lowat};
}

// The hold: while a link ioctl is in flight, L's read queue only queues.
int hold_put(queue_t *q, mblk_t *mp) {
  if (putq(q, mp) == 0) {
    count_drop(q, STRDP_DROP_NOMEM);
    freemsg(mp);
  }
  return 0;
}
module_info hold_minfo = {0, const_cast<char *>("muxhold"), 0, INFPSZ, STRHIGH, STRLOW};
qinit hold_rinit = {.qi_putp = hold_put, .qi_minfo = &hold_minfo};

// illumos setq: q takes qi's procedures and limits. strqset keeps QFULL in
// step with the new high water mark and back-enables under the new low one.
void setq(queue_t *q, qinit *qi, const SavedQueue &lim) {
  q->q_qinfo = qi;
  q->q_minpsz = lim.minpsz;
  q->q_maxpsz = lim.maxpsz;
  strqset(q, QHIWAT, 0, static_cast<intptr_t>(lim.hiwat));
  strqset(q, QLOWAT, 0, static_cast<intptr_t>(lim.lowat));
}

void setq_mux(queue_t *q, qinit *qi) {
  const module_info *mi = qi->qi_minfo;
  setq(q, qi, SavedQueue{qi, q->q_ptr, mi->mi_minpsz, mi->mi_maxpsz, mi->mi_hiwat, mi->mi_lowat});
}

// Sends link ioctl cmd with lb down `via` and waits for the answer, for
// ever. The head copies an ACK's data (a mux has no reason to send any)
// to the caller's buffer for as many bytes as the mux says, so the buffer
// is as large as an ioctl may be.
int link_ioctl(stdata *via, int cmd, const linkblk &lb) {
  std::unique_ptr<char[]> buf(new (std::nothrow) char[kStrMsgSize]);
  if (buf == nullptr) return ENOSR;
  memcpy(buf.get(), &lb, sizeof lb);
  strioctl ic = {cmd, INFTIM, static_cast<int>(sizeof lb), buf.get()};
  int rval;
  return head_ioctl_str(via, &ic, &rval);
}

// After the hold: what waits on L's read queue goes to the put procedure
// of whoever owns the queue now (the mux, or the head again), in order.
void hand_over(queue_t *rq) {
  mblk_t *first = nullptr, **tail = &first;
  for (mblk_t *mp; (mp = getq(rq)) != nullptr; tail = &mp->b_next) *tail = mp;
  *tail = nullptr;
  while (first != nullptr) {
    mblk_t *mp = first;
    first = mp->b_next;
    mp->b_next = nullptr;
    put(rq, mp);
  }
}

// Makes L's queue pair a stream head again and flushes L (the mux ACKed
// the unlink, or the controlling stream is closing).
void restore_lower(MuxLink *l) {
  stdata *lo = l->lower;
  queue_t *qs[2] = {lo->rq(), lo->wq()};
  for (int i = 0; i < 2; ++i) {
    queue_t *q = qs[i];
    // The mux's service procedure must not run on a head queue, and what
    // it left on the queues was meant for it: freed, as illumos does.
    lo->sched->forget(q);
    flushq(q, FLUSHALL);
    if (unsigned left = lo->sched->timers().cancel_for_queue(q); left != 0)
      cmn_err(CE_WARN, "unlink of mux id %d: %u timeout/bufcall(s) of %s on the lower stream "
              "cancelled", l->id, left, l->mux_drv->name.c_str());
    enableok(q);
    q->q_ptr = l->saved[i].ptr;
  }
  setq(qs[0], l->saved[0].qi, l->saved[0]);
  setq(qs[1], l->saved[1].qi, l->saved[1]);
  lo->pcmsg_queued = false;
  if (!l->persistent) --l->ctl->nlinks;
  drop(l);
  // The modules and driver of L may still hold what the mux sent down or
  // what was on its way up to it.
  putnextctl1(lo->wq(), M_FLUSH, FLUSHRW);
}

// munlink(): tells the mux through `via` and undoes the link. At close
// (`closing`) the link is undone whatever the answer.
int unlink_one(stdata *via, MuxLink *l, bool closing) {
  queue_t *rq = l->lower->rq();
  qinit *mux_rinit = rq->q_qinfo;
  set_flags(l, true, true);
  rq->q_qinfo = &hold_rinit;  // the mux may let go of L before it answers
  int err = link_ioctl(via, l->persistent ? I_PUNLINK : I_UNLINK, l->lb);
  set_flags(l, true, false);
  if (err != 0) {
    if (!closing) {
      // Still linked: the held messages are the mux's again, behind what
      // it queued itself; its service procedure takes them, or its put
      // when it has none (then it never queues).
      rq->q_qinfo = mux_rinit;
      if (rq->q_first != nullptr) {
        if (mux_rinit->qi_srvp != nullptr)
          qenable(rq);
        else
          hand_over(rq);
      }
      return err;
    }
    cmn_err(CE_WARN, "mux id %d: %s did not accept the unlink (error %d); unlinked anyway",
            l->id, l->mux_drv->name.c_str(), err);
  }
  restore_lower(l);
  return 0;
}

// The first link that unlink_all() takes: ctl's I_LINK links, or the
// persistent links of via's driver whose lower stream is via's thread's.
MuxLink *next_for_all(stdata *via, bool persistent) {
  Table &t = table();
  std::lock_guard lock(t.mu);
  for (auto &entry : t.links) {
    MuxLink *l = entry.second.get();
    if (!l->active || l->busy) continue;
    bool match = persistent ? l->persistent && l->mux_st == via->drv->st &&
                                  l->lower->sched == via->sched
                            : !l->persistent && l->ctl == via;
    if (match) return l;
  }
  return nullptr;
}

// MUXID_ALL (illumos munlinkall): stops at the first refusal.
int unlink_all(stdata *via, bool persistent, bool closing) {
  while (MuxLink *l = next_for_all(via, persistent))
    if (int e = unlink_one(via, l, closing); e != 0) return e;
  return 0;
}

}  // namespace

bool mux_stream_opened(stdata *sp) {
  Table &t = table();
  try {
    std::lock_guard lock(t.mu);
    t.open.insert(sp);
    return true;
  } catch (...) {
    return false;
  }
}

void mux_stream_closed(stdata *sp) {
  Table &t = table();
  std::lock_guard lock(t.mu);
  t.open.erase(sp);
}

int mux_link(stdata *ctl, int cmd, intptr_t arg, int *muxid) {
  if (ctl->hangup) return ENXIO;
  const streamtab *st = ctl->drv->st;
  if (!is_mux(st)) return EINVAL;  // not a multiplexing driver
  auto *lower = reinterpret_cast<stdata *>(arg);
  auto nl = std::unique_ptr<MuxLink>(new (std::nothrow) MuxLink);
  if (nl == nullptr) return ENOSR;
  MuxLink *l = nl.get();
  Table &t = table();
  {
    std::lock_guard lock(t.mu);
    // The argument stands for a file descriptor: an unknown one is EBADF.
    if (lower == nullptr || t.open.count(lower) == 0) return EBADF;
    // Only the owner's thread may touch L's queues (and read its state).
    if (lower->sched != ctl->sched) return EXDEV;
    // streamio: a lower stream that is this stream, linked already, hung
    // up, in error or busy with an ioctl cannot be linked; nor one whose
    // driver leads back to this mux (a cycle).
    if (lower == ctl || lower->plex != nullptr || lower->hangup || lower->rerror != 0 ||
        lower->werror != 0 || lower->ioc_busy)
      return EINVAL;
    if (reaches(t, lower->drv->st, st)) return EINVAL;
    l->mux_drv = driver_hold(ctl->drv->name);
    if (l->mux_drv == nullptr) return EINVAL;  // cannot happen: ctl holds it
    l->id = new_id_locked(t);
    l->persistent = cmd == I_PLINK;
    l->busy = true;
    l->ctl = l->persistent ? nullptr : ctl;
    l->lower = lower;
    l->mux_st = st;
    l->lower_st = lower->drv->st;
    // l_qtop: the mux's upper write queue at the end of C (illumos
    // getendq); NULL marks a persistent link.
    l->lb = {l->persistent ? nullptr : &ctl->driver->q[1], lower->wq(), l->id};
    try {
      t.links.emplace(l->id, std::move(nl));
    } catch (...) {
      driver_release(l->mux_drv);
      return ENOSR;
    }
    lower->plex = l;
  }

  queue_t *rq = lower->rq(), *wq = lower->wq();
  l->saved[0] = save(rq);
  l->saved[1] = save(wq);
  rq->q_ptr = wq->q_ptr = nullptr;  // the mux's to set while it links
  rq->q_qinfo = &hold_rinit;
  if (int err = link_ioctl(ctl, cmd, l->lb); err != 0) {
    rq->q_qinfo = l->saved[0].qi;
    rq->q_ptr = l->saved[0].ptr;
    wq->q_ptr = l->saved[1].ptr;
    drop(l);
    // The head takes back what it had queued and what was held, afresh.
    lower->pcmsg_queued = false;
    hand_over(rq);
    return err;
  }
  setq_mux(rq, st->st_muxrinit);
  setq_mux(wq, st->st_muxwinit);
  lower->pcmsg_queued = false;
  if (!l->persistent) ++ctl->nlinks;
  set_flags(l, true, false);
  hand_over(rq);
  *muxid = l->id;
  return 0;
}

int mux_unlink(stdata *ctl, int cmd, intptr_t arg) {
  if (ctl->hangup) return ENXIO;
  bool persistent = cmd == I_PUNLINK;
  if (arg == MUXID_ALL) return unlink_all(ctl, persistent, false);
  if (arg <= 0 || arg > INT_MAX) return EINVAL;
  MuxLink *l;
  {
    Table &t = table();
    std::lock_guard lock(t.mu);
    auto it = t.links.find(static_cast<int>(arg));
    if (it == t.links.end() || !it->second->active) return EINVAL;
    l = it->second.get();
    if (l->busy) return EBUSY;
    if (persistent) {
      // Any stream of the same multiplexing driver may end a persistent
      // link, from the thread that owns the lower stream.
      if (!l->persistent || l->mux_st != ctl->drv->st) return EINVAL;
      if (l->lower->sched != ctl->sched) return EXDEV;
    } else if (l->persistent || l->ctl != ctl) {
      return EINVAL;  // only the controlling stream ends an I_LINK link
    }
  }
  return unlink_one(ctl, l, false);
}

void mux_unlink_on_close(stdata *ctl) {
  if (ctl->nlinks == 0) return;
  // A closing stream's errors do not stop its unlinks (SVR4 cleared them,
  // illumos passes STR_NOERROR): without the ioctl the mux would keep
  // sending to L. A hangup stays: the mux may not answer then, and the
  // link is undone anyway.
  ctl->rerror = ctl->werror = 0;
  unlink_all(ctl, false, true);
}

void mux_fini() {
  Table &t = table();
  Scheduler *me = Scheduler::current();
  std::unordered_set<int> tried;
  for (;;) {
    MuxLink *l = nullptr;
    {
      std::lock_guard lock(t.mu);
      for (auto &entry : t.links) {
        MuxLink *x = entry.second.get();
        if (x->active && !x->busy && x->persistent && x->lower->sched == me &&
            tried.count(x->id) == 0) {
          l = x;
          break;
        }
      }
    }
    if (l == nullptr) break;
    tried.insert(l->id);
    stdata *lo = l->lower;
    std::string mux = l->mux_drv->name;
    cmn_err(CE_WARN, "strdp_runtime_fini: persistent link %d (%s under %s) left in place: "
            "unlinking it and closing its lower stream", l->id, lo->drv->name.c_str(), mux.c_str());
    if (stdata *via = stream_open(mux.c_str(), O_RDWR | O_NONBLOCK, nullptr); via != nullptr) {
      unlink_one(via, l, true);
      stream_close(via);
    } else {
      cmn_err(CE_WARN, "strdp_runtime_fini: cannot open %s to unlink mux id %d; undone anyway",
              mux.c_str(), l->id);
      restore_lower(l);
    }
    stream_close(lo);
  }
  std::lock_guard lock(t.mu);
  for (auto &entry : t.links)
    cmn_err(CE_WARN, "strdp_runtime_fini: mux id %d (%s under %s) still linked: its %s",
            entry.first, entry.second->lower->drv->name.c_str(),
            entry.second->mux_drv->name.c_str(),
            entry.second->persistent ? "lower stream belongs to another thread"
                                     : "controlling stream is still open");
}

}  // namespace strdp
