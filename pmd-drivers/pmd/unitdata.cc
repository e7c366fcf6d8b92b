// DL_UNITDATA_REQ: an M_PROTO block (destination DLSAP address) and the
// M_DATA payload become one Ethernet frame.
//
// Zero copy where the message allows: the 14-byte header is written into
// the payload's headroom when there is room and the buffer is ours alone
// (DB_REF 1: a dupb holder must not see its bytes change). The stream head
// leaves that room once the driver asked for it (M_SETOPTS SO_WROFF at
// bind). Otherwise a header block is linked in front, and for a NIC that
// cannot send mbuf chains the frame is copied into one block.
//
// Errors, as the DLPI spec and Solaris' dld give them:
//  - block shorter than dl_unitdata_req_t, no M_DATA after it, address
//    outside the block: DL_ERROR_ACK DL_BADPRIM;
//  - not bound (DL_IDLE): DL_ERROR_ACK DL_OUTSTATE;
//  - address of the wrong length (8: MAC + SAP; 6: MAC, the bound SAP) or
//    a SAP that is no ethertype: DL_UDERROR_IND DL_BADADDR;
//  - a payload block that is not M_DATA, or more than the MTU:
//    DL_UDERROR_IND DL_BADDATA.
// Every refused request counts as tx_invalid.
#include <rte_byteorder.h>
#include <strdp/strsun.h>

#include <cstring>

#include "pmd_impl.h"

namespace strdp::pmd {
namespace {

// The frame: header in the payload's headroom, or a block in front.
// Consumes payload; NULL if no memory.
mblk_t *add_header(const PmdStream *ps, mblk_t *payload, const uint8_t *dst, uint16_t sap) {
  mblk_t *hp;
  if (MBLKHEAD(payload) >= kEtherHdr && DB_REF(payload) == 1) {
    payload->b_rptr -= kEtherHdr;
    hp = payload;
  } else {
    hp = allocb(kEtherHdr, BPRI_MED);
    if (hp == nullptr) {
      freemsg(payload);
      return nullptr;
    }
    hp->b_wptr += kEtherHdr;
    hp->b_cont = payload;
  }
  uint16_t type = rte_cpu_to_be_16(sap);
  std::memcpy(hp->b_rptr, dst, kEtherAddr);
  std::memcpy(hp->b_rptr + kEtherAddr, ps->mac.addr_bytes, kEtherAddr);
  std::memcpy(hp->b_rptr + 2 * kEtherAddr, &type, sizeof type);
  return hp;
}

void refuse(queue_t *wq, PmdStream *ps, mblk_t *mp, t_uscalar_t err) {
  if (ps->lane != nullptr) bump(ps->lane->st.tx_invalid, 1);
  dl_error_ack(wq, mp, DL_UNITDATA_REQ, err, 0);
}

void refuse_ud(queue_t *wq, PmdStream *ps, mblk_t *mp, const uint8_t *addr, t_uscalar_t len,
               t_uscalar_t err) {
  bump(ps->lane->st.tx_invalid, 1);
  dl_uderror_ind(wq, mp, addr, len, err, 0);
}

}  // namespace

bool tx_unitdata(queue_t *wq, PmdStream *ps, mblk_t *mp) {
  dl_unitdata_req_t req;
  auto blen = static_cast<size_t>(MBLKL(mp));
  if (blen < sizeof req || mp->b_cont == nullptr) {
    refuse(wq, ps, mp, DL_BADPRIM);
    return true;
  }
  if (ps->state != DL_IDLE) {
    refuse(wq, ps, mp, DL_OUTSTATE);
    return true;
  }
  std::memcpy(&req, mp->b_rptr, sizeof req);
  size_t off = req.dl_dest_addr_offset, alen = req.dl_dest_addr_length;
  if (off > blen || alen > blen - off) {
    refuse(wq, ps, mp, DL_BADPRIM);
    return true;
  }
  const uint8_t *addr = mp->b_rptr + off;
  uint16_t sap = ps->sap;
  if (alen == kDlsapLen)
    std::memcpy(&sap, addr + kEtherAddr, sizeof sap);
  if ((alen != kDlsapLen && alen != kEtherAddr) || sap < kMinEthertype) {
    refuse_ud(wq, ps, mp, addr, static_cast<t_uscalar_t>(alen), DL_BADADDR);
    return true;
  }
  size_t size = 0;
  for (mblk_t *bp = mp->b_cont; bp != nullptr; bp = bp->b_cont) {
    if (bp->b_datap->db_type != M_DATA) {
      size = SIZE_MAX;
      break;
    }
    size += static_cast<size_t>(MBLKL(bp));
  }
  if (size > ps->mtu) {
    refuse_ud(wq, ps, mp, addr, static_cast<t_uscalar_t>(alen), DL_BADDATA);
    return true;
  }
  // Accepted: only now may the buffer being full send it back to the queue.
  Lane *l = ps->lane;
  if (!lane_room(l)) return false;
  uint8_t dst[kEtherAddr];
  std::memcpy(dst, addr, kEtherAddr);
  mblk_t *payload = mp->b_cont;
  mp->b_cont = nullptr;
  freeb(mp);
  mblk_t *frame = add_header(ps, payload, dst, sap);
  if (frame != nullptr && frame->b_cont != nullptr && !ps->tx_multiseg)
    frame = tx_linearize(frame);
  if (frame == nullptr) {
    bump(l->st.tx_invalid, 1);
    return true;
  }
  lane_put(l, frame, static_cast<uint32_t>(size + kEtherHdr));
  return true;
}

}  // namespace strdp::pmd
