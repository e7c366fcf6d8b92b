// adjmsg(9F): trims len bytes from the head (len > 0) or the tail
// (len < 0) of a message, as illumos does: only the leading blocks of the
// first block's type count; if they hold fewer than |len| bytes nothing
// changes and 0 is returned. Blocks emptied by the trim are freed, except
// the first one, which is the caller's handle on the message.
#include <strdp/strsun.h>

#include <algorithm>

#include "msg/mblk_impl.h"

namespace {

void trim_head(mblk_t *mp, size_t len) {
  mblk_t *prev = nullptr;
  while (len != 0) {
    size_t n = std::min(static_cast<size_t>(MBLKL(mp)), len);
    mp->b_rptr += n;
    len -= n;
    if (prev != nullptr && mp->b_rptr == mp->b_wptr) {
      mblk_t *next = mp->b_cont;
      freeb(mp);
      mp = prev->b_cont = next;
    } else {
      prev = mp;
      mp = mp->b_cont;
    }
  }
}

void trim_tail(mblk_t *mp, size_t len) {
  unsigned char type = mp->b_datap->db_type;
  while (len != 0) {
    // The last block of the leading run of this type, and the one before.
    mblk_t *last = nullptr;
    mblk_t *before = nullptr;
    for (mblk_t *bp = mp; bp != nullptr && bp->b_datap->db_type == type;
         bp = bp->b_cont) {
      before = last;
      last = bp;
    }
    size_t n = std::min(static_cast<size_t>(MBLKL(last)), len);
    last->b_wptr -= n;
    len -= n;
    if (last != mp && last->b_rptr == last->b_wptr) {
      before->b_cont = last->b_cont;
      freeb(last);
    }
  }
}

}  // namespace

extern "C" int adjmsg(mblk_t *mp, ssize_t len) {
  if (mp == nullptr) return 0;
  size_t want = len < 0 ? static_cast<size_t>(-(len + 1)) + 1
                        : static_cast<size_t>(len);
  if (strdp::msg::xmsgsize(mp) < want) return 0;
  if (len < 0)
    trim_tail(mp, want);
  else
    trim_head(mp, want);
  return 1;
}
