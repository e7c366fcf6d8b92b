// streamio(7I) on the in-process stream head: the I_* commands that the
// head answers itself; I_STR and any other command go downstream
// (head_ioctl_wait.cc).
//
// I_LINK, I_PLINK, I_UNLINK, I_PUNLINK are plumbing: stream/mux.cc.
//
// Refused, with the error streamio gives for a stream that cannot do it:
//  I_SETSIG, I_GETSIG  EINVAL: an in-process head has no process to
//      signal (the shared-memory head implements them);
//  I_SENDFD, I_RECVFD, I_FDINSERT  EINVAL: no file descriptors to pass
//      in-process.
#include <cerrno>
#include <cstring>

#include "head/head_impl.h"
#include "queue/qlist.h"
#include "stream/mux.h"

namespace strdp {

namespace {

int do_list(stdata *sp, str_list *sl, int *rval) {
  int total = static_cast<int>(sp->modules.size()) + 1;  // + the driver
  if (sl == nullptr) {
    *rval = total;
    return 0;
  }
  if (sl->sl_nmods < 1) return EINVAL;
  if (sl->sl_modlist == nullptr) return EFAULT;
  int n = 0;
  for (auto &m : sp->modules) {
    if (n == sl->sl_nmods) break;
    snprintf(sl->sl_modlist[n++].l_name, FMNAMESZ + 1, "%s", m.mod->name.c_str());
  }
  if (n < sl->sl_nmods) snprintf(sl->sl_modlist[n++].l_name, FMNAMESZ + 1, "%s", sp->drv->name.c_str());
  sl->sl_nmods = n;
  *rval = 0;
  return 0;
}

int do_flush(stdata *sp, int flags, int band, bool banded) {
  if (flags == 0 || (flags & ~FLUSHRW) != 0) return EINVAL;
  if (banded && (band < 0 || band > 255)) return EINVAL;
  if (flags & FLUSHR) head_flush_read(sp, banded ? FLUSHBAND : 0, static_cast<unsigned>(band));
  int ok = banded ? putnextctl2(sp->wq(), M_FLUSH, flags | FLUSHBAND, band)
                  : putnextctl1(sp->wq(), M_FLUSH, flags);
  return ok ? 0 : EAGAIN;
}

int set_rdopt(stdata *sp, int opt) {
  int mode = opt & RMODEMASK;
  int prot = opt & RPROTMASK;
  if ((opt & ~(RMODEMASK | RPROTMASK | RFLUSHPCPROT)) != 0 || mode == RMODEMASK) return EINVAL;
  if (prot != 0 && prot != RPROTNORM && prot != RPROTDAT && prot != RPROTDIS) return EINVAL;
  sp->rdopt = mode | (prot != 0 ? prot : (sp->rdopt & RPROTMASK)) | (opt & RFLUSHPCPROT);
  return 0;
}

int atmark(stdata *sp, int flag, int *rval) {
  if (flag != ANYMARK && flag != LASTMARK) return EINVAL;
  mblk_t *mp = sp->rq()->q_first;
  bool marked = mp != nullptr && (mp->b_flag & MSGMARK);
  if (marked && flag == LASTMARK)
    for (mblk_t *m = mp->b_next; m != nullptr; m = m->b_next)
      if (m->b_flag & MSGMARK) marked = false;
  *rval = marked ? 1 : 0;
  return 0;
}

}  // namespace

int head_ioctl(stdata *sp, int cmd, intptr_t arg, int *rval) {
  *rval = 0;
  void *p = reinterpret_cast<void *>(arg);
  switch (cmd) {
    case I_PUSH:
      if (sp->hangup) return ENXIO;
      if (p == nullptr) return EFAULT;
      return stream_push(sp, static_cast<const char *>(p));
    case I_POP:
      if (sp->hangup) return ENXIO;
      return stream_pop(sp);
    case I_LOOK:
      if (sp->modules.empty()) return EINVAL;
      if (p == nullptr) return EFAULT;
      snprintf(static_cast<char *>(p), FMNAMESZ + 1, "%s", sp->modules.front().mod->name.c_str());
      return 0;
    case I_FIND: {
      if (p == nullptr) return EFAULT;
      auto *name = static_cast<const char *>(p);
      if (!strdp_module_exists(name)) return EINVAL;
      for (auto &m : sp->modules)
        if (m.mod->name == name) *rval = 1;
      return 0;
    }
    case I_LIST: return do_list(sp, static_cast<str_list *>(p), rval);
    case I_ANCHOR:
      if (sp->modules.empty()) return EINVAL;
      sp->anchor = static_cast<unsigned>(sp->modules.size());
      return 0;
    case I_NREAD: {
      if (p == nullptr) return EFAULT;
      mblk_t *mp = sp->rq()->q_first;
      *static_cast<int *>(p) = mp != nullptr ? static_cast<int>(msgdsize(mp)) : 0;
      *rval = qsize(sp->rq());
      return 0;
    }
    case I_FLUSH: return do_flush(sp, static_cast<int>(arg), 0, false);
    case I_FLUSHBAND: {
      if (p == nullptr) return EFAULT;
      auto *bi = static_cast<bandinfo *>(p);
      return do_flush(sp, bi->bi_flag, bi->bi_pri, true);
    }
    case I_SRDOPT: return set_rdopt(sp, static_cast<int>(arg));
    case I_GRDOPT:
      if (p == nullptr) return EFAULT;
      *static_cast<int *>(p) = sp->rdopt;
      return 0;
    case I_SWROPT:
      if ((arg & ~(SNDZERO | SNDPIPE)) != 0) return EINVAL;
      sp->wropt = static_cast<int>(arg);
      return 0;
    case I_GWROPT:
      if (p == nullptr) return EFAULT;
      *static_cast<int *>(p) = sp->wropt;
      return 0;
    case I_SERROPT:
      if ((arg & ~(RERRMASK | WERRMASK)) != 0) return EINVAL;
      sp->erropt = static_cast<int>(arg);
      return 0;
    case I_GERROPT:
      if (p == nullptr) return EFAULT;
      *static_cast<int *>(p) = sp->erropt;
      return 0;
    case I_PEEK: {
      if (p == nullptr) return EFAULT;
      int found;
      int e = head_peek(sp, static_cast<strpeek *>(p), &found);
      *rval = found;
      return e;
    }
    case I_CKBAND: {
      if (arg < 0 || arg > 255) return EINVAL;
      for (mblk_t *m = sp->rq()->q_first; m != nullptr; m = m->b_next)
        if (!is_pc(m) && m->b_band == arg) *rval = 1;
      return 0;
    }
    case I_GETBAND: {
      if (p == nullptr) return EFAULT;
      mblk_t *mp = sp->rq()->q_first;
      if (mp == nullptr) return ENODATA;
      *static_cast<int *>(p) = mp->b_band;
      return 0;
    }
    case I_ATMARK: return atmark(sp, static_cast<int>(arg), rval);
    case I_CANPUT:
      if (arg < 0 || arg > 255) return EINVAL;
      if (int e = head_write_error(sp); e != 0) return e;
      *rval = bcanputnext(sp->wq(), static_cast<unsigned char>(arg));
      return 0;
    case I_SETCLTIME: {
      if (p == nullptr) return EFAULT;
      int ms = *static_cast<int *>(p);
      if (ms < 0) return EINVAL;
      sp->closetime_ms = ms;
      return 0;
    }
    case I_GETCLTIME:
      if (p == nullptr) return EFAULT;
      *static_cast<int *>(p) = sp->closetime_ms;
      return 0;
    case I_STR: {
      // The link commands carry a linkblk whose queue pointers a
      // multiplexor trusts: only the framework sends them (stream/mux.cc).
      auto *ic = static_cast<strioctl *>(p);
      if (ic != nullptr && (ic->ic_cmd == I_LINK || ic->ic_cmd == I_PLINK ||
                            ic->ic_cmd == I_UNLINK || ic->ic_cmd == I_PUNLINK))
        return EINVAL;
      return head_ioctl_str(sp, ic, rval);
    }
    case I_LINK:
    case I_PLINK: return mux_link(sp, cmd, arg, rval);
    case I_UNLINK:
    case I_PUNLINK: return mux_unlink(sp, cmd, arg);
    case I_SETSIG:
    case I_GETSIG:
    case I_SENDFD:
    case I_RECVFD:
    case I_FDINSERT:
      return EINVAL;
    default:
      return head_ioctl_transparent(sp, cmd, arg, rval);
  }
}

}  // namespace strdp
