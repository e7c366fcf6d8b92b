// pmd — the DLPI Ethernet driver over DPDK ethdev queues (strdp/pmd.h,
// docs/drivers.md). A clone device, DLPI style 2: each open of "pmd" is a
// new stream in DL_UNATTACHED; DL_ATTACH_REQ picks the (port, queue).
//
// Write side, by message type:
//  - M_DATA: a whole frame in raw mode (DLIOCRAW), else refused (freed,
//    counted tx_invalid: DLPI data travels as DL_UNITDATA_REQ);
//  - M_PROTO / M_PCPROTO: DL_UNITDATA_REQ is data and keeps its place
//    behind queued data; every other primitive is answered at once;
//  - M_FLUSH: the canonical driver algorithm (flush the write queue for
//    FLUSHW, turn FLUSHR back up with FLUSHW cleared, else free);
//  - M_IOCTL: DLIOCRAW is acknowledged (root only, EPERM otherwise), any
//    other command is M_IOCNAK EINVAL;
//  - anything else means nothing to a link and is freed.
// Ordering: data that finds messages already queued is queued behind them
// (putq), so frames leave in the order they were written.
#include <strdp/strsun.h>

#include <atomic>
#include <cerrno>
#include <new>

#include "pmd_impl.h"

namespace strdp::pmd {
namespace {

std::atomic<minor_t> g_next_minor{1};

void flush_req(queue_t *q, mblk_t *mp) {
  if (MBLKL(mp) < 1) {
    freemsg(mp);
    return;
  }
  bool band = (*mp->b_rptr & FLUSHBAND) && MBLKL(mp) >= 2;
  if (*mp->b_rptr & FLUSHW) {
    if (band)
      flushband(q, mp->b_rptr[1], FLUSHDATA);
    else
      flushq(q, FLUSHDATA);
    *mp->b_rptr &= ~FLUSHW;
  }
  if (*mp->b_rptr & FLUSHR) {
    // Our read queue holds nothing (rput passes on), but the rule is
    // cheap to keep.
    if (band)
      flushband(RD(q), mp->b_rptr[1], FLUSHDATA);
    else
      flushq(RD(q), FLUSHDATA);
    qreply(q, mp);
  } else {
    freemsg(mp);
  }
}

void ioctl_req(queue_t *q, mblk_t *mp) {
  auto *ps = static_cast<PmdStream *>(q->q_ptr);
  if (MBLKL(mp) < static_cast<ssize_t>(sizeof(iocblk))) {
    freemsg(mp);
    return;
  }
  auto *ioc = reinterpret_cast<iocblk *>(mp->b_rptr);
  switch (ioc->ioc_cmd) {
    case DLIOCRAW:
      // Raw frames bypass the SAP and address filters: as on Solaris,
      // for privileged users only.
      if (drv_priv(ioc->ioc_cr) != 0) {
        miocnak(q, mp, 0, EPERM);
        return;
      }
      ps->raw = true;
      miocack(q, mp, 0, 0);
      return;
    default:
      miocnak(q, mp, 0, EINVAL);
      return;
  }
}

int pmd_open(queue_t *q, dev_t *devp, int, int sflag, cred_t *cr) {
  if (sflag == MODOPEN) return EINVAL;  // a driver, not a module
  if (q->q_ptr != nullptr) return 0;
  if (int e = pmd_open_state(q, cr, false, 0); e != 0) return e;
  *devp = makedevice(getmajor(*devp), g_next_minor.fetch_add(1, std::memory_order_relaxed));
  return 0;
}

// Write queue limits: 64 KiB of frames may wait for the NIC before the
// writer is held back; below 16 KiB it may write again.
module_info pmd_minfo = {0x504d, const_cast<char *>("pmd"), 0, INFPSZ, 64 * 1024, 16 * 1024};
qinit pmd_rinit = {
    .qi_putp = pmd_rput, .qi_qopen = pmd_open, .qi_qclose = pmd_close, .qi_minfo = &pmd_minfo};
qinit pmd_winit = {
  .qi_putp = pmd_wput,
  .qi_srvp = pmd_wsrv,
  .qi_minfo = &pmd_minfo,
  .qi_putbp = pmd_wputb,
  .qi_putfp = pmd_wputf,
};
streamtab pmd_info = {.st_rdinit = &pmd_rinit, .st_wrinit = &pmd_winit};

}  // namespace

int pmd_wput(queue_t *q, mblk_t *mp) {
  auto *ps = static_cast<PmdStream *>(q->q_ptr);
  switch (mp->b_datap->db_type) {
    case M_DATA:
      if (ps->raw && ps->lane != nullptr) [[likely]] {
        if (q->q_first != nullptr || !tx_raw(ps, mp)) putq(q, mp);
      } else {
        if (ps->lane != nullptr) bump(ps->lane->st.tx_invalid, 1);
        freemsg(mp);
      }
      return 0;
    case M_PROTO:
    case M_PCPROTO:
      if (is_unitdata(mp)) {
        if (q->q_first != nullptr || !tx_unitdata(q, ps, mp)) putq(q, mp);
      } else {
        dl_proto(q, mp);
      }
      return 0;
    case M_FLUSH: flush_req(q, mp); return 0;
    case M_IOCTL: ioctl_req(q, mp); return 0;
    default: freemsg(mp); return 0;
  }
}

// A burst from above (raw frames, on the forwarding path): the plain
// frames straight into the tx buffer, anything else as the put procedure
// takes it, then one hand-over to the NIC.
void pmd_wputb(queue_t *q, mblk_t **mps, unsigned n) {
  auto *ps = static_cast<PmdStream *>(q->q_ptr);
  unsigned i = 0;
  // Nothing waits on the queue, so the frames may overtake nothing.
  if (ps->raw && ps->lane != nullptr && q->q_first == nullptr) [[likely]]
    i = tx_raw_burst(ps, mps, n);
  for (; i < n; ++i) pmd_wput(q, mps[i]);
  if (ps->lane != nullptr) lane_flush(ps->lane);
}

// Frames from above (a cross-connect, a pass-through module): straight to
// the NIC when the stream sends raw frames and nothing waits on the queue.
// What it does not take the framework hands to the message burst's path
// (pmd_wputb), which also hands the buffer to the NIC; when it took all,
// it hands the buffer over itself.
unsigned pmd_wputf(queue_t *q, strdp_frame_t **f, unsigned n) {
  auto *ps = static_cast<PmdStream *>(q->q_ptr);
  if (!ps->raw || ps->lane == nullptr || q->q_first != nullptr) [[unlikely]]
    return 0;
  unsigned i = tx_frames(ps, f, n);
  if (i == n) lane_flush(ps->lane);
  return i;
}

int pmd_rput(queue_t *q, mblk_t *mp) { return putnext(q, mp); }

int pmd_open_state(queue_t *q, cred_t *cr, bool style1_raw, uint32_t ppa) {
  auto *ps = new (std::nothrow) PmdStream;
  if (ps == nullptr) return ENOMEM;
  ps->rq = q;
  ps->cr = cr;
  q->q_ptr = WR(q)->q_ptr = ps;
  if (style1_raw) {
    ps->style = DL_STYLE1;
    ps->raw = true;
    if (int e = attach_lane(ps, ppa); e != 0) {
      q->q_ptr = WR(q)->q_ptr = nullptr;
      delete ps;
      return e == ENOENT ? ENXIO : e;
    }
  }
  qprocson(q);
  return 0;
}

// Close detaches: procedures off, the poller gone, the tx buffer sent or
// freed, the lane free for the next attach; its counters stay.
int pmd_close(queue_t *q, int, cred_t *) {
  auto *ps = static_cast<PmdStream *>(q->q_ptr);
  qprocsoff(q);
  if (ps->lane != nullptr) detach_lane(ps, false);  // the framework frees our queues
  q->q_ptr = WR(q)->q_ptr = nullptr;
  delete ps;
  return 0;
}

STRDP_DRIVER_REGISTER(pmd, pmd_info, D_MP | CLONE_DEV)

}  // namespace strdp::pmd
