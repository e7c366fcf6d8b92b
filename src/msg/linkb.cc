// linkb(9F), unlinkb(9F), rmvb(9F): the b_cont list of one message.
#include <strdp/stream.h>

extern "C" void linkb(mblk_t *mp, mblk_t *bp) {
  while (mp->b_cont != nullptr) mp = mp->b_cont;
  mp->b_cont = bp;
}

extern "C" mblk_t *unlinkb(mblk_t *mp) {
  mblk_t *rest = mp->b_cont;
  mp->b_cont = nullptr;
  return rest;
}

// Returns the message without bp (NULL if bp was its only block), or
// (mblk_t *)-1 if bp is not one of mp's blocks. bp is not freed.
extern "C" mblk_t *rmvb(mblk_t *mp, mblk_t *bp) {
  mblk_t *prev = nullptr;
  for (mblk_t *cur = mp; cur != nullptr; prev = cur, cur = cur->b_cont) {
    if (cur != bp) continue;
    if (prev != nullptr)
      prev->b_cont = cur->b_cont;
    else
      mp = cur->b_cont;
    cur->b_cont = nullptr;
    return mp;
  }
  return reinterpret_cast<mblk_t *>(-1);
}
