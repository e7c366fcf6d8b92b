// I_STR and transparent ioctls: M_IOCTL down, M_COPYIN/M_COPYOUT/M_IOCDATA
// rounds, M_IOCACK/M_IOCNAK up. One ioctl is outstanding per stream; its
// answer is matched by ioc_id (late answers are dropped by strrput).
//
// Transparent ioctls: the head trusts cq_addr as an address of the
// calling thread (in-process callers share our address space); a NULL
// address or an oversized request fails the copy with EFAULT, which is
// reported to the module in M_IOCDATA (cp_rval) and to the caller.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "head/head_impl.h"

namespace strdp {

namespace {

// Sends mp down and waits for the answer to the outstanding ioctl.
int send_and_wait(stdata *sp, mblk_t *mp, int timeout_s, mblk_t **reply) {
  *reply = nullptr;
  putnext(sp->wq(), mp);
  auto start = std::chrono::steady_clock::now();
  while (sp->ioc_reply == nullptr) {
    if (sp->hangup) return ENXIO;
    if (sp->werror != 0) return sp->werror;
    if (timeout_s >= 0 &&
        std::chrono::steady_clock::now() - start > std::chrono::seconds(timeout_s))
      return ETIME;
    stream_wait_step(sp);
  }
  *reply = sp->ioc_reply;
  sp->ioc_reply = nullptr;
  return 0;
}

class IoctlSlot {  // marks the stream's one ioctl as in progress
 public:
  explicit IoctlSlot(stdata *sp) : sp_(sp) {}
  ~IoctlSlot() {
    sp_->ioc_busy = false;
    if (sp_->ioc_reply != nullptr) {
      freemsg(sp_->ioc_reply);
      sp_->ioc_reply = nullptr;
    }
  }
  int begin(mblk_t *mp) {
    if (sp_->ioc_busy) return EBUSY;
    sp_->ioc_busy = true;
    sp_->ioc_id = reinterpret_cast<iocblk *>(mp->b_rptr)->ioc_id;
    return 0;
  }

