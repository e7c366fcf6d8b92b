// DL_ATTACH_REQ and DL_DETACH_REQ: binding a stream to one (port, queue).
//
// Attach runs on the stream's own scheduler (the thread that opened it):
// that scheduler gets the lane's poller, so the lane's rx and tx queues
// are touched by that thread alone. Detach (and close) undo it on the same
// thread, between two passes of its loop or inside the stream's put
// procedure, never inside the poller: removing the poller is safe there.
#include <rte_ethdev.h>
#include <strdp/strsun.h>

#include <cerrno>
#include <cstring>

#include "pmd_impl.h"

namespace strdp::pmd {

int attach_lane(PmdStream *ps, uint32_t ppa) {
  Lane *l;
  Port *p;
  if (int e = lane_claim(ppa, ps, &l, &p); e != 0) return e;
  strdp_sched_t *s = strdp_stream_sched(ps->rq->q_stream);
  int id = s != nullptr ? strdp_sched_add_poller(s, pmd_poll, ps) : -1;
  if (id <= 0) {
    lane_release(l);
    return ENOMEM;
  }
  ps->lane = l;
  ps->port = p;
  ps->poller = id;
  ps->port_id = l->port;
  ps->queue_id = l->queue;
  ps->mtu = p->mtu;
  ps->tx_multiseg = p->tx_multiseg;
  if (rte_eth_macaddr_get(l->port, &ps->mac) != 0) ps->mac = p->fact_mac;
  ps->link_up = -1;
  ps->link_polls = 0;
  ps->state = DL_UNBOUND;
  return 0;
}

void detach_lane(PmdStream *ps, bool flush_wq) {
  Lane *l = ps->lane;
  strdp_sched_remove_poller(strdp_stream_sched(ps->rq->q_stream), ps->poller);
  ps->poller = 0;
  // The frames already given to the driver go if the NIC takes them now;
  // the rest is freed, not left for whoever attaches next.
  lane_flush(l);
  for (uint16_t i = 0; i < l->tx.n; ++i) rte_pktmbuf_free(l->tx.m[i]);
  bump(l->st.tx_invalid, l->tx.n);
  l->tx.n = 0;
  l->tx.bytes = 0;
  if (flush_wq) flushq(WR(ps->rq), FLUSHDATA);
  if (ps->promisc_phys) promisc_put(ps->port);
  ps->promisc_phys = ps->promisc_sap = ps->promisc_multi = false;
  ps->notify = 0;
  lane_release(l);
  ps->lane = nullptr;
  ps->port = nullptr;
  ps->state = DL_UNATTACHED;
}

void dl_attach_req(queue_t *wq, mblk_t *mp) {
  auto *ps = static_cast<PmdStream *>(wq->q_ptr);
  t_uscalar_t err = kNoError, uerr = 0;
  dl_attach_req_t req;
  // A style 1 stream came attached: DLPI has no attach for it (Solaris
  // answers DL_BADPRIM too).
  if (MBLKL(mp) < static_cast<ssize_t>(sizeof req) || ps->style == DL_STYLE1) {
    err = DL_BADPRIM;
  } else if (ps->state != DL_UNATTACHED) {
    err = DL_OUTSTATE;
  } else {
    std::memcpy(&req, mp->b_rptr, sizeof req);
    switch (int e = attach_lane(ps, req.dl_ppa)) {
      case 0: break;
      case ENOENT: err = DL_BADPPA; break;
      default:  // EBUSY: another stream has this queue; ENOMEM
        err = DL_SYSERR;
        uerr = static_cast<t_uscalar_t>(e);
        break;
    }
  }
  if (err != kNoError)
    dl_error_ack(wq, mp, DL_ATTACH_REQ, err, uerr);
  else
    dl_ok_ack(wq, mp, DL_ATTACH_REQ);
}

void dl_detach_req(queue_t *wq, mblk_t *mp) {
  auto *ps = static_cast<PmdStream *>(wq->q_ptr);
  t_uscalar_t err = kNoError;
  if (MBLKL(mp) < static_cast<ssize_t>(sizeof(dl_detach_req_t)))
    err = DL_BADPRIM;
  else if (ps->state != DL_UNBOUND)  // bound: DL_UNBIND_REQ first
    err = DL_OUTSTATE;
  else if (ps->style == DL_STYLE1)   // its PPA is the open's
    err = DL_BADPRIM;
  if (err != kNoError) {
    dl_error_ack(wq, mp, DL_DETACH_REQ, err, 0);
    return;
  }
  detach_lane(ps, true);
  dl_ok_ack(wq, mp, DL_DETACH_REQ);
}

}  // namespace strdp::pmd
