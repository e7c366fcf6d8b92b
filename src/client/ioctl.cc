// strdp_ioctl: streamio(7I) commands, marshalled as the table in
// shm_proto.h says (a0 the command). Integer arguments are checked here
// as the in-process head checks them (src/head/head_ioctl.cc), so the
// errors are the same and the daemon never sees a value it would have to
// treat as a protocol violation.
#include <cstring>

#include "client/ioctl_impl.h"

namespace strdp::client {

namespace {

constexpr intptr_t kSigMask = S_INPUT | S_HIPRI | S_OUTPUT | S_MSG | S_ERROR | S_HANGUP |
                              S_RDNORM | S_RDBAND | S_WRBAND | S_BANDURG;

// An ioctl whose argument is an integer (a1), no payload either way.
int ioc_int(stdata *sp, int cmd, int64_t a1, bool fenced, int *rval) {
  shm::Request rq = ioc_request(sp, cmd, a1, fenced);
  IocCall call(sp);
  if (int e = call.run(&rq, nullptr, 0, false); e != 0) return e;
  *rval = static_cast<int>(call.rep().rval);
  return call.result();
}

// The getters: one int32 comes back and is stored at arg.
int ioc_get_int(stdata *sp, int cmd, int *p, int *rval) {
  if (p == nullptr) return EFAULT;
  shm::Request rq = ioc_request(sp, cmd, 0, false);
  IocCall call(sp);
  if (int e = call.run(&rq, nullptr, 0, false); e != 0) return e;
  if (int e = call.result(); e != 0) return e;
  if (call.rep().out_len < sizeof(int32_t)) return mark_broken(sp);
  int32_t v;
  memcpy(&v, call.payload(), sizeof v);
  *p = v;
  *rval = static_cast<int>(call.rep().rval);
  return 0;
}

// I_PUSH, I_FIND: the name's bytes (the daemon NUL-terminates them). A
// name longer than FMNAMESZ names no module.
int ioc_name(stdata *sp, int cmd, const char *name, int *rval) {
  if (cmd == I_PUSH && shm::load_acq(sp->hdr->hangup) != 0) return ENXIO;
  if (name == nullptr) return EFAULT;
  size_t n = strnlen(name, FMNAMESZ + 1);
  if (n > FMNAMESZ) return EINVAL;
  shm::Request rq = ioc_request(sp, cmd, 0, cmd == I_PUSH);
  Part in{name, static_cast<uint32_t>(n)};
  IocCall call(sp);
  if (int e = call.run(&rq, &in, 1, false); e != 0) return e;
  *rval = static_cast<int>(call.rep().rval);
  return call.result();
}

int ioc_flushband(stdata *sp, const bandinfo *bi, int *rval) {
  if (bi == nullptr) return EFAULT;
  if (bi->bi_flag == 0 || (bi->bi_flag & ~FLUSHRW) != 0) return EINVAL;
  bandinfo copy;
  memset(&copy, 0, sizeof copy);  // no stray padding bytes into the ring
  copy.bi_pri = bi->bi_pri;
  copy.bi_flag = bi->bi_flag;
  shm::Request rq = ioc_request(sp, I_FLUSHBAND, 0, true);
  Part in{&copy, sizeof copy};
  IocCall call(sp);
  if (int e = call.run(&rq, &in, 1, false); e != 0) return e;
  *rval = static_cast<int>(call.rep().rval);
  return call.result();
}

// I_LINK, I_PLINK: the lower stream must be one of ours, on the same
// connection (the daemon knows it by stream_id). The argument stands for
// a file descriptor: anything else is EBADF, as in-process.
int ioc_link(stdata *sp, int cmd, intptr_t arg, int *rval) {
  auto *lower = reinterpret_cast<stdata *>(arg);
  uint64_t id = 0;
  bool found = false;
  {
    Lock l(&g_proc.mu);
    for (stdata *s = g_proc.streams; s != nullptr; s = s->next)
      if (s == lower && s->conn == sp->conn) {
        id = s->stream_id;
        found = true;
      }
  }
  if (!found) return EBADF;
  return ioc_int(sp, cmd, static_cast<int64_t>(id), true, rval);
}

bool rdopt_ok(intptr_t opt) {
  intptr_t mode = opt & RMODEMASK, prot = opt & RPROTMASK;
  if ((opt & ~static_cast<intptr_t>(RMODEMASK | RPROTMASK | RFLUSHPCPROT)) != 0 ||
      mode == RMODEMASK)
    return false;
  return prot == 0 || prot == RPROTNORM || prot == RPROTDAT || prot == RPROTDIS;
}

int dispatch(stdata *sp, int cmd, intptr_t arg, int *rval) {
  void *p = reinterpret_cast<void *>(arg);
  int iarg = static_cast<int>(arg);
  switch (cmd) {
    case I_SENDFD:
    case I_RECVFD:
    case I_FDINSERT: return EINVAL;  // no descriptors cross to the daemon
    default: break;
  }
  if (stream_gone(sp)) return ENXIO;
  switch (cmd) {
    case I_PUSH:
    case I_FIND: return ioc_name(sp, cmd, static_cast<const char *>(p), rval);
    case I_POP:
      if (shm::load_acq(sp->hdr->hangup) != 0) return ENXIO;
      return ioc_int(sp, cmd, iarg, true, rval);
    case I_ANCHOR:
    case I_UNLINK:
    case I_PUNLINK: return ioc_int(sp, cmd, iarg, true, rval);
    case I_FLUSH:
      if (iarg == 0 || (iarg & ~FLUSHRW) != 0) return EINVAL;
      return ioc_int(sp, cmd, iarg, true, rval);
    case I_SRDOPT:
      if (!rdopt_ok(arg)) return EINVAL;
      return ioc_int(sp, cmd, iarg, true, rval);
    case I_SWROPT: {
      if ((arg & ~static_cast<intptr_t>(SNDZERO | SNDPIPE)) != 0) return EINVAL;
      int e = ioc_int(sp, cmd, iarg, true, rval);
      // write(2) needs SNDZERO before it posts a zero-length message.
      if (e == 0) shm::store_rel(sp->wropt, iarg);
      return e;
    }
    case I_SERROPT:
      if ((arg & ~static_cast<intptr_t>(RERRMASK | WERRMASK)) != 0) return EINVAL;
      return ioc_int(sp, cmd, iarg, true, rval);
    case I_SETSIG:
      if ((arg & ~kSigMask) != 0) return EINVAL;
      return ioc_int(sp, cmd, iarg, true, rval);
    case I_CKBAND:
    case I_CANPUT:
      if (arg < 0 || arg > 255) return EINVAL;
      return ioc_int(sp, cmd, arg, false, rval);
    case I_ATMARK:
      if (arg != ANYMARK && arg != LASTMARK) return EINVAL;
      return ioc_int(sp, cmd, arg, false, rval);
    case I_SETCLTIME: {
      if (p == nullptr) return EFAULT;
      int ms = *static_cast<const int *>(p);
      if (ms < 0) return EINVAL;
      return ioc_int(sp, cmd, ms, true, rval);
    }
    case I_LOOK: return ioc_look(sp, static_cast<char *>(p), rval);
    case I_GRDOPT:
    case I_GWROPT:
    case I_GERROPT:
    case I_GETBAND:
    case I_GETCLTIME:
    case I_GETSIG:
    case I_NREAD: return ioc_get_int(sp, cmd, static_cast<int *>(p), rval);
    case I_LIST: return ioc_list(sp, static_cast<str_list *>(p), rval);
    case I_FLUSHBAND: return ioc_flushband(sp, static_cast<const bandinfo *>(p), rval);
    case I_PEEK: return ioc_peek(sp, static_cast<strpeek *>(p), rval);
    case I_STR: return ioc_str(sp, static_cast<strioctl *>(p), rval);
    case I_LINK:
    case I_PLINK: return ioc_link(sp, cmd, arg, rval);
    default: return ioc_transparent(sp, cmd, arg, rval);
  }
}

}  // namespace

}  // namespace strdp::client

using namespace strdp::client;
namespace shm = strdp::shm;

STRDP_CLIENT_API int strdp_ioctl(strdp_stream_t *sp, int cmd, intptr_t arg) {
  if (sp == nullptr) return fail(EBADF);
  CallScope scope(sp);
  int rval = 0;
  int e = dispatch(sp, cmd, arg, &rval);
  return e != 0 ? fail(e) : rval;
}
