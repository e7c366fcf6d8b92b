// What the stream head does with M_FLUSH, M_ERROR, M_HANGUP, M_SETOPTS
// and other messages arriving from below; poll() readiness.
#include <fcntl.h>
#include <poll.h>

#include <cstring>

#include "tdrv.h"

namespace strdp::test {
namespace {

class HeadMsgs : public StreamTest {};

mblk_t *ctl1(unsigned char type, std::initializer_list<unsigned char> bytes) {
  mblk_t *mp = allocb(bytes.size(), BPRI_HI);
  for (unsigned char b : bytes) *mp->b_wptr++ = b;
  mp->b_datap->db_type = type;
  return mp;
}

TEST_F(HeadMsgs, FlushReadEmptiesTheHeadAndFlushWriteTurnsBackOnce) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, make_msg("a"));
  send_up(sp, make_msg("b", M_DATA, 3));
  send_up(sp, ctl1(M_FLUSH, {FLUSHRW}));
  EXPECT_EQ(strdp_poll(sp, POLLIN), 0) << "read side flushed";
  // The head sent FLUSHW back down; tdrv flushed its write queue and,
  // FLUSHR being cleared, did not bounce it again.
  strdp_qstats st;
  strdp_qstats_get(strdp_stream_rq(sp), &st);
  EXPECT_EQ(st.drops[STRDP_DROP_FLUSH], 2u);
}

TEST_F(HeadMsgs, FlushBandTouchesOnlyThatBand) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, make_msg("a"));
  send_up(sp, make_msg("b", M_DATA, 3));
  send_up(sp, ctl1(M_FLUSH, {FLUSHR | FLUSHBAND, 3}));
  int n = 0;
  EXPECT_EQ(strdp_ioctl(sp, I_NREAD, reinterpret_cast<intptr_t>(&n)), 1);
  EXPECT_EQ(n, 1);
}

TEST_F(HeadMsgs, IFlushSendsMFlushDown) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  tdrv(sp)->stall = true;
  ASSERT_EQ(strdp_write(sp, "queued", 6), 6);
  send_up(sp, make_msg("unread"));
  ASSERT_EQ(strdp_ioctl(sp, I_FLUSH, FLUSHRW), 0);
  EXPECT_EQ(qsize(drv_wq(sp)), 0) << "the driver flushed its write queue";
  EXPECT_EQ(strdp_poll(sp, POLLIN), 0);
  EXPECT_EQ(strdp_ioctl(sp, I_FLUSH, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(sp, I_FLUSH, 8), -1);
  EXPECT_EQ(errno, EINVAL);
  bandinfo bi = {2, FLUSHR};
  EXPECT_EQ(strdp_ioctl(sp, I_FLUSHBAND, reinterpret_cast<intptr_t>(&bi)), 0);
  bi.bi_flag = 0;
  EXPECT_EQ(strdp_ioctl(sp, I_FLUSHBAND, reinterpret_cast<intptr_t>(&bi)), -1);
}

TEST_F(HeadMsgs, OneByteErrorFailsReadsAndWrites) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, make_msg("pending"));
  send_up(sp, ctl1(M_ERROR, {EIO}));
  char buf[8];
  EXPECT_EQ(strdp_read(sp, buf, sizeof buf), -1);
  EXPECT_EQ(errno, EIO);
  EXPECT_EQ(strdp_write(sp, "x", 1), -1);
  EXPECT_EQ(errno, EIO);
  EXPECT_EQ(strdp_read(sp, buf, sizeof buf), -1) << "persistent by default";
  EXPECT_EQ(strdp_poll(sp, POLLIN) & POLLERR, POLLERR);
  EXPECT_EQ(strdp_ioctl(sp, I_STR, 0), -1);
}

