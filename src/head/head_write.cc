// The write side of the stream head: putmsg/putpmsg and write().
//
// Normal messages respect flow control (bcanputnext on the head's write
// queue: EAGAIN when non-blocking, else the head waits); high-priority
// ones (MSG_HIPRI, which needs a control part and band 0) never wait.
// Written data gets the SO_WROFF headroom and SO_TAIL tailroom modules
// asked for, so they can prepend headers without a copy.
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "head/head_impl.h"

namespace strdp {

int head_write_error(stdata *sp) {
  int e = sp->werror;
  if (e != 0 && (sp->erropt & WERRNONPERSIST)) sp->werror = 0;
  if (e == 0 && sp->hangup) e = ENXIO;
  return e;
}

// Waits for room in `band` below the head; 0 or an errno.
static int wait_room(stdata *sp, int band) {
  while (!bcanputnext(sp->wq(), static_cast<unsigned char>(band))) {
    if (sp->nonblock()) return EAGAIN;
    stream_wait_step(sp);
    if (int e = head_write_error(sp); e != 0) return e;
  }
  return 0;
}

// Allocates a block, waiting for buffers when the stream blocks.
static int alloc_block(stdata *sp, size_t size, mblk_t **out) {
  for (;;) {
    if ((*out = allocb(size, BPRI_MED)) != nullptr) return 0;
    if (sp->nonblock()) return EAGAIN;
    stream_wait_step(sp);
  }
}

static int data_block(stdata *sp, const char *buf, size_t len, mblk_t **out) {
  if (int e = alloc_block(sp, sp->wroff + len + sp->wtail, out); e != 0) return e;
  mblk_t *b = *out;
  b->b_rptr += sp->wroff;
  b->b_wptr = b->b_rptr;
  if (len > 0) memcpy(b->b_wptr, buf, len);
  b->b_wptr += len;
  return 0;
}

// The packet-size limits of the topmost queue below the head.
void head_psz_limits(stdata *sp, ssize_t *minp, ssize_t *maxp) {
  queue_t *top = sp->wq()->q_next;
  *minp = top->q_minpsz;
  *maxp = top->q_maxpsz;
  if (sp->maxblk > 0 && (*maxp == INFPSZ || *maxp > sp->maxblk)) *maxp = sp->maxblk;
}

int head_putmsg(stdata *sp, const strbuf *ctl, const strbuf *data, int band, int flags,
                bool pmsg) {
  bool hipri;
  if (!pmsg) {
    if (flags != 0 && flags != RS_HIPRI) return EINVAL;
    hipri = flags == RS_HIPRI;
    band = 0;
  } else {
    if (flags != MSG_HIPRI && flags != MSG_BAND) return EINVAL;
    if (band < 0 || band > 255) return EINVAL;
    hipri = flags == MSG_HIPRI;
  }
  bool has_ctl = ctl != nullptr && ctl->len >= 0;
  bool has_data = data != nullptr && data->len >= 0;
  if (hipri && (!has_ctl || band != 0)) return EINVAL;
  if (int e = head_write_error(sp); e != 0) return e;
  if (!has_ctl && !has_data) return 0;
  if ((has_ctl && ctl->len > 0 && ctl->buf == nullptr) ||
      (has_data && data->len > 0 && data->buf == nullptr))
    return EFAULT;
  if (has_ctl && ctl->len > kStrCtlSize) return ERANGE;
  if (has_data) {
    ssize_t minp, maxp;
    head_psz_limits(sp, &minp, &maxp);
    if (data->len > kStrMsgSize || (maxp != INFPSZ && data->len > maxp) || data->len < minp)
      return ERANGE;
  }
  if (!hipri)
    if (int e = wait_room(sp, band); e != 0) return e;

  mblk_t *mp = nullptr;
  if (has_ctl) {
    if (int e = alloc_block(sp, static_cast<size_t>(ctl->len), &mp); e != 0) return e;
    mp->b_datap->db_type = hipri ? M_PCPROTO : M_PROTO;
    if (ctl->len > 0) memcpy(mp->b_wptr, ctl->buf, static_cast<size_t>(ctl->len));
    mp->b_wptr += ctl->len;
  }
  if (has_data) {
    mblk_t *d;
    if (int e = data_block(sp, data->buf, static_cast<size_t>(data->len), &d); e != 0) {
      if (mp != nullptr) freemsg(mp);
      return e;
    }
    if (mp != nullptr)
      mp->b_cont = d;
    else
      mp = d;
  }
  mp->b_band = static_cast<unsigned char>(band);
  putnext(sp->wq(), mp);
  return 0;
}

// write(): data goes down in messages no bigger than the topmost queue's
// q_maxpsz; a zero-length write sends a zero-length message only with
// SNDZERO. Returns what was sent before flow control stopped a
// non-blocking writer.
int head_write(stdata *sp, const void *buf, size_t len, size_t *put) {
  *put = 0;
  if (int e = head_write_error(sp); e != 0) return e;
  if (len > 0 && buf == nullptr) return EFAULT;
  ssize_t minp, maxp;
  head_psz_limits(sp, &minp, &maxp);
  if (static_cast<ssize_t>(len) < minp) return ERANGE;
  if (len == 0 && !(sp->wropt & SNDZERO)) return 0;
  size_t chunk = (maxp == INFPSZ || maxp <= 0) ? static_cast<size_t>(kStrMsgSize)
                                               : static_cast<size_t>(maxp);
  const auto *p = static_cast<const char *>(buf);
  do {
    if (int e = wait_room(sp, 0); e != 0) return *put > 0 ? 0 : e;
    size_t n = std::min(chunk, len - *put);
    mblk_t *mp;
    if (int e = data_block(sp, p + *put, n, &mp); e != 0) return *put > 0 ? 0 : e;
    putnext(sp->wq(), mp);
    *put += n;
  } while (*put < len);
  return 0;
}

}  // namespace strdp
