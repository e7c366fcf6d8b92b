// The read side of the stream head: getmsg/getpmsg, I_PEEK and read().
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "head/head_impl.h"
#include "queue/qlist.h"

namespace strdp {

int head_read_error(stdata *sp) {
  int e = sp->rerror;
  if (e != 0 && (sp->erropt & RERRNONPERSIST)) sp->rerror = 0;
  return e;
}

static bool is_ctl_block(const mblk_t *b) { return b->b_datap->db_type != M_DATA; }

// Waits until `ready` holds for the first message, the stream hangs up or
// errs; returns 0 with *mp set (or nullptr at hangup), or an errno.
template <class Ready>
static int wait_message(stdata *sp, Ready ready, mblk_t **mp) {
  for (;;) {
    if (int e = head_read_error(sp); e != 0) return e;
    mblk_t *first = sp->rq()->q_first;
    if (first != nullptr && ready(first)) {
      *mp = first;
      return 0;
    }
    if (sp->hangup) {
      *mp = nullptr;
      return 0;
    }
    if (sp->nonblock()) return EAGAIN;
    stream_wait_step(sp);
  }
}

// Copies up to max bytes from the blocks [b, end) that match want_ctl into
// out, advancing their b_rptr; returns bytes copied, *left = bytes left.
static size_t take(mblk_t *b, bool want_ctl, char *out, long max, size_t *left) {
  size_t copied = 0, remaining = 0;
  for (; b != nullptr; b = b->b_cont) {
    if (is_ctl_block(b) != want_ctl) continue;
    size_t n = static_cast<size_t>(MBLKL_(b));
    size_t k = max < 0 ? 0 : std::min(n, static_cast<size_t>(max) - copied);
    if (k > 0 && out != nullptr) memcpy(out + copied, b->b_rptr, k);
    b->b_rptr += k;
    copied += k;
    remaining += n - k;
  }
  *left = remaining;
  return copied;
}

// Frees the blocks a getmsg emptied and returns what must go back on the
// queue (nullptr if nothing). A high-priority message whose control part
// was consumed keeps one empty control block so it stays high priority.
static mblk_t *remainder(mblk_t *mp, bool keep_class_block) {
  mblk_t *head = nullptr, **tail = &head;
  mblk_t *kept_ctl = nullptr;
  bool any_left = false;
  while (mp != nullptr) {
    mblk_t *next = mp->b_cont;
    mp->b_cont = nullptr;
    if (MBLKL_(mp) > 0) {
      any_left = true;
      *tail = mp;
      tail = &mp->b_cont;
    } else if (keep_class_block && kept_ctl == nullptr && is_ctl_block(mp) && head == nullptr) {
      kept_ctl = mp;
    } else {
      freeb(mp);
    }
    mp = next;
  }
  if (!any_left) {
    if (kept_ctl != nullptr) freeb(kept_ctl);
    return nullptr;
  }
  if (kept_ctl != nullptr) {
    if (is_ctl_block(head)) {
      freeb(kept_ctl);  // a control block with bytes still leads
    } else {
      kept_ctl->b_cont = head;
      head = kept_ctl;
    }
  }
  return head;
}

int head_getmsg(stdata *sp, strbuf *ctl, strbuf *data, int *bandp, int *flagsp, bool pmsg,
                int *more) {
  *more = 0;
  if (flagsp == nullptr || (pmsg && bandp == nullptr)) return EINVAL;
  bool hipri_only = false;
  int band = 0;
  if (!pmsg) {
    if (*flagsp != 0 && *flagsp != RS_HIPRI) return EINVAL;
    hipri_only = *flagsp == RS_HIPRI;
  } else {
    switch (*flagsp) {
      case MSG_HIPRI: hipri_only = true; break;
      case MSG_ANY: break;
      case MSG_BAND:
        if (*bandp < 0 || *bandp > 255) return EINVAL;
        band = *bandp;
        break;
      default: return EINVAL;
    }
  }
  mblk_t *mp;
  int err = wait_message(
      sp,
      [&](const mblk_t *m) {
        return hipri_only ? is_pc(m) : (is_pc(m) || m->b_band >= band);
      },
      &mp);
  if (err != 0) return err;
  if (mp == nullptr) {  // hung up, nothing left: both parts empty
    if (ctl != nullptr) ctl->len = 0;
    if (data != nullptr) data->len = 0;
    return 0;
  }
  unsigned char type = mp->b_datap->db_type;
  if (type != M_DATA && type != M_PROTO && type != M_PCPROTO) return EBADMSG;
  if ((ctl != nullptr && ctl->maxlen > 0 && ctl->buf == nullptr) ||
      (data != nullptr && data->maxlen > 0 && data->buf == nullptr))
    return EFAULT;

  bool pc = is_pc(mp);
  unsigned char mband = mp->b_band;
  rmvq(sp->rq(), mp);
  if (pc) sp->pcmsg_queued = false;

  bool has_ctl = is_ctl_block(mp);
  bool has_data = false;
  for (mblk_t *b = mp; b != nullptr; b = b->b_cont)
    if (!is_ctl_block(b)) has_data = true;

  size_t left;
  long cmax = ctl != nullptr ? ctl->maxlen : -1;
  size_t cgot = take(mp, true, ctl != nullptr ? ctl->buf : nullptr, cmax, &left);
  if (has_ctl && (left > 0 || cmax < 0)) *more |= MORECTL;
  if (ctl != nullptr && cmax >= 0) ctl->len = has_ctl ? static_cast<int>(cgot) : -1;

  long dmax = data != nullptr ? data->maxlen : -1;
  size_t dgot = take(mp, false, data != nullptr ? data->buf : nullptr, dmax, &left);
  if (has_data && (left > 0 || (dmax < 0 && left + dgot > 0))) *more |= MOREDATA;
  if (data != nullptr && dmax >= 0) data->len = has_data ? static_cast<int>(dgot) : -1;

  if (*more != 0) {
    mblk_t *rest = remainder(mp, pc);
    if (rest != nullptr) {
      rest->b_band = mband;
      putbq(sp->rq(), rest);
      if (pc && is_pc(rest)) sp->pcmsg_queued = true;
    }
  } else {
    freemsg(mp);
  }

  if (!pmsg) {
    *flagsp = pc ? RS_HIPRI : 0;
  } else {
    *flagsp = pc ? MSG_HIPRI : MSG_BAND;
    *bandp = pc ? 0 : mband;
  }
  return 0;
}

mblk_t *head_take_front(stdata *sp, unsigned n) { return q_take_front(sp->rq(), n); }

// Copies the first message without removing it; *found 0 if there is none
// (or none of high priority when RS_HIPRI is asked for).
int head_peek(stdata *sp, strpeek *pk, int *found) {
  *found = 0;
  if (pk->flags != 0 && pk->flags != RS_HIPRI) return EINVAL;
  mblk_t *mp = sp->rq()->q_first;
  if (mp == nullptr || (pk->flags == RS_HIPRI && !is_pc(mp))) return 0;
  long c = 0, d = 0;
  bool has_ctl = false, has_data = false;
  for (mblk_t *b = mp; b != nullptr; b = b->b_cont) {
    bool isc = is_ctl_block(b);
    long &got = isc ? c : d;
    strbuf &sb = isc ? pk->ctlbuf : pk->databuf;
    (isc ? has_ctl : has_data) = true;
    long n = std::min<long>(MBLKL_(b), std::max<long>(0, sb.maxlen - got));
    if (n > 0) {
      if (sb.buf == nullptr) return EFAULT;
      memcpy(sb.buf + got, b->b_rptr, static_cast<size_t>(n));
      got += n;
    }
  }
  pk->ctlbuf.len = has_ctl ? static_cast<int>(c) : -1;
  pk->databuf.len = has_data ? static_cast<int>(d) : -1;
  pk->flags = is_pc(mp) ? RS_HIPRI : 0;
  *found = 1;
  return 0;
}

// read(): the read mode decides how messages become bytes. RNORM is a
// byte stream across messages; RMSGD returns one message and discards
// what does not fit; RMSGN returns one message and keeps the rest.
// Control parts: RPROTNORM fails with EBADMSG, RPROTDAT reads them as
// data, RPROTDIS discards them.
int head_read(stdata *sp, void *buf, size_t len, size_t *got) {
  *got = 0;
  if (len > 0 && buf == nullptr) return EFAULT;
  if (len == 0) return head_read_error(sp);  // reads nothing, consumes nothing
  int mode = sp->rdopt & RMODEMASK;
  int prot = sp->rdopt & RPROTMASK;
  if (prot == 0) prot = RPROTNORM;
  bool sent_mread = false;
  auto *out = static_cast<char *>(buf);
  for (;;) {
    mblk_t *mp = sp->rq()->q_first;
    if (mp == nullptr) {
      if (*got > 0) return 0;
      if (int e = head_read_error(sp); e != 0) return e;
      if (sp->hangup) return 0;
      if (sp->nonblock()) return EAGAIN;
      if (sp->mread && !sent_mread) {
        // SO_MREADON: tell the modules a reader is waiting, and for how much.
        if (mblk_t *r = allocb(sizeof(long), BPRI_HI); r != nullptr) {
          r->b_datap->db_type = M_READ;
          long want = static_cast<long>(len);
          memcpy(r->b_wptr, &want, sizeof want);
          r->b_wptr += sizeof want;
          putnext(sp->wq(), r);
        }
        sent_mread = true;
      }
      stream_wait_step(sp);
      continue;
    }
    unsigned char type = mp->b_datap->db_type;
    if (type == M_PASSFP || ((type == M_PROTO || type == M_PCPROTO) && prot == RPROTNORM))
      return *got > 0 ? 0 : EBADMSG;
    if (prot == RPROTDIS && msgdsize(mp) == 0 && msgsize(mp) > 0) {
      rmvq(sp->rq(), mp);  // control only: discarded, the read goes on
      if (is_pc(mp)) sp->pcmsg_queued = false;
      freemsg(mp);
      continue;
    }
    bool zero = msgsize(mp) == 0;
    if (zero && *got > 0) return 0;  // a zero-length message ends a read
    rmvq(sp->rq(), mp);
    if (is_pc(mp)) sp->pcmsg_queued = false;
    if (zero) {
      if (mode == RMSGN) {
        putbq(sp->rq(), mp);  // RMSGN: the zero-length message stays
        return 0;
      }
      freemsg(mp);
      return 0;
    }
    size_t left = 0;
    for (mblk_t *b = mp; b != nullptr; b = b->b_cont) {
      if (is_ctl_block(b) && prot == RPROTDIS) {
        b->b_rptr = b->b_wptr;
        continue;
      }
      size_t n = static_cast<size_t>(MBLKL_(b));
      size_t k = std::min(n, len - *got);
      memcpy(out + *got, b->b_rptr, k);
      b->b_rptr += k;
      *got += k;
      left += n - k;
    }
    bool delim = (mp->b_flag & MSGDELIM) != 0;
    if (left > 0 && mode != RMSGD) {
      unsigned char band = mp->b_band;
      mblk_t *rest = remainder(mp, false);
      rest->b_band = band;
      putbq(sp->rq(), rest);
      return 0;
    }
    freemsg(mp);
    if (mode != RNORM || *got == len || (sp->delim && delim)) return 0;
  }
}

}  // namespace strdp