TEST_F(HeadMsgs, TwoByteErrorSetsEachSideAndZeroClears) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, ctl1(M_ERROR, {NOERROR, EPIPE}));
  send_up(sp, make_msg("readable"));
  char buf[16];
  EXPECT_EQ(strdp_read(sp, buf, sizeof buf), 8) << "read side untouched";
  EXPECT_EQ(strdp_write(sp, "x", 1), -1);
  EXPECT_EQ(errno, EPIPE);
  send_up(sp, ctl1(M_ERROR, {NOERROR, 0}));
  EXPECT_EQ(strdp_write(sp, "x", 1), 1) << "cleared";
}

TEST_F(HeadMsgs, NonPersistentErrorsAreReportedOnce) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  ASSERT_EQ(strdp_ioctl(sp, I_SERROPT, RERRNONPERSIST | WERRNONPERSIST), 0);
  int opt = 0;
  ASSERT_EQ(strdp_ioctl(sp, I_GERROPT, reinterpret_cast<intptr_t>(&opt)), 0);
  EXPECT_EQ(opt, RERRNONPERSIST | WERRNONPERSIST);
  send_up(sp, ctl1(M_ERROR, {EIO}));
  char buf[4];
  EXPECT_EQ(strdp_read(sp, buf, 4), -1);
  EXPECT_EQ(errno, EIO);
  EXPECT_EQ(strdp_read(sp, buf, 4), -1);
  EXPECT_EQ(errno, EAGAIN) << "the error was reported once";
  EXPECT_EQ(strdp_ioctl(sp, I_SERROPT, 0x100), -1);
}

TEST_F(HeadMsgs, HangupEndsReadsAfterTheDataAndFailsWrites) {
  strdp_stream_t *sp = open_tdrv();
  send_up(sp, make_msg("last words"));
  send_up(sp, ctl1(M_HANGUP, {}));
  send_up(sp, make_msg("after hangup"));  // discarded
  EXPECT_EQ(strdp_poll(sp, POLLIN | POLLOUT), POLLIN | POLLHUP) << "never POLLOUT after a hangup";
  char buf[32];
  EXPECT_EQ(strdp_read(sp, buf, sizeof buf), 10);
  EXPECT_EQ(strdp_read(sp, buf, sizeof buf), 0) << "end of file, even when blocking";
  EXPECT_EQ(strdp_write(sp, "x", 1), -1);
  EXPECT_EQ(errno, ENXIO);
  EXPECT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod")), -1);
  EXPECT_EQ(errno, ENXIO);
  int flags = 0;
  strbuf d{sizeof buf, 0, buf};
  EXPECT_EQ(strdp_getmsg(sp, nullptr, &d, &flags), 0);
  EXPECT_EQ(d.len, 0);
  send_up(sp, ctl1(M_UNHANGUP, {}));
  EXPECT_EQ(strdp_write(sp, "x", 1), 1);
}

TEST_F(HeadMsgs, SetoptsChangesTheHead) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  stroptions so{};
  so.so_flags = SO_READOPT | SO_WROFF | SO_HIWAT | SO_LOWAT;
  so.so_readopt = RMSGD;
  so.so_wroff = 24;
  so.so_hiwat = 100;
  so.so_lowat = 10;
  mblk_t *mp = allocb(sizeof so, BPRI_HI);
  memcpy(mp->b_wptr, &so, sizeof so);
  mp->b_wptr += sizeof so;
  mp->b_datap->db_type = M_SETOPTS;
  send_up(sp, mp);
  int opt = 0;
  ASSERT_EQ(strdp_ioctl(sp, I_GRDOPT, reinterpret_cast<intptr_t>(&opt)), 0);
  EXPECT_EQ(opt & RMODEMASK, RMSGD);
  EXPECT_EQ(strdp_stream_rq(sp)->q_hiwat, 100u);
  EXPECT_EQ(strdp_stream_rq(sp)->q_lowat, 10u);
  ASSERT_EQ(strdp_write(sp, "hdr room", 8), 8);
  ASSERT_EQ(tdrv(sp)->got.size(), 1u);
  EXPECT_GE(MBLKHEAD(tdrv(sp)->got[0]), 24) << "written data leaves SO_WROFF headroom";
  // A truncated M_SETOPTS is refused, not read past its end.
  mblk_t *bad = allocb(2, BPRI_HI);
  bad->b_wptr += 2;
  bad->b_datap->db_type = M_SETOPTS;
  send_up(sp, bad);
  strdp_qstats st;
  strdp_qstats_get(strdp_stream_rq(sp), &st);
  EXPECT_EQ(st.drops[STRDP_DROP_BADMSG], 1u);
}

