// putmsg/putpmsg and getmsg/getpmsg: control and data parts, priorities,
// bands, MORECTL/MOREDATA, len -1 versus 0, and the errors.
#include <fcntl.h>
#include <poll.h>

#include <cstring>

#include "tdrv.h"

namespace strdp::test {
namespace {

class GetPut : public StreamTest {
 protected:
  strbuf in(const char *s) { return strbuf{0, static_cast<int>(strlen(s)), const_cast<char *>(s)}; }
  strbuf out(char *buf, int max) { return strbuf{max, -99, buf}; }
  // A message of an M_PROTO (or other) control block and a data block.
  mblk_t *two_part(const std::string &c, const std::string &d, unsigned char type = M_PROTO) {
    mblk_t *mp = make_msg(c, type);
    if (!d.empty() || true) linkb(mp, make_msg(d));
    return mp;
  }
};

TEST_F(GetPut, PutmsgBuildsProtoAndDataBlocks) {
  strdp_stream_t *sp = open_tdrv();
  strbuf c = in("CTL"), d = in("data");
  ASSERT_EQ(strdp_putmsg(sp, &c, &d, 0), 0);
  ASSERT_EQ(strdp_putmsg(sp, &c, nullptr, RS_HIPRI), 0);
  ASSERT_EQ(strdp_putmsg(sp, nullptr, &d, 0), 0);
  strbuf empty = in("");
  ASSERT_EQ(strdp_putmsg(sp, nullptr, &empty, 0), 0) << "a zero-length data part is sent";
  strbuf absent{0, -1, nullptr};
  ASSERT_EQ(strdp_putmsg(sp, &absent, &absent, 0), 0) << "both absent: nothing sent";
  auto &got = tdrv(sp)->got;
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0]->b_datap->db_type, M_PROTO);
  EXPECT_EQ(msg_text(got[0]), "CTLdata");
  EXPECT_EQ(got[0]->b_cont->b_datap->db_type, M_DATA);
  EXPECT_EQ(got[1]->b_datap->db_type, M_PCPROTO);
  EXPECT_EQ(got[1]->b_cont, nullptr);
  EXPECT_EQ(got[2]->b_datap->db_type, M_DATA);
  EXPECT_EQ(msgsize(got[3]), 0u);
}

TEST_F(GetPut, PutmsgErrors) {
  strdp_stream_t *sp = open_tdrv();
  strbuf d = in("data");
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &d, RS_HIPRI), -1);
  EXPECT_EQ(errno, EINVAL) << "high priority needs a control part";
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &d, 0x40), -1);
  EXPECT_EQ(errno, EINVAL);
  strbuf c = in("c");
  EXPECT_EQ(strdp_putpmsg(sp, &c, &d, 3, MSG_HIPRI), -1);
  EXPECT_EQ(errno, EINVAL) << "high priority is band 0";
  EXPECT_EQ(strdp_putpmsg(sp, &c, &d, 256, MSG_BAND), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_putpmsg(sp, &c, &d, 1, MSG_ANY), -1);
  EXPECT_EQ(errno, EINVAL) << "MSG_ANY is for getpmsg";
  std::string big(2000, 'c');
  strbuf cb{0, static_cast<int>(big.size()), big.data()};
  EXPECT_EQ(strdp_putmsg(sp, &cb, nullptr, 0), -1);
  EXPECT_EQ(errno, ERANGE);
  strbuf nul{0, 5, nullptr};
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &nul, 0), -1);
  EXPECT_EQ(errno, EFAULT);
  EXPECT_EQ(strdp_putmsg(nullptr, nullptr, &d, 0), -1);
  EXPECT_EQ(errno, EBADF);
  EXPECT_TRUE(tdrv(sp)->got.empty()) << "nothing was sent";
}

TEST_F(GetPut, PacketSizeLimitsOfTheTopModule) {
  strdp_stream_t *sp = open_tdrv();
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tsmall")), 0);
  strbuf big = in("123456789"), tiny = in("1"), ok = in("12345678");
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &big, 0), -1);
  EXPECT_EQ(errno, ERANGE);
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &tiny, 0), -1);
  EXPECT_EQ(errno, ERANGE);
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &ok, 0), 0);
}

TEST_F(GetPut, PutpmsgBandsReachTheDriver) {
  strdp_stream_t *sp = open_tdrv();
  strbuf c = in("c"), d = in("d");
  ASSERT_EQ(strdp_putpmsg(sp, &c, &d, 9, MSG_BAND), 0);
  ASSERT_EQ(tdrv(sp)->got.size(), 1u);
  EXPECT_EQ(tdrv(sp)->got[0]->b_band, 9);
}

