// DLPI local management: every primitive except DL_UNITDATA_REQ (data,
// unitdata.cc) and attach/detach (attach.cc).
//
// The rules, DLPI v2 as Solaris' dld keeps them:
//  - a block too short for its primitive is DL_BADPRIM (shorter than the
//    primitive code itself: DL_BADPRIM for DL_PRIM_INVAL), never a crash;
//    fields are copied out with memcpy, so an unaligned block is fine;
//  - a primitive in the wrong state is DL_OUTSTATE; states go
//    DL_UNATTACHED -attach-> DL_UNBOUND -bind-> DL_IDLE and back;
//  - a request known to DLPI but not offered here is DL_NOTSUPPORTED, an
//    unknown code (or an ack or indication sent down) is DL_BADPRIM;
//  - acknowledgements are M_PCPROTO, sent with qreply().
#include <rte_ethdev.h>
#include <strdp/strsun.h>

#include <cstring>

#include "pmd_impl.h"

namespace strdp::pmd {
namespace {

constexpr uint32_t kNotes = DL_NOTE_LINK_UP | DL_NOTE_LINK_DOWN;

template <typename T>
bool read_prim(const mblk_t *mp, T *out) {
  if (MBLKL(mp) < static_cast<ssize_t>(sizeof(T))) return false;
  std::memcpy(out, mp->b_rptr, sizeof(T));
  return true;
}

PmdStream *state_of(queue_t *wq) { return static_cast<PmdStream *>(wq->q_ptr); }

// DL_INFO_ACK: the ack, then our DLSAP address, then the broadcast address.
void info_req(queue_t *wq, mblk_t *mp) {
  PmdStream *ps = state_of(wq);
  constexpr size_t kAddrOff = sizeof(dl_info_ack_t);
  constexpr size_t kBcastOff = kAddrOff + kDlsapLen;
  mp = mexchange(wq, mp, kBcastOff + kEtherAddr, M_PCPROTO, DL_INFO_ACK);
  if (mp == nullptr) return;
  dl_info_ack_t a{};
  a.dl_primitive = DL_INFO_ACK;
  a.dl_mac_type = DL_ETHER;
  a.dl_current_state = ps->state;
  a.dl_sap_length = -2;  // a 16-bit SAP after the MAC address
  a.dl_addr_length = kDlsapLen;
  a.dl_service_mode = DL_CLDLS;
  a.dl_provider_style = ps->style;
  a.dl_version = DL_VERSION_2;
  a.dl_brdcst_addr_length = kEtherAddr;
  a.dl_brdcst_addr_offset = kBcastOff;
  if (ps->lane != nullptr) {
    // Only an attached stream has a link: its MTU and its address (with
    // the bound SAP, 0 before bind).
    a.dl_max_sdu = ps->mtu;
    a.dl_min_sdu = 0;  // short frames are padded by the NIC
    a.dl_addr_offset = kAddrOff;
    put_dlsap(mp->b_rptr + kAddrOff, ps->mac.addr_bytes,
              ps->state == DL_IDLE ? ps->sap : 0);
  } else {
    std::memset(mp->b_rptr + kAddrOff, 0, kDlsapLen);
  }
  std::memcpy(mp->b_rptr, &a, sizeof a);
  std::memset(mp->b_rptr + kBcastOff, 0xff, kEtherAddr);
  qreply(wq, mp);
}

// Asks the head for SO_WROFF headroom, so written data has room for our
// header in front (zero-copy DL_UNITDATA_REQ). Best effort: without it the
// driver links a header block in front instead.
void send_wroff(queue_t *wq) {
  mblk_t *so = allocb(sizeof(stroptions), BPRI_MED);
  if (so == nullptr) return;
  so->b_datap->db_type = M_SETOPTS;
  stroptions opt{};
  opt.so_flags = SO_WROFF;
  opt.so_wroff = kEtherHdr;
  std::memcpy(so->b_wptr, &opt, sizeof opt);
  so->b_wptr += sizeof opt;
  qreply(wq, so);
}

void bind_req(queue_t *wq, mblk_t *mp) {
  PmdStream *ps = state_of(wq);
  dl_bind_req_t req;
  t_uscalar_t err = kNoError;
  if (!read_prim(mp, &req))
    err = DL_BADPRIM;
  else if (ps->state != DL_UNBOUND)
    err = DL_OUTSTATE;
  else if (req.dl_xidtest_flg != 0)  // no LLC: no automatic XID/TEST
    err = DL_NOAUTO;
  else if (req.dl_service_mode != DL_CLDLS || req.dl_max_conind != 0)
    err = DL_UNSUPPORTED;  // connectionless only
  else if (req.dl_sap < kMinEthertype || req.dl_sap > 0xffff)
    err = DL_BADSAP;  // 802.3 lengths need 802.2, not offered
  if (err != kNoError) {
    dl_error_ack(wq, mp, DL_BIND_REQ, err, 0);
    return;
  }
  ps->sap = static_cast<uint16_t>(req.dl_sap);
  ps->sap_be = rte_cpu_to_be_16(ps->sap);
  ps->state = DL_IDLE;
  send_wroff(wq);  // before the ack: once the user sees it, writes have room

  constexpr size_t kAddrOff = sizeof(dl_bind_ack_t);
  mp = mexchange(wq, mp, kAddrOff + kDlsapLen, M_PCPROTO, DL_BIND_ACK);
  if (mp == nullptr) return;
  dl_bind_ack_t a{DL_BIND_ACK, ps->sap, kDlsapLen, kAddrOff, 0, 0};
  std::memcpy(mp->b_rptr, &a, sizeof a);
  put_dlsap(mp->b_rptr + kAddrOff, ps->mac.addr_bytes, ps->sap);
  qreply(wq, mp);
}

void unbind_req(queue_t *wq, mblk_t *mp) {
  PmdStream *ps = state_of(wq);
  t_uscalar_t err = kNoError;
  if (MBLKL(mp) < static_cast<ssize_t>(sizeof(dl_unbind_req_t)))
    err = DL_BADPRIM;
  else if (ps->state != DL_IDLE)
    err = DL_OUTSTATE;
  if (err != kNoError) {
    dl_error_ack(wq, mp, DL_UNBIND_REQ, err, 0);
    return;
  }
  ps->state = DL_UNBOUND;
  // DLPI: unbinding flushes both ways. Our queued data goes now; the
  // M_FLUSH makes the modules and the head above drop what the old
  // binding delivered (and turns FLUSHW back down to us).
  flushq(wq, FLUSHDATA);
  putnextctl1(RD(wq), M_FLUSH, FLUSHRW);
  dl_ok_ack(wq, mp, DL_UNBIND_REQ);
}

void phys_addr_req(queue_t *wq, mblk_t *mp) {
  PmdStream *ps = state_of(wq);
  dl_phys_addr_req_t req;
  t_uscalar_t err = kNoError;
  rte_ether_addr addr{};
  if (!read_prim(mp, &req))
    err = DL_BADPRIM;
  else if (ps->lane == nullptr)
    err = DL_OUTSTATE;
  else if (req.dl_addr_type == DL_CURR_PHYS_ADDR)
    addr = ps->mac;
  else if (req.dl_addr_type == DL_FACT_PHYS_ADDR)
    addr = ps->port->fact_mac;
  else
    err = DL_UNSUPPORTED;
  if (err != kNoError) {
    dl_error_ack(wq, mp, DL_PHYS_ADDR_REQ, err, 0);
    return;
  }
  constexpr size_t kAddrOff = sizeof(dl_phys_addr_ack_t);
  mp = mexchange(wq, mp, kAddrOff + kEtherAddr, M_PCPROTO, DL_PHYS_ADDR_ACK);
  if (mp == nullptr) return;
  dl_phys_addr_ack_t a{DL_PHYS_ADDR_ACK, kEtherAddr, kAddrOff};
  std::memcpy(mp->b_rptr, &a, sizeof a);
  std::memcpy(mp->b_rptr + kAddrOff, addr.addr_bytes, kEtherAddr);
  qreply(wq, mp);
}

bool *promisc_flag(PmdStream *ps, t_uscalar_t level) {
  switch (level) {
    case DL_PROMISC_PHYS: return &ps->promisc_phys;
    case DL_PROMISC_SAP: return &ps->promisc_sap;
    case DL_PROMISC_MULTI: return &ps->promisc_multi;
    default: return nullptr;
  }
}

// DL_PROMISCON_REQ / DL_PROMISCOFF_REQ (the same layout). Seeing other
// stations' traffic is a privilege: the opener must be root (drv_priv).
void promisc_req(queue_t *wq, mblk_t *mp, bool on) {
  PmdStream *ps = state_of(wq);
  t_uscalar_t prim = on ? DL_PROMISCON_REQ : DL_PROMISCOFF_REQ;
  dl_promiscon_req_t req;
  t_uscalar_t err = kNoError, uerr = 0;
  bool *flag = nullptr;
  if (!read_prim(mp, &req))
    err = DL_BADPRIM;
  else if (ps->lane == nullptr)
    err = DL_OUTSTATE;
  else if ((flag = promisc_flag(ps, req.dl_level)) == nullptr)
    err = DL_NOTSUPPORTED;
  else if (on && drv_priv(ps->cr) != 0)
    err = DL_ACCESS;
  else if (!on && !*flag)
    err = DL_NOTENAB;
  else if (req.dl_level == DL_PROMISC_PHYS && on != *flag) {
    // The NIC itself: reference-counted over every stream of the port.
    if (!on)
      promisc_put(ps->port);
    else if (int e = promisc_get(ps->port); e != 0) {
      err = DL_SYSERR;
      uerr = static_cast<t_uscalar_t>(e);
    }
  }
  if (err != kNoError) {
    dl_error_ack(wq, mp, prim, err, uerr);
    return;
  }
  *flag = on;
  dl_ok_ack(wq, mp, prim);
}

// DL_NOTIFY_REQ: the ack lists what we support, then the current state of
// what was enabled goes up at once (as dld does), then every change.
void notify_req(queue_t *wq, mblk_t *mp) {
  PmdStream *ps = state_of(wq);
  dl_notify_req_t req;
  t_uscalar_t err = kNoError;
  if (!read_prim(mp, &req))
    err = DL_BADPRIM;
  else if (ps->lane == nullptr)
    err = DL_OUTSTATE;
  if (err != kNoError) {
    dl_error_ack(wq, mp, DL_NOTIFY_REQ, err, 0);
    return;
  }
  ps->notify = req.dl_notifications & kNotes;
  ps->link_up = -1;
  mp = mexchange(wq, mp, sizeof(dl_notify_ack_t), M_PROTO, DL_NOTIFY_ACK);
  if (mp == nullptr) return;
  dl_notify_ack_t a{DL_NOTIFY_ACK, kNotes};
  std::memcpy(mp->b_rptr, &a, sizeof a);
  qreply(wq, mp);
  if (ps->notify == 0) return;
  rte_eth_link link{};
  if (rte_eth_link_get_nowait(ps->port_id, &link) != 0) return;  // the poller retries
  int up = link.link_status == RTE_ETH_LINK_UP;
  if (!(ps->notify & (up ? DL_NOTE_LINK_UP : DL_NOTE_LINK_DOWN)) || notify_link(ps, up))
    ps->link_up = up;
}

// Requests DLPI defines that this provider does not offer.
bool known_unsupported(t_uscalar_t prim) {
  switch (prim) {
    case DL_SUBS_BIND_REQ: case DL_SUBS_UNBIND_REQ: case DL_ENABMULTI_REQ:
    case DL_DISABMULTI_REQ: case DL_UDQOS_REQ: case DL_CONNECT_REQ:
    case DL_CONNECT_RES: case DL_TOKEN_REQ: case DL_DISCONNECT_REQ:
    case DL_RESET_REQ: case DL_RESET_RES: case DL_DATA_ACK_REQ:
    case DL_REPLY_REQ: case DL_REPLY_UPDATE_REQ: case DL_XID_REQ:
    case DL_XID_RES: case DL_TEST_REQ: case DL_TEST_RES:
    case DL_SET_PHYS_ADDR_REQ: case DL_GET_STATISTICS_REQ: case DL_AGGR_REQ:
    case DL_UNAGGR_REQ: case DL_CAPABILITY_REQ: case DL_CONTROL_REQ:
    case DL_PASSIVE_REQ: case DL_INTR_MODE_REQ:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool is_unitdata(const mblk_t *mp) {
  t_uscalar_t prim;
  if (MBLKL(mp) < static_cast<ssize_t>(sizeof prim)) return false;
  std::memcpy(&prim, mp->b_rptr, sizeof prim);
  return prim == DL_UNITDATA_REQ;
}

void dl_proto(queue_t *wq, mblk_t *mp) {
  t_uscalar_t prim;
  if (MBLKL(mp) < static_cast<ssize_t>(sizeof prim)) {
    dl_error_ack(wq, mp, DL_PRIM_INVAL, DL_BADPRIM, 0);
    return;
  }
  std::memcpy(&prim, mp->b_rptr, sizeof prim);
  switch (prim) {
    case DL_INFO_REQ: info_req(wq, mp); break;
    case DL_ATTACH_REQ: dl_attach_req(wq, mp); break;
    case DL_DETACH_REQ: dl_detach_req(wq, mp); break;
    case DL_BIND_REQ: bind_req(wq, mp); break;
    case DL_UNBIND_REQ: unbind_req(wq, mp); break;
    case DL_UNITDATA_REQ:
      // Normally caught by the write put; here only if it was not.
      if (!tx_unitdata(wq, state_of(wq), mp)) putq(wq, mp);
      break;
    case DL_PHYS_ADDR_REQ: phys_addr_req(wq, mp); break;
    case DL_PROMISCON_REQ: promisc_req(wq, mp, true); break;
    case DL_PROMISCOFF_REQ: promisc_req(wq, mp, false); break;
    case DL_NOTIFY_REQ: notify_req(wq, mp); break;
    default:
      dl_error_ack(wq, mp, prim, known_unsupported(prim) ? DL_NOTSUPPORTED : DL_BADPRIM, 0);
      break;
  }
}

}  // namespace strdp::pmd
