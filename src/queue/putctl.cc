// putctl*, putnextctl*: small control messages. They return 0 (and send
// nothing) for a data message type or when no buffer is available, as
// SVR4 specifies; the caller retries with bufcall.
#include "queue/queue_impl.h"

using namespace strdp;

static mblk_t *ctl_msg(int type, int nbytes, int p1, int p2) {
  if (datamsg(static_cast<unsigned char>(type)) && type != M_DELAY) return nullptr;
  mblk_t *mp = allocb(static_cast<size_t>(nbytes), BPRI_HI);
  if (mp == nullptr) return nullptr;
  mp->b_datap->db_type = static_cast<unsigned char>(type);
  if (nbytes > 0) *mp->b_wptr++ = static_cast<unsigned char>(p1);
  if (nbytes > 1) *mp->b_wptr++ = static_cast<unsigned char>(p2);
  return mp;
}

static int send_ctl(queue_t *q, bool next, int type, int nbytes, int p1, int p2) {
  if (q == nullptr) return 0;
  mblk_t *mp = ctl_msg(type, nbytes, p1, p2);
  if (mp == nullptr) return 0;
  if (next)
    return putnext(q, mp);
  put(q, mp);
  return 1;
}

extern "C" int putctl(queue_t *q, int type) { return send_ctl(q, false, type, 0, 0, 0); }
extern "C" int putctl1(queue_t *q, int type, int p) { return send_ctl(q, false, type, 1, p, 0); }
extern "C" int putctl2(queue_t *q, int type, int p1, int p2) {
  return send_ctl(q, false, type, 2, p1, p2);
}
extern "C" int putnextctl(queue_t *q, int type) { return send_ctl(q, true, type, 0, 0, 0); }
extern "C" int putnextctl1(queue_t *q, int type, int p) {
  return send_ctl(q, true, type, 1, p, 0);
}
extern "C" int putnextctl2(queue_t *q, int type, int p1, int p2) {
  return send_ctl(q, true, type, 2, p1, p2);
}
