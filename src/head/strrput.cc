// The stream head's queues: what arrives at the top of the read side, and
// the head's write queue.
//
// Read side (strrput), by message type:
//  M_DATA, M_PROTO, M_PCPROTO, M_PASSFP  queued for getmsg/read (one
//          M_PCPROTO at a time: a second one is discarded, as Solaris does)
//  M_FLUSH  FLUSHR flushes the head's read queue (or one band); FLUSHW is
//          turned back downstream once (MSGNOLOOP), the rest freed
//  M_ERROR  one byte: read and write error; two bytes: each, NOERROR =
//          unchanged, 0 = cleared; a new error flushes the errored sides
//  M_HANGUP / M_UNHANGUP  reads return 0 at the end of data, writes ENXIO
//  M_SETOPTS  head options (read mode, write offset, water marks, ...)
//  M_IOCACK/M_IOCNAK/M_COPYIN/M_COPYOUT  the answer to the outstanding
//          ioctl (others, with a stale id, are freed)
//  M_IOCTL  a module's ioctl reaching the head is refused (M_IOCNAK)
//  M_SIG/M_PCSIG  counted, the signal number kept (the in-process head
//          delivers none; the apps service signals its application)
//  anything else  freed, counted as a bad message
#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include <strdp/strsun.h>

#include "head/head_impl.h"

#include "queue/qlist.h"
#include "stream/stream_impl.h"

