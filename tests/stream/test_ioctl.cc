// I_STR and transparent ioctls through the head, and the small streamio
// commands answered by the head itself.
#include <fcntl.h>

#include <cstring>

#include "tdrv.h"

namespace strdp::test {
namespace {

class Ioctl : public StreamTest {};

TEST_F(Ioctl, IStrCarriesDataBothWays) {
  strdp_stream_t *sp = open_tdrv();
  char buf[16] = "hello";
  strioctl ic = {TD_ACK, 0, 5, buf};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), 42);
  EXPECT_EQ(ic.ic_len, 5);
  EXPECT_EQ(std::string(buf, 5), "HELLO");
}

TEST_F(Ioctl, NakAndAckWithErrorFailWithTheModulesError) {
  strdp_stream_t *sp = open_tdrv();
  strioctl ic = {TD_NAK, 0, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EACCES);
  ic.ic_cmd = TD_ACKERR;
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EPERM);
  ic.ic_cmd = 0x7777;  // unknown to the driver
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(Ioctl, AnUnansweredIoctlTimesOutAndItsLateAnswerIsDropped) {
  strdp_stream_t *sp = open_tdrv();
  strioctl ic = {TD_IGNORE, 1, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, ETIME);
  // The driver answers now: too late, the head drops it.
  mblk_t *late = tdrv(sp)->held.back();
  tdrv(sp)->held.pop_back();
  miocack(drv_wq(sp), late, 0, 0);
  strdp_qstats st;
  strdp_qstats_get(strdp_stream_rq(sp), &st);
  EXPECT_EQ(st.drops[STRDP_DROP_BADMSG], 1u);
  // The stream still answers the next ioctl.
  char buf[4] = "ab";
  strioctl ok = {TD_ACK, 0, 2, buf};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ok)), 42);
}

TEST_F(Ioctl, IStrArgumentErrors) {
  strdp_stream_t *sp = open_tdrv();
  EXPECT_EQ(strdp_ioctl(sp, I_STR, 0), -1);
  EXPECT_EQ(errno, EFAULT);
  strioctl neg = {TD_ACK, 0, -1, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&neg)), -1);
  EXPECT_EQ(errno, EINVAL);
  strioctl nobuf = {TD_ACK, 0, 4, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&nobuf)), -1);
  EXPECT_EQ(errno, EFAULT);
  strioctl badtime = {TD_ACK, -5, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&badtime)), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(Ioctl, ACopyRequestToAnIStrIsAProtocolError) {
  strdp_stream_t *sp = open_tdrv();
  strioctl ic = {TD_BADCOPY, 0, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EPROTO);
}

TEST_F(Ioctl, TransparentIoctlCopiesInAndOut) {
  strdp_stream_t *sp = open_tdrv();
  int value = 21;
  EXPECT_EQ(strdp_ioctl(sp, TD_XPARENT, reinterpret_cast<intptr_t>(&value)), 7);
  EXPECT_EQ(value, 42);
}

TEST_F(Ioctl, TransparentIoctlWithABadAddressFailsWithEfault) {
  strdp_stream_t *sp = open_tdrv();
  EXPECT_EQ(strdp_ioctl(sp, TD_XPARENT, 0), -1);
  EXPECT_EQ(errno, EFAULT);
  int v = 1;
  EXPECT_EQ(strdp_ioctl(sp, TD_XPARENT, reinterpret_cast<intptr_t>(&v)), 7) << "and recovers";
}

TEST_F(Ioctl, UnknownTransparentIoctlIsEinval) {
  strdp_stream_t *sp = open_tdrv();
  EXPECT_EQ(strdp_ioctl(sp, 0x12345, 0), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(Ioctl, TheHeadsOwnCommands) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, make_msg("abc", M_DATA, 2));
  send_up(sp, make_msg("de"));
  int n = -1;
  EXPECT_EQ(strdp_ioctl(sp, I_NREAD, reinterpret_cast<intptr_t>(&n)), 2);
  EXPECT_EQ(n, 3);
  EXPECT_EQ(strdp_ioctl(sp, I_CKBAND, 2), 1);
  EXPECT_EQ(strdp_ioctl(sp, I_CKBAND, 3), 0);
  EXPECT_EQ(strdp_ioctl(sp, I_CKBAND, 256), -1);
  int band = -1;
  EXPECT_EQ(strdp_ioctl(sp, I_GETBAND, reinterpret_cast<intptr_t>(&band)), 0);
  EXPECT_EQ(band, 2);
  char cbuf[8], dbuf[8];
  strpeek pk = {{sizeof cbuf, 0, cbuf}, {sizeof dbuf, 0, dbuf}, 0};
  EXPECT_EQ(strdp_ioctl(sp, I_PEEK, reinterpret_cast<intptr_t>(&pk)), 1);
  EXPECT_EQ(pk.ctlbuf.len, -1);
  EXPECT_EQ(std::string(dbuf, pk.databuf.len), "abc");
  pk.flags = RS_HIPRI;
  EXPECT_EQ(strdp_ioctl(sp, I_PEEK, reinterpret_cast<intptr_t>(&pk)), 0);
  EXPECT_EQ(strdp_ioctl(sp, I_NREAD, reinterpret_cast<intptr_t>(&n)), 2) << "peek removed nothing";
  EXPECT_EQ(strdp_ioctl(sp, I_CANPUT, 0), 1);
  EXPECT_EQ(strdp_ioctl(sp, I_CANPUT, 300), -1);
  EXPECT_EQ(strdp_ioctl(sp, I_ATMARK, ANYMARK), 0);
  EXPECT_EQ(strdp_ioctl(sp, I_ATMARK, 7), -1);
  int t = 0;
  EXPECT_EQ(strdp_ioctl(sp, I_GETCLTIME, reinterpret_cast<intptr_t>(&t)), 0);
  EXPECT_EQ(t, 15000);
  t = 50;
  EXPECT_EQ(strdp_ioctl(sp, I_SETCLTIME, reinterpret_cast<intptr_t>(&t)), 0);
  t = -1;
  EXPECT_EQ(strdp_ioctl(sp, I_SETCLTIME, reinterpret_cast<intptr_t>(&t)), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(Ioctl, MarkedMessages) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  mblk_t *a = make_msg("a");
  a->b_flag |= MSGMARK;
  mblk_t *b = make_msg("b");
  b->b_flag |= MSGMARK;
  send_up(sp, a);
  send_up(sp, b);
  EXPECT_EQ(strdp_ioctl(sp, I_ATMARK, ANYMARK), 1);
  EXPECT_EQ(strdp_ioctl(sp, I_ATMARK, LASTMARK), 0) << "another marked message follows";
}

TEST_F(Ioctl, WhatThisHeadDoesNotDoIsRefusedClearly) {
  strdp_stream_t *sp = open_tdrv();
  for (int cmd : {I_LINK, I_PLINK, I_UNLINK, I_PUNLINK, I_SETSIG, I_GETSIG, I_SENDFD, I_RECVFD,
                  I_FDINSERT}) {
    EXPECT_EQ(strdp_ioctl(sp, cmd, 0), -1) << std::hex << cmd;
    EXPECT_EQ(errno, EINVAL);
  }
  EXPECT_EQ(strdp_ioctl(nullptr, I_POP, 0), -1);
  EXPECT_EQ(errno, EBADF);
}

}  // namespace
}  // namespace strdp::test