TEST_F(GetPut, GetmsgReturnsBothParts) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, two_part("hdr", "payload"));
  char cbuf[16], dbuf[16];
  strbuf c = out(cbuf, sizeof cbuf), d = out(dbuf, sizeof dbuf);
  int flags = 0;
  ASSERT_EQ(strdp_getmsg(sp, &c, &d, &flags), 0);
  EXPECT_EQ(std::string(cbuf, c.len), "hdr");
  EXPECT_EQ(std::string(dbuf, d.len), "payload");
  EXPECT_EQ(flags, 0);
  EXPECT_EQ(strdp_getmsg(sp, &c, &d, &flags), -1);
  EXPECT_EQ(errno, EAGAIN);
}

TEST_F(GetPut, AbsentPartsAreMinusOneEmptyPartsZero) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, make_msg("only data"));
  send_up(sp, make_msg("only ctl", M_PROTO));
  send_up(sp, two_part("", ""));
  char cbuf[16], dbuf[16];
  strbuf c = out(cbuf, sizeof cbuf), d = out(dbuf, sizeof dbuf);
  int flags = 0;
  ASSERT_EQ(strdp_getmsg(sp, &c, &d, &flags), 0);
  EXPECT_EQ(c.len, -1);
  EXPECT_EQ(d.len, 9);
  ASSERT_EQ(strdp_getmsg(sp, &c, &d, &flags), 0);
  EXPECT_EQ(c.len, 8);
  EXPECT_EQ(d.len, -1);
  ASSERT_EQ(strdp_getmsg(sp, &c, &d, &flags), 0);
  EXPECT_EQ(c.len, 0);
  EXPECT_EQ(d.len, 0);
}

TEST_F(GetPut, SmallBuffersGiveMorectlMoredataAndKeepTheRest) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, two_part("0123456789", "abcdefghij"));
  send_up(sp, make_msg("next"));
  char cbuf[4], dbuf[6];
  strbuf c = out(cbuf, 4), d = out(dbuf, 6);
  int flags = 0;
  EXPECT_EQ(strdp_getmsg(sp, &c, &d, &flags), MORECTL | MOREDATA);
  EXPECT_EQ(std::string(cbuf, c.len), "0123");
  EXPECT_EQ(std::string(dbuf, d.len), "abcdef");
  EXPECT_EQ(strdp_getmsg(sp, &c, &d, &flags), MORECTL);
  EXPECT_EQ(std::string(cbuf, c.len), "4567");
  EXPECT_EQ(std::string(dbuf, d.len), "ghij");
  EXPECT_EQ(strdp_getmsg(sp, &c, &d, &flags), 0);
  EXPECT_EQ(std::string(cbuf, c.len), "89");
  EXPECT_EQ(d.len, -1);
  EXPECT_EQ(strdp_getmsg(sp, &c, &d, &flags), 0);
  EXPECT_EQ(std::string(dbuf, d.len), "next");
}

TEST_F(GetPut, MaxlenMinusOneLeavesThePartForLater) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, two_part("ctl", "data"));
  char dbuf[8], cbuf[8];
  strbuf nc{-1, 0, nullptr};
  strbuf d = out(dbuf, sizeof dbuf);
  int flags = 0;
  EXPECT_EQ(strdp_getmsg(sp, &nc, &d, &flags), MORECTL);
  EXPECT_EQ(std::string(dbuf, d.len), "data");
  strbuf c = out(cbuf, sizeof cbuf);
  EXPECT_EQ(strdp_getmsg(sp, &c, nullptr, &flags), 0);
  EXPECT_EQ(std::string(cbuf, c.len), "ctl");
}

TEST_F(GetPut, HighPriorityFirstAndOnlyOneAtATime) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, make_msg("normal"));
  send_up(sp, make_msg("urgent", M_PCPROTO));
  send_up(sp, make_msg("second urgent", M_PCPROTO));  // discarded
  char cbuf[32], dbuf[32];
  strbuf c = out(cbuf, sizeof cbuf), d = out(dbuf, sizeof dbuf);
  int flags = RS_HIPRI;
  ASSERT_EQ(strdp_getmsg(sp, &c, &d, &flags), 0);
  EXPECT_EQ(std::string(cbuf, c.len), "urgent");
  EXPECT_EQ(flags, RS_HIPRI);
  flags = RS_HIPRI;
  EXPECT_EQ(strdp_getmsg(sp, &c, &d, &flags), -1) << "no other high-priority message";
  EXPECT_EQ(errno, EAGAIN);
  send_up(sp, make_msg("third urgent", M_PCPROTO));  // accepted now
  flags = 0;
  ASSERT_EQ(strdp_getmsg(sp, &c, &d, &flags), 0);
  EXPECT_EQ(std::string(cbuf, c.len), "third urgent");
  EXPECT_EQ(flags, RS_HIPRI) << "getmsg reports the priority in flags";
  flags = 0;
  ASSERT_EQ(strdp_getmsg(sp, &c, &d, &flags), 0);
  EXPECT_EQ(std::string(dbuf, d.len), "normal");
  EXPECT_EQ(flags, 0);
}