TEST_F(HeadMsgs, MalformedControlMessagesAreDroppedAndCounted) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, ctl1(M_FLUSH, {}));
  send_up(sp, ctl1(M_ERROR, {}));
  send_up(sp, ctl1(M_IOCACK, {1, 2}));  // too short, no ioctl outstanding
  send_up(sp, ctl1(M_BREAK, {}));
  strdp_qstats st;
  strdp_qstats_get(strdp_stream_rq(sp), &st);
  EXPECT_EQ(st.drops[STRDP_DROP_BADMSG], 4u);
  EXPECT_EQ(strdp_write(sp, "still fine", 10), 10);
}

TEST_F(HeadMsgs, AnIoctlComingUpIsRefused) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  mblk_t *mp = mkiocb(1234);
  send_up(sp, mp);
  // The head turned it into M_IOCNAK and sent it back down.
  ASSERT_EQ(tdrv(sp)->got.size(), 1u);
  EXPECT_EQ(tdrv(sp)->got[0]->b_datap->db_type, M_IOCNAK);
}

TEST_F(HeadMsgs, PollReportsEachKindOfMessage) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  short all = POLLIN | POLLRDNORM | POLLRDBAND | POLLPRI | POLLOUT | POLLWRBAND;
  EXPECT_EQ(strdp_poll(sp, all), POLLOUT | POLLWRBAND);
  send_up(sp, make_msg("b", M_DATA, 4));
  EXPECT_EQ(strdp_poll(sp, all) & (POLLIN | POLLRDBAND), POLLIN | POLLRDBAND);
  send_up(sp, make_msg("p", M_PCPROTO));
  EXPECT_EQ(strdp_poll(sp, all) & POLLPRI, POLLPRI);
  EXPECT_EQ(strdp_poll(nullptr, POLLIN), POLLNVAL);
}

}  // namespace
}  // namespace strdp::test

namespace strdp::test {
namespace {

// The batch read (head_batch.cc): whole messages in order, the one that
// does not fit left queued, and end of file as zero messages.
TEST_F(HeadMsgs, GetmsgvTakesWholeMessagesAndEndsAtHangup) {
  strdp_stream_t *sp = open_tdrv();
  send_up(sp, make_msg("one"));
  send_up(sp, make_msg("two"));
  send_up(sp, make_msg("a longer third"));
  char b[3][8];
  strdp_msg m[3];
  for (int i = 0; i < 3; ++i) m[i] = {{-1, -1, nullptr}, {8, -1, b[i]}, 0, 0};
  ASSERT_EQ(strdp_getmsgv(sp, m, 3), 2) << "the third is bigger than the buffers";
  EXPECT_EQ(std::string(b[0], static_cast<size_t>(m[0].data.len)), "one");
  EXPECT_EQ(std::string(b[1], static_cast<size_t>(m[1].data.len)), "two");
  EXPECT_EQ(strdp_getmsgv(sp, m, 3), -1);
  EXPECT_EQ(errno, EMSGSIZE) << "it stays queued";
  char big[32];
  strbuf d{sizeof big, -1, big};
  int flags = 0;
  ASSERT_EQ(strdp_getmsg(sp, nullptr, &d, &flags), 0);
  send_up(sp, ctl1(M_HANGUP, {}));
  m[0].ctl = {8, -1, b[2]};
  EXPECT_EQ(strdp_getmsgv(sp, m, 3), 0) << "end of file: no message";
}

}  // namespace
}  // namespace strdp::test
