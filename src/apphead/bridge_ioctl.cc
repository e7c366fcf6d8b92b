// A Bridge's ioctls: each streamio command unmarshalled from the request
// (the table in shm_proto.h) into the in-process head's own call, with
// arguments that live here; I_STR and transparent ioctls run as rounds
// that never block the service thread; I_SETSIG/I_GETSIG are the
// bridge's (it knows the process to signal).
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "apphead/bridge.h"
#include "apphead/conn.h"
#include "head/head_impl.h"

namespace strdp::apphead {

using namespace shm;

namespace {

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t deadline_after(int seconds) {
  return seconds < 0 ? UINT64_MAX : now_ns() + static_cast<uint64_t>(seconds) * 1000000000u;
}

iocblk *ioc(mblk_t *mp) { return reinterpret_cast<iocblk *>(mp->b_rptr); }

void put_int(std::vector<uint8_t> *out, int v) {
  int32_t x = v;
  out->resize(sizeof x);
  memcpy(out->data(), &x, sizeof x);
}

}  // namespace

// Whether the ioctl of p has run past its timeout. The clock starts at
// the first look: I_STR's ic_timout (INFTIM: never), the default for a
// transparent ioctl.
bool Bridge::ioctl_overdue(Pending &p) {
  if (p.deadline_ns == 0) {
    int seconds = kDefaultIoctlTimeoutS;
    if (static_cast<int>(p.rq.a[0]) == I_STR) {
      int64_t tmo = p.rq.a[2];
      seconds = tmo < INFTIM || tmo > INT32_MAX ? kDefaultIoctlTimeoutS
                                                : head_ioctl_timeout_s(static_cast<int>(tmo));
    }
    p.deadline_ns = deadline_after(seconds);
  }
  return p.deadline_ns != UINT64_MAX && now_ns() > p.deadline_ns;
}

void Bridge::end_ioctl(Pending &p) {
  if (p.ioc_stage == 0 || sp_ == nullptr) return;
  sp_->ioc_busy = false;
  if (sp_->ioc_reply != nullptr) {
    freemsg(sp_->ioc_reply);
    sp_->ioc_reply = nullptr;
  }
  if (p.copyreq != nullptr) {
    freemsg(p.copyreq);
    p.copyreq = nullptr;
  }
  p.ioc_stage = 0;
}

int Bridge::link(Pending &p, int *rval) {
  Bridge *lower = conn_->find(static_cast<uint64_t>(p.rq.a[1]));
  // The argument stands for a descriptor of this process: any other id
  // is EBADF, as an unknown file descriptor would be.
  if (lower == nullptr || lower == this || lower->stream() == nullptr) return EBADF;
  // A [[apps.stream]] is the configuration's: linked under a mux, it would
  // go with the mux when that closes.
  if (lower->configured()) return EINVAL;
  int cmd = static_cast<int>(p.rq.a[0]);
  int e = head_ioctl(sp_, cmd, reinterpret_cast<intptr_t>(lower->stream()), rval);
  if (e == 0 && cmd == I_PLINK) conn_->note_plink(sp_->drv->name.c_str(), *rval);
  return e;
}

// Commands answered at once. 0 or an errno; *out is the reply's payload.
int Bridge::ioctl_simple(Pending &p, int *rval, std::vector<uint8_t> *out) {
  const int cmd = static_cast<int>(p.rq.a[0]);
  const int64_t a1 = p.rq.a[1];
  out->clear();
  *rval = 0;
  switch (cmd) {
    case I_PUSH:
    case I_FIND: {
      char name[FMNAMESZ + 2] = {};
      memcpy(name, p.in.data(), std::min<size_t>(p.in.size(), FMNAMESZ + 1));
      return head_ioctl(sp_, cmd, reinterpret_cast<intptr_t>(name), rval);
    }
    case I_POP:
    case I_ANCHOR:
    case I_FLUSH:
    case I_SRDOPT:
    case I_SWROPT:
    case I_SERROPT:
    case I_CKBAND:
    case I_ATMARK:
    case I_CANPUT:
      if (a1 < INT32_MIN || a1 > INT32_MAX) return EINVAL;
      return head_ioctl(sp_, cmd, static_cast<intptr_t>(a1), rval);
    case I_UNLINK:
    case I_PUNLINK: {
      if (a1 < INT32_MIN || a1 > INT32_MAX) return EINVAL;
      int e = head_ioctl(sp_, cmd, static_cast<intptr_t>(a1), rval);
      if (e == 0 && cmd == I_PUNLINK) conn_->forget_plink(sp_->drv->name.c_str(), static_cast<int>(a1));
      return e;
    }
    case I_SETCLTIME: {
      if (a1 < INT32_MIN || a1 > INT32_MAX) return EINVAL;
      int v = static_cast<int>(a1);
      return head_ioctl(sp_, cmd, reinterpret_cast<intptr_t>(&v), rval);
    }
    case I_GRDOPT:
    case I_GWROPT:
    case I_GERROPT:
    case I_GETBAND:
    case I_GETCLTIME:
    case I_NREAD: {
      int v = 0;
      int e = head_ioctl(sp_, cmd, reinterpret_cast<intptr_t>(&v), rval);
      if (e == 0) put_int(out, v);
      return e;
    }
    case I_LOOK: {
      char name[FMNAMESZ + 1] = {};
      int e = head_ioctl(sp_, cmd, reinterpret_cast<intptr_t>(name), rval);
      if (e == 0) out->assign(name, name + strnlen(name, FMNAMESZ) + 1);
      return e;
    }
    case I_LIST: {
      if (a1 == 0) return head_ioctl(sp_, cmd, 0, rval);
      if (a1 < 1 || a1 > 4096) return EINVAL;
      std::vector<str_mlist> names(static_cast<size_t>(a1));
      str_list sl{static_cast<int>(a1), names.data()};
      int e = head_ioctl(sp_, cmd, reinterpret_cast<intptr_t>(&sl), rval);
      if (e == 0) {
        // In-process the count comes back in sl_nmods; here it is rval.
        *rval = std::clamp(sl.sl_nmods, 0, static_cast<int>(a1));
        size_t n = static_cast<size_t>(*rval);
        const auto *b = reinterpret_cast<const uint8_t *>(names.data());
        out->assign(b, b + n * sizeof(str_mlist));
      }
      return e;
    }
    case I_FLUSHBAND: {
      if (p.in.size() != sizeof(bandinfo)) return EINVAL;
      bandinfo bi;
      memcpy(&bi, p.in.data(), sizeof bi);
      return head_ioctl(sp_, cmd, reinterpret_cast<intptr_t>(&bi), rval);
    }
    case I_LINK:
    case I_PLINK: return link(p, rval);
    case I_SETSIG:
      if (a1 < INT32_MIN || a1 > INT32_MAX) return EINVAL;
      return setsig(static_cast<int>(a1));
    case I_GETSIG:
      if (sigmask_ == 0) return EINVAL;
      put_int(out, sigmask_);
      return 0;
    case I_SENDFD:
    case I_RECVFD:
    case I_FDINSERT: return EINVAL;  // no descriptors cross into the daemon
    default: return -1;  // not a simple one
  }
}

Bridge::Step Bridge::run_ioctl(Pending &p) {
  const int cmd = static_cast<int>(p.rq.a[0]);
  if (p.ioc_stage != 0) return run_ioctl_wait(p);
  if (cmd == I_PEEK) {
    int cmax = static_cast<int>(std::clamp<int64_t>(p.rq.a[2], -1, kMaxCtl));
    int dmax = static_cast<int>(std::clamp<int64_t>(p.rq.a[3], -1, kMaxData));
    if (!can_reply(static_cast<uint32_t>(std::max(cmax, 0) + std::max(dmax, 0))))
      return Step::kWait;
    strpeek pk{};
    pk.ctlbuf = {cmax, -1, scratch_->ctl.data()};
    pk.databuf = {dmax, -1, scratch_->data.data()};
    pk.flags = static_cast<int>(p.rq.a[1]);
    int rval = 0;
    int e = head_ioctl(sp_, I_PEEK, reinterpret_cast<intptr_t>(&pk), &rval);
    Reply r{};
    r.seq = p.rq.seq;
    r.err = e;
    r.rval = e == 0 ? rval : -1;
    r.ctl_len = e == 0 ? pk.ctlbuf.len : -1;
    r.data_len = e == 0 ? pk.databuf.len : -1;
    r.flags = pk.flags;
    uint32_t nc = e == 0 && pk.ctlbuf.len > 0 ? static_cast<uint32_t>(pk.ctlbuf.len) : 0;
    uint32_t nd = e == 0 && pk.databuf.len > 0 ? static_cast<uint32_t>(pk.databuf.len) : 0;
    reply(r, pk.ctlbuf.buf, nc, pk.databuf.buf, nd);
    return Step::kDone;
  }
  if (cmd != I_STR) {
    if (!can_reply(64 * sizeof(str_mlist))) return Step::kWait;
    std::vector<uint8_t> &out = scratch_->out;
    int rval = 0;
    int e = ioctl_simple(p, &rval, &out);
    if (e >= 0) {
      Reply r{};
      r.seq = p.rq.seq;
      r.err = e;
      r.rval = e == 0 ? rval : -1;
      r.ctl_len = r.data_len = -1;
      if (!reply(r, out.data(), e == 0 ? static_cast<uint32_t>(out.size()) : 0))
        return Step::kWait;
      return Step::kDone;
    }
  }
  // I_STR or a transparent ioctl: M_IOCTL down, rounds until the answer.
  if (int e = head_write_error(sp_); e != 0)
    return reply_done(p, e, -1) ? Step::kDone : Step::kWait;
  if (sp_->ioc_busy) {
    if (!ioctl_overdue(p)) return Step::kWait;
    return reply_done(p, ETIME, -1) ? Step::kDone : Step::kWait;
  }
  bool str = cmd == I_STR;
  int len = 0;
  if (str) {
    int ic_cmd = static_cast<int>(p.rq.a[1]);
    int64_t tmo = p.rq.a[2], ilen = p.rq.a[3];
    if (ilen < 0 || ilen > kMaxData || ilen != static_cast<int64_t>(p.in.size()) ||
        tmo < INFTIM || tmo > INT32_MAX)
      return reply_done(p, EINVAL, -1) ? Step::kDone : Step::kWait;
    // The link commands carry queue pointers a mux trusts: only the
    // framework sends them (as the in-process head refuses them).
    if (ic_cmd == I_LINK || ic_cmd == I_PLINK || ic_cmd == I_UNLINK || ic_cmd == I_PUNLINK)
      return reply_done(p, EINVAL, -1) ? Step::kDone : Step::kWait;
    len = static_cast<int>(ilen);
    p.ioc_cap = len;
  }
  (void)ioctl_overdue(p);  // the clock starts now unless it started waiting
  mblk_t *mp = mkiocb(static_cast<unsigned>(str ? p.rq.a[1] : cmd));
  size_t dlen = str ? static_cast<size_t>(len) : sizeof(intptr_t);
  mblk_t *d = (str && len == 0) ? nullptr : allocb(dlen, BPRI_MED);
  if (mp == nullptr || (d == nullptr && !(str && len == 0))) {
    if (mp != nullptr) freemsg(mp);
    if (d != nullptr) freemsg(d);
    return reply_done(p, ENOSR, -1) ? Step::kDone : Step::kWait;
  }
  ioc(mp)->ioc_cr = &cred_;
  if (str) {
    ioc(mp)->ioc_count = static_cast<size_t>(len);
    if (d != nullptr) memcpy(d->b_wptr, p.in.data(), static_cast<size_t>(len));
  } else {
    // TRANSPARENT: the argument is an address in the application, which
    // the module asks to copy from and to (M_COPYIN/M_COPYOUT rounds).
    ioc(mp)->ioc_count = TRANSPARENT;
    intptr_t arg = static_cast<intptr_t>(p.rq.a[1]);
    memcpy(d->b_wptr, &arg, sizeof arg);
  }
  if (d != nullptr) {
    d->b_wptr += dlen;
    mp->b_cont = d;
  }
  p.ioc_transparent = !str;
  sp_->ioc_busy = true;
  sp_->ioc_id = ioc(mp)->ioc_id;
  p.ioc_stage = 1;
  putnext(sp_->wq(), mp);
  return run_ioctl_wait(p);
}

Bridge::Step Bridge::run_ioctl_wait(Pending &p) {
  if (p.ioc_stage == 2) {
    // The application's answer to a copy request: the next request.
    Pending data;
    if (!take_request(&data)) return Step::kWait;
    if (data.rq.op != kOpIocData) {
      fail("a request came where ioctl copy data was due");
      return Step::kDone;
    }
    p.rq.seq = data.rq.seq;  // the answer goes to the latest request
    auto *cq = reinterpret_cast<copyreq *>(p.copyreq->b_rptr);
    mblk_t *mp = p.copyreq;
    p.copyreq = nullptr;
    int err = static_cast<int>(std::clamp<int64_t>(data.rq.a[0], 0, 4095));
    bool copyin = mp->b_datap->db_type == M_COPYIN;
    if (copyin && err == 0 && data.in.size() != cq->cq_size) err = EFAULT;
    mblk_t *in = nullptr;
    if (copyin && err == 0 && (in = allocb(cq->cq_size, BPRI_MED)) == nullptr) err = ENOSR;
    if (in != nullptr) {
      memcpy(in->b_wptr, data.in.data(), cq->cq_size);
      in->b_wptr += cq->cq_size;
    }
    head_to_iocdata(mp, err);
    mp->b_cont = in;
    p.ioc_stage = 1;
    p.deadline_ns = deadline_after(kDefaultIoctlTimeoutS);
    putnext(sp_->wq(), mp);
    if (copyin && err != 0) {
      // As the in-process head: a failed copy-in fails the caller at once.
      end_ioctl(p);
      reply_done(p, err, -1);
      return Step::kDone;
    }
  }
  mblk_t *reply_mp = sp_->ioc_reply;
  if (reply_mp == nullptr) {
    int err = 0;
    if (sp_->hangup)
      err = ENXIO;
    else if (sp_->werror != 0)
      err = sp_->werror;
    else if (p.deadline_ns != UINT64_MAX && now_ns() > p.deadline_ns)
      err = ETIME;
    if (err == 0) return Step::kWait;
    end_ioctl(p);
    reply_done(p, err, -1);
    return Step::kDone;
  }
  unsigned char type = reply_mp->b_datap->db_type;
  uint32_t need = type == M_COPYOUT ? kMaxData : static_cast<uint32_t>(std::max(p.ioc_cap, 0));
  if (!can_reply(need)) return Step::kWait;
  sp_->ioc_reply = nullptr;
  if (type == M_COPYIN || type == M_COPYOUT) {
    auto *cq = reinterpret_cast<copyreq *>(reply_mp->b_rptr);
    int err = 0;
    if (!p.ioc_transparent)
      err = EPROTO;  // a copy request answers only transparent ioctls
    else if (MBLKL_(reply_mp) < static_cast<long>(sizeof(copyreq)) || cq->cq_addr == nullptr ||
             cq->cq_size > static_cast<size_t>(kMaxData))
      err = EFAULT;
    if (err != 0) {
      head_to_iocdata(reply_mp, err);
      putnext(sp_->wq(), reply_mp);
      end_ioctl(p);
      reply_done(p, err, -1);
      return Step::kDone;
    }
    Reply r{};
    r.seq = p.rq.seq;
    r.ctl_len = r.data_len = -1;
    r.a[0] = static_cast<int64_t>(cq->cq_size);
    r.a[1] = reinterpret_cast<intptr_t>(cq->cq_addr);
    uint32_t n = 0;
    if (type == M_COPYIN) {
      r.type = kRepCopyIn;
    } else {
      r.type = kRepCopyOut;
      n = static_cast<uint32_t>(
          head_copy_data_out(reply_mp->b_cont, scratch_->data.data(), cq->cq_size));
      r.a[0] = n;
    }
    p.copyreq = reply_mp;
    p.ioc_stage = 2;
    reply(r, scratch_->data.data(), n);
    return Step::kWait;  // the application answers with kOpIocData
  }
  int rval = 0;
  int err = head_ioc_finish(reply_mp, &rval);
  uint32_t n = 0;
  if (err == 0 && type == M_IOCACK && !p.ioc_transparent) {
    // I_STR: the answer is cut to what the caller's buffer holds (ic_len
    // on entry), as the in-process head does.
    size_t count = std::min(ioc(reply_mp)->ioc_count, static_cast<size_t>(p.ioc_cap));
    n = static_cast<uint32_t>(head_copy_data_out(reply_mp->b_cont, scratch_->data.data(), count));
  }
  freemsg(reply_mp);
  end_ioctl(p);
  Reply r{};
  r.seq = p.rq.seq;
  r.err = err;
  r.rval = err == 0 ? rval : -1;
  r.ctl_len = r.data_len = -1;
  reply(r, scratch_->data.data(), n);
  return Step::kDone;
}

}  // namespace strdp::apphead
