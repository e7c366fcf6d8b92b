// The test driver and module (see tdrv.h).
#include "tdrv.h"

#include <fcntl.h>

#include <cctype>
#include <cstring>

namespace strdp::test {

TestKnobs &knobs() {
  static TestKnobs k;
  return k;
}

namespace {

void canonical_flush(queue_t *q, mblk_t *mp) {
  if (*mp->b_rptr & FLUSHW) flushq(q, FLUSHALL);
  if (*mp->b_rptr & FLUSHR) {
    flushq(RD(q), FLUSHALL);
    *mp->b_rptr &= ~FLUSHW;
    qreply(q, mp);
  } else {
    freemsg(mp);
  }
}

void td_ioctl(queue_t *q, mblk_t *mp) {
  TDrv *d = static_cast<TDrv *>(q->q_ptr);
  auto *ioc = reinterpret_cast<iocblk *>(mp->b_rptr);
  switch (ioc->ioc_cmd) {
    case TD_ACK: {
      size_t n = 0;
      if (mp->b_cont != nullptr) {
        for (unsigned char *p = mp->b_cont->b_rptr; p < mp->b_cont->b_wptr; ++p)
          *p = static_cast<unsigned char>(toupper(*p));
        n = msgdsize(mp->b_cont);
      }
      miocack(q, mp, static_cast<int>(n), 42);
      return;
    }
    case TD_ACKERR:
      mp->b_datap->db_type = M_IOCACK;
      ioc->ioc_error = EPERM;
      ioc->ioc_count = 0;
      qreply(q, mp);
      return;
    case TD_NAK: miocnak(q, mp, 0, EACCES); return;
    case TD_IGNORE: d->held.push_back(mp); return;
    case TD_BADCOPY:  // a copy request to an I_STR: a protocol error
      mcopyin(mp, nullptr, sizeof(int), reinterpret_cast<void *>(0x1000));
      qreply(q, mp);
      return;
    case TD_XPARENT: {
      if (ioc->ioc_count != TRANSPARENT) {
        miocnak(q, mp, 0, EINVAL);
        return;
      }
      void *uaddr = *reinterpret_cast<void **>(mp->b_cont->b_rptr);
      mcopyin(mp, uaddr, sizeof(int), uaddr);  // private = the address
      qreply(q, mp);
      return;
    }
    default: miocnak(q, mp, 0, EINVAL);
  }
}

// The answers of a transparent ioctl's copy rounds.
void td_iocdata(queue_t *q, mblk_t *mp) {
  auto *cp = reinterpret_cast<copyresp *>(mp->b_rptr);
  if (cp->cp_rval != nullptr) {  // the copy failed: the head gave up
    freemsg(mp);
    return;
  }
  if (mp->b_cont != nullptr && cp->cp_private != nullptr) {
    // Copy-in done: copy out twice the value, to the same address.
    int v;
    memcpy(&v, mp->b_cont->b_rptr, sizeof v);
    v *= 2;
    mblk_t *out = allocb(sizeof v, BPRI_MED);
    memcpy(out->b_wptr, &v, sizeof v);
    out->b_wptr += sizeof v;
    void *uaddr = cp->cp_private;
    freemsg(mp->b_cont);
    mp->b_cont = nullptr;
    mcopyout(mp, nullptr, sizeof v, uaddr, out);
    qreply(q, mp);
    return;
  }
  miocack(q, mp, 0, 7);  // copy-out done
}

int td_wput(queue_t *q, mblk_t *mp) {
  TDrv *d = static_cast<TDrv *>(q->q_ptr);
  switch (mp->b_datap->db_type) {
    case M_FLUSH: canonical_flush(q, mp); return 0;
    case M_IOCTL: td_ioctl(q, mp); return 0;
    case M_IOCDATA: td_iocdata(q, mp); return 0;
    default:
      if (d->stall && !pcmsg(mp->b_datap->db_type)) return putq(q, mp);
      d->got.push_back(mp);
      return 0;
  }
}
int td_wsrv(queue_t *q) {
  TDrv *d = static_cast<TDrv *>(q->q_ptr);
  if (d->stall) return 0;
  while (mblk_t *mp = getq(q)) d->got.push_back(mp);
  return 0;
}
int td_rput(queue_t *q, mblk_t *mp) { return putnext(q, mp); }
int td_open(queue_t *q, dev_t *, int, int sflag, cred_t *) {
  if (knobs().fail_drv_open != 0) return knobs().fail_drv_open;
  auto *d = new TDrv;
  d->sflag = sflag;
  q->q_ptr = WR(q)->q_ptr = d;
  knobs().last_drv = d;
  qprocson(q);
  return 0;
}
int td_close(queue_t *q, int, cred_t *) {
  qprocsoff(q);
  delete static_cast<TDrv *>(q->q_ptr);
  return 0;
}

module_info td_minfo = {100, const_cast<char *>("tdrv"), 0, INFPSZ, 64, 16};
qinit td_rinit = {
    .qi_putp = td_rput, .qi_qopen = td_open, .qi_qclose = td_close, .qi_minfo = &td_minfo};
qinit td_winit = {.qi_putp = td_wput, .qi_srvp = td_wsrv, .qi_minfo = &td_minfo};
streamtab td_info = {.st_rdinit = &td_rinit, .st_wrinit = &td_winit};

// tmod: a pass-through module that counts opens and closes.
int tm_put(queue_t *q, mblk_t *mp) { return putnext(q, mp); }
int tm_open(queue_t *q, dev_t *, int, int sflag, cred_t *) {
  knobs().last_mod_sflag = sflag;
  if (knobs().fail_mod_open != 0) return knobs().fail_mod_open;
  ++knobs().mod_opens;
  qprocson(q);
  return 0;
}
int tm_close(queue_t *q, int, cred_t *) {
  ++knobs().mod_closes;
  qprocsoff(q);
  return 0;
}
module_info tm_minfo = {101, const_cast<char *>("tmod"), 0, INFPSZ, 1024, 256};
qinit tm_rinit = {
    .qi_putp = tm_put, .qi_qopen = tm_open, .qi_qclose = tm_close, .qi_minfo = &tm_minfo};
qinit tm_winit = {.qi_putp = tm_put, .qi_minfo = &tm_minfo};
streamtab tm_info = {.st_rdinit = &tm_rinit, .st_wrinit = &tm_winit};
fmodsw tm_fsw = {"tmod", &tm_info, D_MP};
module_info tm2_minfo = {102, const_cast<char *>("tmod2"), 0, INFPSZ, 1024, 256};
qinit tm2_rinit = {
    .qi_putp = tm_put, .qi_qopen = tm_open, .qi_qclose = tm_close, .qi_minfo = &tm2_minfo};
qinit tm2_winit = {.qi_putp = tm_put, .qi_minfo = &tm2_minfo};
streamtab tm2_info = {.st_rdinit = &tm2_rinit, .st_wrinit = &tm2_winit};
fmodsw tm2_fsw = {"tmod2", &tm2_info, D_MP};
// tsmall: a module whose write side takes 2..8 byte packets.
module_info ts_minfo = {103, const_cast<char *>("tsmall"), 2, 8, 1024, 256};
qinit ts_rinit = {
    .qi_putp = tm_put, .qi_qopen = tm_open, .qi_qclose = tm_close, .qi_minfo = &ts_minfo};
qinit ts_winit = {.qi_putp = tm_put, .qi_minfo = &ts_minfo};
streamtab ts_info = {.st_rdinit = &ts_rinit, .st_wrinit = &ts_winit};
fmodsw ts_fsw = {"tsmall", &ts_info, D_MP};

}  // namespace

void register_test_drivers() {
  static bool done = false;
  if (done) return;
  done = true;
  ASSERT_EQ(strdp_register_driver("tdrv", &td_info, D_MP), 0);
  ASSERT_EQ(strdp_register_module(&tm_fsw), 0);
  ASSERT_EQ(strdp_register_module(&tm2_fsw), 0);
  ASSERT_EQ(strdp_register_module(&ts_fsw), 0);
}

queue_t *drv_wq(strdp_stream_t *sp) {
  queue_t *q = strdp_stream_wq(sp);
  while (q->q_next != nullptr) q = q->q_next;
  return q;
}

void StreamTest::SetUp() {
  register_test_drivers();
  knobs() = TestKnobs{};
  in_use_ = pool_in_use();
}

void StreamTest::TearDown() {
  for (strdp_stream_t *sp : open_) EXPECT_EQ(strdp_close(sp), 0);
  open_.clear();
  drain();
  EXPECT_EQ(pool_in_use(), in_use_) << "message buffers leaked";
}

strdp_stream_t *StreamTest::open_tdrv(int oflag) {
  strdp_stream_t *sp = strdp_open("/dev/tdrv", oflag | O_RDWR, nullptr);
  EXPECT_NE(sp, nullptr) << strerror(errno);
  if (sp != nullptr) open_.push_back(sp);
  return sp;
}

}  // namespace strdp::test