namespace strdp {

static stdata *sd(queue_t *q) { return q->q_stream; }

void head_flush_read(stdata *sp, int flags, unsigned band) {
  if (!(flags & FLUSHBAND) || band == 0) ++sp->rflushes;
  if (flags & FLUSHBAND)
    flushband(sp->rq(), static_cast<unsigned char>(band), FLUSHALL);
  else
    flushq(sp->rq(), FLUSHALL);
  sp->pcmsg_queued = false;
  for (mblk_t *m = sp->rq()->q_first; m != nullptr; m = m->b_next)
    if (is_pc(m)) sp->pcmsg_queued = true;
}

static void head_mflush(queue_t *q, mblk_t *mp) {
  stdata *sp = sd(q);
  if (MBLKL_(mp) < 1) {
    count_drop(q, STRDP_DROP_BADMSG);
    freemsg(mp);
    return;
  }
  unsigned char flags = mp->b_rptr[0];
  unsigned band = (flags & FLUSHBAND) && MBLKL_(mp) >= 2 ? mp->b_rptr[1] : 0;
  if (flags & FLUSHR) head_flush_read(sp, flags, band);
  if ((flags & FLUSHW) && !(mp->b_flag & MSGNOLOOP)) {
    mp->b_rptr[0] = static_cast<unsigned char>(flags & ~FLUSHR);
    mp->b_flag |= MSGNOLOOP;
    qreply(q, mp);
    return;
  }
  freemsg(mp);
}

static void head_merror(queue_t *q, mblk_t *mp) {
  stdata *sp = sd(q);
  long len = MBLKL_(mp);
  if (len < 1) {
    count_drop(q, STRDP_DROP_BADMSG);
    freemsg(mp);
    return;
  }
  unsigned char r = mp->b_rptr[0];
  unsigned char w = len >= 2 ? mp->b_rptr[1] : r;
  freemsg(mp);
  int flush = 0;
  if (r != NOERROR) {
    if (r != 0 && sp->rerror == 0) flush |= FLUSHR;
    sp->rerror = r;
  }
  if (w != NOERROR) {
    if (w != 0 && sp->werror == 0) flush |= FLUSHW;
    sp->werror = w;
  }
  if (flush & FLUSHR) head_flush_read(sp, 0, 0);
  if (flush != 0) putnextctl1(sp->wq(), M_FLUSH, flush);
}

static void head_setopts(queue_t *q, mblk_t *mp) {
  stdata *sp = sd(q);
  if (MBLKL_(mp) < static_cast<long>(sizeof(stroptions))) {
    count_drop(q, STRDP_DROP_BADMSG);
    freemsg(mp);
    return;
  }
  stroptions so;
  memcpy(&so, mp->b_rptr, sizeof so);
  freemsg(mp);
  unsigned f = so.so_flags;
  if (f & SO_READOPT) {
    int mode = so.so_readopt & RMODEMASK;
    int prot = so.so_readopt & RPROTMASK;
    if (mode != RMODEMASK) sp->rdopt = (sp->rdopt & ~RMODEMASK) | mode;
    if (prot != 0) sp->rdopt = (sp->rdopt & ~RPROTMASK) | prot;
  }
  if (f & SO_WROFF) sp->wroff = so.so_wroff;
  if (f & SO_TAIL) sp->wtail = so.so_tail;
  if (f & SO_MINPSZ) sp->rq()->q_minpsz = so.so_minpsz;
  if (f & SO_MAXPSZ) sp->rq()->q_maxpsz = so.so_maxpsz;
  if (f & (SO_HIWAT | SO_LOWAT)) {
    unsigned char band = (f & SO_BAND) ? so.so_band : 0;
    if (f & SO_HIWAT) strqset(sp->rq(), QHIWAT, band, static_cast<intptr_t>(so.so_hiwat));
    if (f & SO_LOWAT) strqset(sp->rq(), QLOWAT, band, static_cast<intptr_t>(so.so_lowat));
  }
  if (f & SO_MREADON) sp->mread = true;
  if (f & SO_MREADOFF) sp->mread = false;
  if (f & SO_NDELON) sp->oflag |= O_NDELAY;
  if (f & SO_NDELOFF) sp->oflag &= ~O_NDELAY;
  if (f & SO_DELIM) sp->delim = true;
  if (f & SO_NODELIM) sp->delim = false;
  if (f & SO_ERROPT) sp->erropt = so.so_erropt;
  if (f & SO_MAXBLK) sp->maxblk = so.so_maxblk;
}

static void head_ioc_reply(queue_t *q, mblk_t *mp) {
  stdata *sp = sd(q);
  if (MBLKL_(mp) < static_cast<long>(sizeof(iocblk)) || !sp->ioc_busy ||
      reinterpret_cast<iocblk *>(mp->b_rptr)->ioc_id != sp->ioc_id || sp->ioc_reply != nullptr) {
    count_drop(q, STRDP_DROP_BADMSG);  // late, duplicate or malformed
    freemsg(mp);
    return;
  }
  sp->ioc_reply = mp;
}

static int strrput(queue_t *q, mblk_t *mp) {
  stdata *sp = sd(q);
  switch (mp->b_datap->db_type) {
    case M_PCPROTO:
      if (sp->pcmsg_queued || sp->hangup) {
        count_drop(q, STRDP_DROP_BADMSG);
        freemsg(mp);
        return 0;
      }
      sp->pcmsg_queued = true;
      putq(q, mp);
      return 0;
    case M_DATA:
    case M_PROTO:
    case M_PASSFP:
      if (sp->hangup) {
        count_drop(q, STRDP_DROP_HANGUP);
        freemsg(mp);
        return 0;
      }
      putq(q, mp);
      return 0;
    case M_FLUSH: head_mflush(q, mp); return 0;
    case M_ERROR: head_merror(q, mp); return 0;
    case M_HANGUP:
      sp->hangup = true;
      freemsg(mp);
      return 0;
    case M_UNHANGUP:
      sp->hangup = false;
      freemsg(mp);
      return 0;
    case M_SETOPTS: head_setopts(q, mp); return 0;
    case M_IOCACK:
    case M_IOCNAK:
    case M_COPYIN:
    case M_COPYOUT: head_ioc_reply(q, mp); return 0;
    case M_IOCTL:
      if (MBLKL_(mp) >= static_cast<long>(sizeof(iocblk))) {
        miocnak(q, mp, 0, EINVAL);  // qreply from the read side goes down
        return 0;
      }
      break;
    case M_SIG:
    case M_PCSIG:
      // The signal number is the first byte (streamio S_MSG); a head with
      // a process behind it (the apps service) delivers it.
      if (MBLKL_(mp) >= 1) sp->last_sig = mp->b_rptr[0];
      ++sp->sigs_received;
      freemsg(mp);
      return 0;
    default:
      break;
  }
  count_drop(q, STRDP_DROP_BADMSG);
  freemsg(mp);
  return 0;
}

// The read queue's service procedure runs when data was queued for a
// reader that had found the queue empty; in-process readers poll, the
// shared-memory head hooks its wake-up here.
static int strrsrv(queue_t *) { return 0; }

// Nothing is queued on the head's write side: putmsg/write check flow
// control before they send. A message put here goes straight down.
static int strwput(queue_t *q, mblk_t *mp) { return putnext(q, mp); }
// Back-enabled when the write side drains; in-process writers poll.
static int strwsrv(queue_t *) { return 0; }

static module_info strhead_minfo = {0, const_cast<char *>("strhead"), 0, INFPSZ, STRHIGH, STRLOW};
static qinit strhead_rinit = {.qi_putp = strrput, .qi_srvp = strrsrv, .qi_minfo = &strhead_minfo};
static qinit strhead_winit = {.qi_putp = strwput, .qi_srvp = strwsrv, .qi_minfo = &strhead_minfo};
streamtab strhead_info = {.st_rdinit = &strhead_rinit, .st_wrinit = &strhead_winit};

}  // namespace strdp
