// msgdsize(9F), msgsize, datamsg(9F), pcmsg(9F), queclass: what a message
// holds and how a queue must treat it.
#include <strdp/strsun.h>

extern "C" size_t msgdsize(const mblk_t *mp) {
  size_t n = 0;
  for (; mp != nullptr; mp = mp->b_cont)
    if (mp->b_datap->db_type == M_DATA) n += static_cast<size_t>(MBLKL(mp));
  return n;
}

extern "C" size_t msgsize(const mblk_t *mp) {
  size_t n = 0;
  for (; mp != nullptr; mp = mp->b_cont) n += static_cast<size_t>(MBLKL(mp));
  return n;
}

// The exported forms of the header's inline tests (the parentheses keep
// the names from expanding as the macros).
extern "C" int(datamsg)(unsigned char type) {
  return strdp_datamsg_inline(type);
}
extern "C" int(pcmsg)(unsigned char type) { return strdp_pcmsg_inline(type); }
extern "C" int(queclass)(const mblk_t *mp) {
  return strdp_queclass_inline(mp);
}