TEST_F(GetPut, APartlyReadHighPriorityMessageStaysHighPriority) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, two_part("pc", "0123456789", M_PCPROTO));
  send_up(sp, make_msg("normal"));
  char cbuf[8], dbuf[4];
  strbuf c = out(cbuf, sizeof cbuf), d = out(dbuf, 4);
  int flags = 0;
  EXPECT_EQ(strdp_getmsg(sp, &c, &d, &flags), MOREDATA);
  flags = RS_HIPRI;
  EXPECT_EQ(strdp_getmsg(sp, &c, &d, &flags), MOREDATA);
  EXPECT_EQ(flags, RS_HIPRI);
  EXPECT_EQ(std::string(dbuf, d.len), "4567");
}

TEST_F(GetPut, GetpmsgSelectsByBand) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, make_msg("b0"));
  send_up(sp, make_msg("b2", M_DATA, 2));
  send_up(sp, make_msg("b5", M_DATA, 5));
  char dbuf[8];
  strbuf d = out(dbuf, sizeof dbuf);
  int band = 6, flags = MSG_BAND;
  EXPECT_EQ(strdp_getpmsg(sp, nullptr, &d, &band, &flags), -1) << "nothing in band >= 6";
  EXPECT_EQ(errno, EAGAIN);
  band = 3;
  flags = MSG_BAND;
  ASSERT_EQ(strdp_getpmsg(sp, nullptr, &d, &band, &flags), 0);
  EXPECT_EQ(std::string(dbuf, d.len), "b5");
  EXPECT_EQ(band, 5);
  EXPECT_EQ(flags, MSG_BAND);
  flags = MSG_ANY;
  ASSERT_EQ(strdp_getpmsg(sp, nullptr, &d, &band, &flags), 0);
  EXPECT_EQ(std::string(dbuf, d.len), "b2");
  flags = MSG_HIPRI;
  EXPECT_EQ(strdp_getpmsg(sp, nullptr, &d, &band, &flags), -1);
  flags = MSG_BAND | MSG_ANY;
  EXPECT_EQ(strdp_getpmsg(sp, nullptr, &d, &band, &flags), -1);
  EXPECT_EQ(errno, EINVAL);
  band = 300;
  flags = MSG_BAND;
  EXPECT_EQ(strdp_getpmsg(sp, nullptr, &d, &band, &flags), -1);
  EXPECT_EQ(errno, EINVAL);
  flags = 0;
  ASSERT_EQ(strdp_getmsg(sp, nullptr, &d, &flags), 0);
  EXPECT_EQ(std::string(dbuf, d.len), "b0");
}

TEST_F(GetPut, GetmsgRejectsBadFlags) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  int flags = MSG_BAND;
  EXPECT_EQ(strdp_getmsg(sp, nullptr, nullptr, &flags), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_getmsg(sp, nullptr, nullptr, nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(GetPut, BlockingGetmsgWaitsForTheDriver) {
  strdp_stream_t *sp = open_tdrv();
  // The driver answers later, from a timer on the same scheduler.
  qtimeout(drv_rq(sp), [](void *arg) { send_up(static_cast<strdp_stream_t *>(arg), make_msg("late")); },
           sp, drv_usectohz(10000));
  char dbuf[8];
  strbuf d = out(dbuf, sizeof dbuf);
  int flags = 0;
  ASSERT_EQ(strdp_getmsg(sp, nullptr, &d, &flags), 0);
  EXPECT_EQ(std::string(dbuf, d.len), "late");
}

TEST_F(GetPut, NonBlockingPutmsgStopsAtFlowControl) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  tdrv(sp)->stall = true;
  std::string chunk(40, 'x');
  strbuf d{0, 40, chunk.data()};
  ASSERT_EQ(strdp_putmsg(sp, nullptr, &d, 0), 0);
  ASSERT_EQ(strdp_putmsg(sp, nullptr, &d, 0), 0);  // 80 >= 64: full now
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &d, 0), -1);
  EXPECT_EQ(errno, EAGAIN);
  strbuf c{0, 1, chunk.data()};
  EXPECT_EQ(strdp_putmsg(sp, &c, nullptr, RS_HIPRI), 0) << "high priority is not flow controlled";
  EXPECT_EQ(strdp_poll(sp, POLLOUT), 0);
  tdrv(sp)->stall = false;
  qenable(drv_wq(sp));
  drain();
  EXPECT_EQ(strdp_poll(sp, POLLOUT), POLLOUT);
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &d, 0), 0);
  EXPECT_EQ(tdrv(sp)->got.size(), 4u);
}

}  // namespace
}  // namespace strdp::test
