// sniffer — a STREAMS module that copies what passes it to a pcapng file
// or down another stream. Push it anywhere: I_PUSH "sniffer", then
// SNIF_SETARGS (<strdp/sniffer.h>, docs/sniffer.md).
//
// Principles of operation
//  - Every message goes on, unchanged and at once, on the side it came
//    (the module has no service procedures and never queues, so it needs
//    no flow-control logic of its own and M_FLUSH has nothing here to
//    flush). Before it goes, an M_DATA message on a sniffed side is run
//    through the filter, if any, and only a matching one is copied: the
//    filter runs first, so what is not wanted costs no buffer.
//  - The copy is dupmsg(): new block headers over the same buffers, no
//    byte copied on the data path. It goes either into this sniffer's
//    ring to the writer thread (file=; the writer does the formatting and
//    the I/O), or down the target stream (to=).
//  - Nothing on the data path waits or fails the message: a copy that
//    cannot be made (no buffer), queued (ring full) or sent (target gone
//    or full) is counted dropped and the message goes on all the same.
//  - Only M_DATA is captured, every block of it (the pcapng link type is
//    Ethernet: raw-frame streams carry whole frames as M_DATA). M_PROTO
//    and M_PCPROTO messages (a DLPI stream's DL_UNITDATA_IND/REQ) are not:
//    their M_DATA part is a payload without its Ethernet header, which a
//    capture labelled Ethernet would misrepresent.
//  - The burst put does per burst what the put does per message, with one
//    timestamp, one ring enqueue and one putnext_burst for the burst.
//  - All state is the owning scheduler's: the put procedures and the
//    ioctls run there one at a time, so an ioctl replaces the filter or
//    the output between two messages, with no lock.
#include <rte_cycles.h>
#include <sys/types.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/conf.h>

#include <algorithm>
#include <cerrno>
#include <new>

#include "sniffer_impl.h"

