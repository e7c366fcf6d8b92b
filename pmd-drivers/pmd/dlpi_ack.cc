// Building DLPI answers. Each routine consumes the request: its block is
// reused when large enough and not shared (mexchange), else a new one is
// allocated; when even that fails, mexchange sends M_ERROR ENOSR up, as
// Solaris drivers do.
//
// Acknowledgements are M_PCPROTO and go up with qreply(): high priority,
// never held by flow control. DL_UDERROR_IND is M_PROTO (normal).
#include <strdp/strsun.h>

#include <cstring>

#include "pmd_impl.h"

namespace strdp::pmd {

void put_dlsap(uint8_t *p, const uint8_t *mac, uint16_t sap) {
  std::memcpy(p, mac, kEtherAddr);
  std::memcpy(p + kEtherAddr, &sap, sizeof sap);
}

void dl_error_ack(queue_t *wq, mblk_t *mp, t_uscalar_t prim, t_uscalar_t err,
                  t_uscalar_t unix_err) {
  mp = mexchange(wq, mp, sizeof(dl_error_ack_t), M_PCPROTO, DL_ERROR_ACK);
  if (mp == nullptr) return;
  dl_error_ack_t a{DL_ERROR_ACK, prim, err, unix_err};
  std::memcpy(mp->b_rptr, &a, sizeof a);
  qreply(wq, mp);
}

void dl_ok_ack(queue_t *wq, mblk_t *mp, t_uscalar_t prim) {
  mp = mexchange(wq, mp, sizeof(dl_ok_ack_t), M_PCPROTO, DL_OK_ACK);
  if (mp == nullptr) return;
  dl_ok_ack_t a{DL_OK_ACK, prim};
  std::memcpy(mp->b_rptr, &a, sizeof a);
  qreply(wq, mp);
}

// The address may lie inside mp, which mexchange reuses: copy it first.
void dl_uderror_ind(queue_t *wq, mblk_t *mp, const uint8_t *addr, t_uscalar_t addr_len,
                    t_uscalar_t err, t_uscalar_t unix_err) {
  uint8_t copy[64];
  if (addr_len > sizeof copy) addr_len = 0;  // nonsense: report none
  if (addr_len != 0) std::memcpy(copy, addr, addr_len);
  size_t size = sizeof(dl_uderror_ind_t) + addr_len;
  mp = mexchange(wq, mp, size, M_PROTO, DL_UDERROR_IND);
  if (mp == nullptr) return;
  dl_uderror_ind_t u{DL_UDERROR_IND, addr_len,
                     addr_len != 0 ? t_uscalar_t{sizeof(dl_uderror_ind_t)} : 0, unix_err, err};
  std::memcpy(mp->b_rptr, &u, sizeof u);
  if (addr_len != 0) std::memcpy(mp->b_rptr + sizeof u, copy, addr_len);
  qreply(wq, mp);
}

}  // namespace strdp::pmd
