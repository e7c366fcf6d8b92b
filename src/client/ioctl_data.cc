// The ioctls that carry structures both ways (I_LOOK, I_LIST, I_PEEK,
// I_STR) and transparent ioctls with their copy rounds, marshalled as the
// table in shm_proto.h says; the errors and their order are the
// in-process head's (src/head/head_ioctl*.cc).
#include <cstring>

#include "client/ioctl_impl.h"

namespace strdp::client {

namespace {

constexpr int kNameSize = FMNAMESZ + 1;
// I_LIST: no stream has this many modules (nstrpush is far lower); a
// larger sl_nmods is asked for as this.
constexpr int kMaxList = 4096;

// A NUL-terminated name of at most FMNAMESZ characters from n bytes.
void copy_name(char *dst, const uint8_t *src, uint32_t n) {
  uint32_t k = 0;
  while (k < n && k < FMNAMESZ && src[k] != 0) {
    dst[k] = static_cast<char>(src[k]);
    ++k;
  }
  dst[k] = '\0';
}

}  // namespace

int IocCall::run(shm::Request *rq, const Part *in, int nin, bool transparent) {
  int e = request(sp_, rq, in, nin, &rep_, &out_);
  while (e == 0 && rep_.type != shm::kRepDone) {
    // M_COPYIN/M_COPYOUT: the address is the application's (a1), as the
    // in-process head trusts cq_addr; a NULL one or one too large fails
    // the copy with EFAULT, told to the daemon and to the caller.
    int64_t size = rep_.a[0];
    void *addr = reinterpret_cast<void *>(static_cast<intptr_t>(rep_.a[1]));
    int cerr = 0;
    if (!transparent)
      cerr = EPROTO;  // only a transparent ioctl may be asked for copies
    else if (addr == nullptr || size < 0 || size > static_cast<int64_t>(shm::kMaxData))
      cerr = EFAULT;
    Part part{addr, 0};
    if (cerr == 0 && rep_.type == shm::kRepCopyIn) {
      part.len = static_cast<uint32_t>(size);
    } else if (cerr == 0) {
      uint32_t n = rep_.out_len < size ? rep_.out_len : static_cast<uint32_t>(size);
      memcpy(addr, out_, n);
    }
    reply_done(sp_);
    if (copy_err_ == 0) copy_err_ = cerr;
    shm::Request d{};
    d.op = shm::kOpIocData;
    d.a[0] = cerr;
    e = request(sp_, &d, &part, part.len > 0 ? 1 : 0, &rep_, &out_);
  }
  held_ = e == 0;
  return e;
}

int ioc_look(stdata *sp, char *name, int *rval) {
  shm::Request rq = ioc_request(sp, I_LOOK, 0, false);
  IocCall call(sp);
  if (int e = call.run(&rq, nullptr, 0, false); e != 0) return e;
  if (int e = call.result(); e != 0) return e;  // EINVAL (no module) before EFAULT
  if (name == nullptr) return EFAULT;
  copy_name(name, call.payload(), call.rep().out_len);
  *rval = static_cast<int>(call.rep().rval);
  return 0;
}

// I_LIST: with NULL, the number of modules and driver; else the names of
// as many as sl_nmods holds, sl_nmods set to how many came, rval 0.
int ioc_list(stdata *sp, str_list *sl, int *rval) {
  if (sl != nullptr) {
    if (sl->sl_nmods < 1) return EINVAL;
    if (sl->sl_modlist == nullptr) return EFAULT;
  }
  int want = sl == nullptr ? 0 : (sl->sl_nmods < kMaxList ? sl->sl_nmods : kMaxList);
  shm::Request rq = ioc_request(sp, I_LIST, want, false);
  IocCall call(sp);
  if (int e = call.run(&rq, nullptr, 0, false); e != 0) return e;
  if (int e = call.result(); e != 0) return e;
  int64_t n = call.rep().rval;
  if (sl == nullptr) {
    *rval = static_cast<int>(n);
    return 0;
  }
  if (n < 0 || n > want || call.rep().out_len < n * kNameSize) return mark_broken(sp);
  for (int64_t i = 0; i < n; ++i)
    copy_name(sl->sl_modlist[i].l_name, call.payload() + i * kNameSize, kNameSize);
  sl->sl_nmods = static_cast<int>(n);
  *rval = 0;
  return 0;
}

// I_PEEK: a copy of the first message (or of a high-priority one with
// RS_HIPRI); rval 1 if there was one. A NULL buffer fails (EFAULT) only
// when there were bytes for it.
int ioc_peek(stdata *sp, strpeek *pk, int *rval) {
  if (pk == nullptr) return EFAULT;
  if (pk->flags != 0 && pk->flags != RS_HIPRI) return EINVAL;
  shm::Request rq = ioc_request(sp, I_PEEK, pk->flags, false);
  rq.a[2] = clamp64(pk->ctlbuf.maxlen, 0, shm::kMaxCtl);
  rq.a[3] = clamp64(pk->databuf.maxlen, 0, shm::kMaxData);
  IocCall call(sp);
  if (int e = call.run(&rq, nullptr, 0, false); e != 0) return e;
  if (int e = call.result(); e != 0) return e;
  const shm::Reply &r = call.rep();
  *rval = r.rval != 0 ? 1 : 0;
  if (r.rval == 0) return 0;
  if (r.ctl_len < -1 || r.data_len < -1 || r.ctl_len > rq.a[2] || r.data_len > rq.a[3])
    return mark_broken(sp);
  uint32_t cl = r.ctl_len > 0 ? static_cast<uint32_t>(r.ctl_len) : 0;
  uint32_t dl = r.data_len > 0 ? static_cast<uint32_t>(r.data_len) : 0;
  if (cl + dl > r.out_len) return mark_broken(sp);
  if ((cl > 0 && pk->ctlbuf.buf == nullptr) || (dl > 0 && pk->databuf.buf == nullptr))
    return EFAULT;
  if (cl > 0) memcpy(pk->ctlbuf.buf, call.payload(), cl);
  if (dl > 0) memcpy(pk->databuf.buf, call.payload() + cl, dl);
  pk->ctlbuf.len = r.ctl_len;
  pk->databuf.len = r.data_len;
  pk->flags = (r.flags & RS_HIPRI) ? RS_HIPRI : 0;
  return 0;
}

// I_STR: ic_len on entry is both the length sent and the size of ic_dp
// for the answer; at most that much comes back, ic_len says how much.
int ioc_str(stdata *sp, strioctl *ic, int *rval) {
  if (ic == nullptr) return EFAULT;
  // The link commands carry queue pointers a multiplexor trusts.
  if (ic->ic_cmd == I_LINK || ic->ic_cmd == I_PLINK || ic->ic_cmd == I_UNLINK ||
      ic->ic_cmd == I_PUNLINK)
    return EINVAL;
  if (ic->ic_len < 0 || ic->ic_len > static_cast<int>(shm::kMaxData) || ic->ic_timout < INFTIM)
    return EINVAL;
  if (ic->ic_len > 0 && ic->ic_dp == nullptr) return EFAULT;
  if (int e = write_error(sp); e != 0) return e;
  shm::Request rq = ioc_request(sp, I_STR, ic->ic_cmd, true);
  rq.a[2] = ic->ic_timout;
  rq.a[3] = ic->ic_len;
  Part in{ic->ic_dp, static_cast<uint32_t>(ic->ic_len)};
  IocCall call(sp);
  if (int e = call.run(&rq, &in, 1, false); e != 0) return e;
  *rval = static_cast<int>(call.rep().rval);
  if (int e = call.result(); e != 0) return e;
  uint32_t n = call.rep().out_len;
  if (n > static_cast<uint32_t>(ic->ic_len)) n = static_cast<uint32_t>(ic->ic_len);
  if (n > 0) memcpy(ic->ic_dp, call.payload(), n);
  ic->ic_len = static_cast<int>(n);
  return 0;
}

int ioc_transparent(stdata *sp, int cmd, intptr_t arg, int *rval) {
  if (int e = write_error(sp); e != 0) return e;
  shm::Request rq = ioc_request(sp, cmd, static_cast<int64_t>(arg), true);
  IocCall call(sp);
  if (int e = call.run(&rq, nullptr, 0, true); e != 0) return e;
  *rval = static_cast<int>(call.rep().rval);
  return call.result();
}

}  // namespace strdp::client
