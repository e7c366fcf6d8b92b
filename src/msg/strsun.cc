// The Solaris <sys/strsun.h> helpers, with illumos' semantics.
#include <strdp/strsun.h>

#include <cerrno>
#include <cstring>

namespace {

// The user address of a transparent ioctl: the pointer-sized argument the
// stream head put in b_cont (memcpy: b_rptr need not be aligned).
void *transparent_addr(const mblk_t *mp) {
  void *addr = nullptr;
  if (mp->b_cont != nullptr && MBLKL(mp->b_cont) >= (ptrdiff_t)sizeof(addr))
    std::memcpy(&addr, mp->b_cont->b_rptr, sizeof(addr));
  return addr;
}

void fill_copyreq(mblk_t *mp, void *priv, size_t size, void *uaddr,
                  unsigned char type) {
  auto *cq = reinterpret_cast<copyreq *>(mp->b_rptr);
  // From b_cont, which mcopyin frees right after.
  void *addr = uaddr != nullptr ? uaddr : transparent_addr(mp);
  cq->cq_addr = addr;
  cq->cq_flag = 0;
  cq->cq_size = size;
  cq->cq_private = priv;
  mp->b_datap->db_type = type;
  mp->b_wptr = mp->b_rptr + sizeof(copyreq);
}

}  // namespace

extern "C" void mcopyin(mblk_t *mp, void *priv, size_t size, void *uaddr) {
  fill_copyreq(mp, priv, size, uaddr, M_COPYIN);
  if (mp->b_cont != nullptr) {
    freemsg(mp->b_cont);
    mp->b_cont = nullptr;
  }
}

extern "C" void mcopyout(mblk_t *mp, void *priv, size_t size, void *uaddr,
                         mblk_t *dp) {
  fill_copyreq(mp, priv, size, uaddr, M_COPYOUT);
  if (dp != nullptr) {
    if (mp->b_cont != nullptr) freemsg(mp->b_cont);
    mp->b_cont = dp;
    dp->b_wptr = dp->b_rptr + size;
  }
}

extern "C" void mioc2ack(mblk_t *mp, mblk_t *dp, size_t count, int rval) {
  auto *ioc = reinterpret_cast<iocblk *>(mp->b_rptr);
  mblk_t *old = mp->b_cont;
  mp->b_datap->db_type = M_IOCACK;
  ioc->ioc_count = count;
  ioc->ioc_error = 0;
  ioc->ioc_rval = rval;
  mp->b_cont = dp;
  freemsg(old);
}

extern "C" void miocack(queue_t *wq, mblk_t *mp, int count, int rval) {
  auto *ioc = reinterpret_cast<iocblk *>(mp->b_rptr);
  mp->b_datap->db_type = M_IOCACK;
  ioc->ioc_count = static_cast<size_t>(count);
  ioc->ioc_error = 0;
  ioc->ioc_rval = rval;
  qreply(wq, mp);
}

// A NAK returns no data, so ioc_count is 0 whatever count says; an error
// of 0 would read as success to the caller, so it becomes EINVAL (what
// the Solaris stream head reports for it).
extern "C" void miocnak(queue_t *wq, mblk_t *mp, int /*count*/, int err) {
  auto *ioc = reinterpret_cast<iocblk *>(mp->b_rptr);
  mp->b_datap->db_type = M_IOCNAK;
  ioc->ioc_count = 0;
  ioc->ioc_error = err != 0 ? err : EINVAL;
  qreply(wq, mp);
}

extern "C" int miocpullup(mblk_t *mp, size_t size) {
  auto *ioc = reinterpret_cast<iocblk *>(mp->b_rptr);
  if (MBLKL(mp) != (ptrdiff_t)sizeof(iocblk)) return EINVAL;  // not an ioctl
  if (ioc->ioc_count == TRANSPARENT) return EINVAL;
  if (size == 0) return 0;
  mblk_t *data = mp->b_cont;
  if (data == nullptr) return EINVAL;
  if (static_cast<size_t>(MBLKL(data)) >= size) return 0;
  mblk_t *joined = msgpullup(data, static_cast<ssize_t>(size));
  if (joined == nullptr) return msgdsize(data) < size ? EINVAL : ENOMEM;
  mp->b_cont = joined;
  freemsg(data);
  return 0;
}

extern "C" mblk_t *mexchange(queue_t *wq, mblk_t *mp, size_t size,
                             unsigned char type, int32_t primtype) {
  if (mp == nullptr || static_cast<size_t>(MBLKSIZE(mp)) < size ||
      DB_REF(mp) > 1) {
    freemsg(mp);
    mp = allocb(size, BPRI_LO);
    if (mp == nullptr) {
      if (wq != nullptr) {
        mblk_t *err = allocb(1, BPRI_HI);
        if (err != nullptr) {
          err->b_datap->db_type = M_ERROR;
          *err->b_wptr++ = ENOSR;
          qreply(wq, err);
        }
      }
      return nullptr;
    }
  } else if (mp->b_cont != nullptr) {
    freemsg(mp->b_cont);
    mp->b_cont = nullptr;
  }
  mp->b_rptr = mp->b_datap->db_base;
  mp->b_wptr = mp->b_rptr + size;
  mp->b_datap->db_type = type;
  if (primtype >= 0 && size >= sizeof(primtype))
    std::memcpy(mp->b_rptr, &primtype, sizeof(primtype));
  return mp;
}

extern "C" void merror(queue_t *wq, mblk_t *mp, int err) {
  mp = mexchange(wq, mp, 1, M_ERROR, -1);
  if (mp == nullptr) return;
  *mp->b_rptr = static_cast<unsigned char>(err);
  qreply(wq, mp);
}

extern "C" void mcopymsg(mblk_t *mp, void *buf) {
  auto *dst = static_cast<unsigned char *>(buf);
  for (mblk_t *bp = mp; bp != nullptr; bp = bp->b_cont) {
    size_t n = static_cast<size_t>(MBLKL(bp));
    if (n != 0) std::memcpy(dst, bp->b_rptr, n);
    dst += n;
  }
  freemsg(mp);
}
