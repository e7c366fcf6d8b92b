// strdp_db_ref (DB_REF): the exact reference count of a block's buffer,
// read from DPDK's counter rather than from db_ref, which does not see
// references DPDK holds (a PMD still sending a message that left STREAMS).
#include <strdp/strsun.h>

#include "msg/mblk_impl.h"

extern "C" unsigned char strdp_db_ref(const mblk_t *mp) {
  return strdp::msg::clamp_ref(strdp::msg::true_refs(mp->b_datap));
}