namespace strdp::snif {
namespace {

// How long close() waits for the writer to finish this sniffer's file.
// Bounded, as I_POP's own wait is: a writer stuck on an output nobody
// reads must not hold the stream for ever (it finishes the file later).
constexpr unsigned kCloseWaitMs = 5000;
constexpr unsigned kChunk = 32;  // copies per ring enqueue

inline Side side_of(const queue_t *q) { return (q->q_flag & QREADR) ? kRd : kWr; }

// Decides for one message; returns its copy, or nullptr (counted).
inline mblk_t *take(Sniffer *sn, SideCounters &c, bool on, mblk_t *mp) {
  ++c.seen;
  if (!on || mp->b_datap->db_type != M_DATA || (mp->b_flag & SNIF_MSGCOPY)) {
    ++c.skipped;
    return nullptr;
  }
  if (sn->filter && !sn->filter->match(mp)) {
    ++c.filtered;
    return nullptr;
  }
  mblk_t *dup = dupmsg(mp);
  if (dup == nullptr) [[unlikely]]
    ++c.dropped;
  return dup;
}

// Hands n copies to the output; items[i].mp are the copies.
void deliver(Sniffer *sn, SideCounters &c, Item *items, unsigned n) {
  if (n == 0) return;
  if (sn->cap != nullptr && !sn->cfg.file.empty()) {
    unsigned k = sn->cap->enqueue(items, n);
    c.enqueued += k;
    for (unsigned i = k; i < n; ++i) freemsg(items[i].mp);
    c.dropped += n - k;
    return;
  }
  // to=: trim to snaplen here (a pcapng copy is cut by the writer).
  for (unsigned i = 0; i < n; ++i) {
    mblk_t *dup = items[i].mp;
    size_t len = msgsize(dup);
    if (len > sn->cfg.snaplen) adjmsg(dup, -static_cast<ssize_t>(len - sn->cfg.snaplen));
    if (sn->target.send(dup)) ++c.sent;
    else ++c.dropped;
  }
}

int sniffer_put(queue_t *q, mblk_t *mp) {
  auto *sn = static_cast<Sniffer *>(q->q_ptr);
  Side s = side_of(q);
  if (s == kWr && mp->b_datap->db_type == M_IOCTL && sniffer_ioctl(q, mp))
    return 0;  // ours: answered; any other ioctl goes on below
  if (mblk_t *dup = take(sn, sn->side[s], sn->on[s], mp)) {
    Item it{dup, rte_rdtsc() << 1 | s};
    deliver(sn, sn->side[s], &it, 1);
  }
  putnext(q, mp);
  return 0;
}

void sniffer_putb(queue_t *q, mblk_t **mps, unsigned n) {
  auto *sn = static_cast<Sniffer *>(q->q_ptr);
  Side s = side_of(q);
  SideCounters &c = sn->side[s];
  bool on = sn->on[s];
  if (s == kWr) [[unlikely]] {
    // An ioctl in a burst: take the slow path for all of it, in order.
    for (unsigned i = 0; i < n; ++i)
      if (mps[i]->b_datap->db_type == M_IOCTL) {
        for (unsigned j = 0; j < n; ++j) sniffer_put(q, mps[j]);
        return;
      }
  }
  if (!on) {
    c.seen += n;
    c.skipped += n;
    putnext_burst(q, mps, n);
    return;
  }
  uint64_t meta = rte_rdtsc() << 1 | s;
  Item items[kChunk];
  unsigned k = 0;
  for (unsigned i = 0; i < n; ++i) {
    if (mblk_t *dup = take(sn, c, true, mps[i])) items[k++] = Item{dup, meta};
    if (k == kChunk) {
      deliver(sn, c, items, k);
      k = 0;
    }
  }
  deliver(sn, c, items, k);
  putnext_burst(q, mps, n);
}

int sniffer_open(queue_t *q, dev_t *, int, int sflag, cred_t *) {
  if (sflag != MODOPEN) return EINVAL;
  if (q->q_ptr != nullptr) return 0;  // a re-open: nothing new
  auto *sn = new (std::nothrow) Sniffer;
  if (sn == nullptr) return ENOMEM;
  sn->rq = q;
  sn->sched = strdp_sched_current();
  q->q_ptr = WR(q)->q_ptr = sn;
  qprocson(q);
  return 0;
}

int sniffer_close(queue_t *q, int, cred_t *) {
  auto *sn = static_cast<Sniffer *>(q->q_ptr);
  // Procedures off first: no enqueue can follow the capture's close.
  qprocsoff(q);
  if (sn->cap != nullptr) sn->cap->close(kCloseWaitMs);
  q->q_ptr = WR(q)->q_ptr = nullptr;
  delete sn;
  return 0;
}

module_info sniffer_minfo = {0x534e, const_cast<char *>("sniffer"), 0, INFPSZ, 0, 0};
qinit sniffer_rinit = {
  .qi_putp = sniffer_put,
  .qi_qopen = sniffer_open,
  .qi_qclose = sniffer_close,
  .qi_minfo = &sniffer_minfo,
  .qi_putbp = sniffer_putb,
};
qinit sniffer_winit = {
  .qi_putp = sniffer_put,
  .qi_minfo = &sniffer_minfo,
  .qi_putbp = sniffer_putb,
};
streamtab sniffer_info = {.st_rdinit = &sniffer_rinit, .st_wrinit = &sniffer_winit};
fmodsw sniffer_fsw = {"sniffer", &sniffer_info, D_MP};

}  // namespace

void sniffer_update_on(Sniffer *sn) {
  bool out = !sn->cfg.file.empty() || !sn->cfg.to.empty();
  sn->on[kRd] = out && (sn->cfg.dir & kDirRd);
  sn->on[kWr] = out && (sn->cfg.dir & kDirWr);
}

}  // namespace strdp::snif

using strdp::snif::sniffer_fsw;
STRDP_MODULE_REGISTER(sniffer_fsw)
