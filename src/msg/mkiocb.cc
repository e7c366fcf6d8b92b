// mkiocb(9F): an M_IOCTL message a module sends downstream on its own.
#include <strdp/stream.h>

#include <atomic>
#include <cstring>

#include "msg/ioc_id.h"

namespace strdp::msg {

unsigned next_ioc_id() noexcept {
  static std::atomic<unsigned> seq{0};
  unsigned id;
  do {
    id = seq.fetch_add(1, std::memory_order_relaxed) + 1;
  } while (id == 0);  // 0 after wrap-around would match "no ioctl"
  return id;
}

}  // namespace strdp::msg

extern "C" mblk_t *mkiocb(unsigned int cmd) {
  // Room for any of the three views, so the block can become M_COPYIN/
  // M_COPYOUT in place; the message shows the iocblk only.
  mblk_t *mp = allocb(sizeof(union ioctypes), BPRI_MED);
  if (mp == nullptr) return nullptr;
  std::memset(mp->b_rptr, 0, sizeof(union ioctypes));
  mp->b_wptr += sizeof(iocblk);
  mp->b_datap->db_type = M_IOCTL;
  auto *ioc = reinterpret_cast<iocblk *>(mp->b_rptr);
  ioc->ioc_cmd = static_cast<int>(cmd);
  ioc->ioc_cr = strdp_kcred();
  ioc->ioc_id = strdp::msg::next_ioc_id();
  ioc->ioc_flag = IOC_NATIVE;
  return mp;
}
