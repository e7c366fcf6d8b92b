// A scriptable test driver ("tdrv") and test module ("tmod") for the
// stream and stream-head tests.
//
// tdrv keeps what reaches its write side (data, protocol, control
// messages) for the test to inspect, answers M_FLUSH as the canonical
// driver algorithm says, and answers ioctls by command:
//   TD_ACK     M_IOCACK, rval 42, returns its data upper-cased
//   TD_ACKERR  M_IOCACK with ioc_error EPERM
//   TD_NAK     M_IOCNAK EACCES
//   TD_IGNORE  no answer (kept until close): the head times out
//   TD_XPARENT transparent: copies in an int from the caller, copies out
//              twice its value, then acks
//   TD_BADCOPY answers an I_STR with M_COPYIN (a protocol error)
// With `stall` set its write side queues instead of consuming, so flow
// control builds up (hiwat 64, lowat 16).
#pragma once

#include <gtest/gtest.h>
#include <strdp/strdp.h>
#include <strdp/strsun.h>

#include <string>
#include <vector>

#include "qchain.h"

namespace strdp::test {

constexpr int TD_ACK = ('T' << 8) | 1;
constexpr int TD_ACKERR = ('T' << 8) | 2;
constexpr int TD_NAK = ('T' << 8) | 3;
constexpr int TD_IGNORE = ('T' << 8) | 4;
constexpr int TD_XPARENT = ('T' << 8) | 5;
constexpr int TD_BADCOPY = ('T' << 8) | 6;

struct TDrv {
  std::vector<mblk_t *> got;  // what reached the write side
  std::vector<mblk_t *> held; // ignored ioctls
  int sflag = -1;
  bool stall = false;
  ~TDrv() {
    for (mblk_t *m : got) freemsg(m);
    for (mblk_t *m : held) freemsg(m);
  }
  std::vector<std::string> texts() const {
    std::vector<std::string> v;
    for (mblk_t *m : got) v.push_back(msg_text(m));
    return v;
  }
};

struct TestKnobs {
  int fail_drv_open = 0;  // error tdrv's open returns
  int fail_mod_open = 0;  // error tmod's open returns
  int mod_opens = 0, mod_closes = 0;
  int last_mod_sflag = -1;
  TDrv *last_drv = nullptr;
};
TestKnobs &knobs();

// Registers tdrv/tmod/tmod2/tsmall (tsmall: q_maxpsz 8, q_minpsz 2).
void register_test_drivers();

// The driver's queues of stream sp.
queue_t *drv_wq(strdp_stream_t *sp);
inline queue_t *drv_rq(strdp_stream_t *sp) { return RD(drv_wq(sp)); }
inline TDrv *tdrv(strdp_stream_t *sp) { return static_cast<TDrv *>(drv_wq(sp)->q_ptr); }

// Sends mp up from the driver.
inline void send_up(strdp_stream_t *sp, mblk_t *mp) { putnext(drv_rq(sp), mp); }

// Checks that a test leaks no buffer and leaves no stream open.
class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  strdp_stream_t *open_tdrv(int oflag = 0);
  unsigned in_use_ = 0;
  std::vector<strdp_stream_t *> open_;
};

}  // namespace strdp::test
