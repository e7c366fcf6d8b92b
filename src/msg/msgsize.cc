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

extern "C" int datamsg(unsigned char type) {
  return type == M_DATA || type == M_PROTO || type == M_PCPROTO ||
         type == M_DELAY;
}

extern "C" int pcmsg(unsigned char type) { return type >= QPCTL; }

extern "C" int queclass(const mblk_t *mp) {
  return mp->b_datap->db_type >= QPCTL ? QPCTL : QNORM;
}