 private:
  stdata *sp_;
};

iocblk *ioc(mblk_t *mp) { return reinterpret_cast<iocblk *>(mp->b_rptr); }

}  // namespace

int head_ioctl_timeout_s(int ic_timout) {
  if (ic_timout == INFTIM) return -1;
  return ic_timout == 0 ? kDefaultIoctlTimeoutS : ic_timout;
}

size_t head_copy_data_out(const mblk_t *b, char *dst, size_t max) {
  size_t off = 0;
  for (; b != nullptr && off < max; b = b->b_cont) {
    if (b->b_datap->db_type != M_DATA) continue;
    size_t k = std::min(static_cast<size_t>(MBLKL_(b)), max - off);
    memcpy(dst + off, b->b_rptr, k);
    off += k;
  }
  return off;
}

int head_ioc_finish(const mblk_t *reply, int *rval) {
  const auto *io = reinterpret_cast<const iocblk *>(reply->b_rptr);
  if (reply->b_datap->db_type == M_IOCACK) {
    *rval = io->ioc_rval;
    return io->ioc_error;
  }
  return io->ioc_error != 0 ? io->ioc_error : EINVAL;
}

void head_to_iocdata(mblk_t *mp, int rval) {
  mp->b_datap->db_type = M_IOCDATA;
  auto *cp = reinterpret_cast<copyresp *>(mp->b_rptr);
  cp->cp_rval = reinterpret_cast<void *>(static_cast<intptr_t>(rval));
  mp->b_wptr = mp->b_rptr + sizeof(copyresp);
  if (mp->b_cont != nullptr) {
    freemsg(mp->b_cont);
    mp->b_cont = nullptr;
  }
}

int head_ioctl_str(stdata *sp, strioctl *ic, int *rval) {
  if (ic == nullptr) return EFAULT;
  if (ic->ic_len < 0 || ic->ic_len > kStrMsgSize || ic->ic_timout < INFTIM) return EINVAL;
  if (ic->ic_len > 0 && ic->ic_dp == nullptr) return EFAULT;
  if (int e = head_write_error(sp); e != 0) return e;
  const auto cap = static_cast<size_t>(ic->ic_len);
  mblk_t *mp = mkiocb(static_cast<unsigned>(ic->ic_cmd));
  if (mp == nullptr) return ENOSR;
  ioc(mp)->ioc_cr = sp->cred;
  ioc(mp)->ioc_count = static_cast<size_t>(ic->ic_len);
  if (ic->ic_len > 0) {
    mblk_t *d = allocb(static_cast<size_t>(ic->ic_len), BPRI_MED);
    if (d == nullptr) {
      freemsg(mp);
      return ENOSR;
    }
    memcpy(d->b_wptr, ic->ic_dp, static_cast<size_t>(ic->ic_len));
    d->b_wptr += ic->ic_len;
    mp->b_cont = d;
  }
  IoctlSlot slot(sp);
  if (int e = slot.begin(mp); e != 0) {
    freemsg(mp);
    return e;
  }
  mblk_t *reply;
  if (int e = send_and_wait(sp, mp, head_ioctl_timeout_s(ic->ic_timout), &reply); e != 0) return e;
  unsigned char type = reply->b_datap->db_type;
  if (type == M_COPYIN || type == M_COPYOUT) {
    // A copy request answers only transparent ioctls: refuse it, tell the
    // module, and fail the caller.
    head_to_iocdata(reply, EPROTO);
    putnext(sp->wq(), reply);
    return EPROTO;
  }
  int err = head_ioc_finish(reply, rval);
  if (err == 0 && type == M_IOCACK) {
    // A kernel trusts the caller's buffer to hold whatever the module
    // returns; in-process, a module's bug would overwrite the caller's
    // memory. ic_len on entry is therefore also the size of ic_dp: the
    // reply is cut to it (ic_len says how much came back).
    size_t count = std::min(ioc(reply)->ioc_count, cap);
    if (count > 0 && reply->b_cont != nullptr) {
      if (ic->ic_dp == nullptr) {
        err = EFAULT;
      } else {
        count = head_copy_data_out(reply->b_cont, ic->ic_dp, count);
      }
    }
    ic->ic_len = static_cast<int>(count);
  }
  freemsg(reply);
  return err;
}

int head_ioctl_transparent(stdata *sp, int cmd, intptr_t arg, int *rval) {
  if (int e = head_write_error(sp); e != 0) return e;
  mblk_t *mp = mkiocb(static_cast<unsigned>(cmd));
  mblk_t *d = allocb(sizeof(intptr_t), BPRI_MED);
  if (mp == nullptr || d == nullptr) {
    if (mp != nullptr) freemsg(mp);
    if (d != nullptr) freemsg(d);
    return ENOSR;
  }
  ioc(mp)->ioc_cr = sp->cred;
  ioc(mp)->ioc_count = TRANSPARENT;
  memcpy(d->b_wptr, &arg, sizeof arg);
  d->b_wptr += sizeof arg;
  mp->b_cont = d;
  IoctlSlot slot(sp);
  if (int e = slot.begin(mp); e != 0) {
    freemsg(mp);
    return e;
  }
  for (;;) {
    mblk_t *reply;
    if (int e = send_and_wait(sp, mp, kDefaultIoctlTimeoutS, &reply); e != 0) return e;
    unsigned char type = reply->b_datap->db_type;
    if (type == M_IOCACK || type == M_IOCNAK) {
      int err = head_ioc_finish(reply, rval);
      freemsg(reply);
      return err;
    }
    auto *cq = reinterpret_cast<copyreq *>(reply->b_rptr);
    if (MBLKL_(reply) < static_cast<long>(sizeof(copyreq)) || cq->cq_addr == nullptr ||
        cq->cq_size > static_cast<size_t>(kStrMsgSize)) {
      head_to_iocdata(reply, EFAULT);
      putnext(sp->wq(), reply);
      return EFAULT;
    }
    if (type == M_COPYIN) {
      mblk_t *in = allocb(cq->cq_size, BPRI_MED);
      if (in == nullptr) {
        head_to_iocdata(reply, ENOSR);
        putnext(sp->wq(), reply);
        return ENOSR;
      }
      memcpy(in->b_wptr, cq->cq_addr, cq->cq_size);
      in->b_wptr += cq->cq_size;
      head_to_iocdata(reply, 0);
      reply->b_cont = in;
    } else {  // M_COPYOUT: the data to copy out is in b_cont
      head_copy_data_out(reply->b_cont, static_cast<char *>(cq->cq_addr), cq->cq_size);
      head_to_iocdata(reply, 0);
    }
    mp = reply;  // the M_IOCDATA goes down; wait for the next answer
  }
}

}  // namespace strdp
