// read()/write() on a stream: read modes, protocol options, packet sizes,
// zero-length messages, SNDZERO.
#include <fcntl.h>

#include "tdrv.h"

namespace strdp::test {
namespace {

class ReadWrite : public StreamTest {
 protected:
  std::string rd(strdp_stream_t *sp, size_t n) {
    std::string buf(n, '\0');
    ssize_t got = strdp_read(sp, buf.data(), n);
    if (got < 0) return "ERR" + std::to_string(errno);
    buf.resize(static_cast<size_t>(got));
    return buf;
  }
};

TEST_F(ReadWrite, ByteStreamModeReadsAcrossMessages) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, make_msg("abc"));
  send_up(sp, make_msg("defgh"));
  EXPECT_EQ(rd(sp, 5), "abcde");
  EXPECT_EQ(rd(sp, 10), "fgh");
  EXPECT_EQ(rd(sp, 10), "ERR" + std::to_string(EAGAIN));
}

TEST_F(ReadWrite, MessageDiscardModeDropsTheRest) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  ASSERT_EQ(strdp_ioctl(sp, I_SRDOPT, RMSGD), 0);
  send_up(sp, make_msg("abcdef"));
  send_up(sp, make_msg("xy"));
  EXPECT_EQ(rd(sp, 3), "abc");
  EXPECT_EQ(rd(sp, 10), "xy");
}

TEST_F(ReadWrite, AZeroByteReadConsumesNothing) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  ASSERT_EQ(strdp_ioctl(sp, I_SRDOPT, RMSGD), 0);
  send_up(sp, make_msg("kept"));
  char c;
  EXPECT_EQ(strdp_read(sp, &c, 0), 0);
  EXPECT_EQ(rd(sp, 10), "kept");
}

TEST_F(ReadWrite, MessageNondiscardModeKeepsTheRest) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  ASSERT_EQ(strdp_ioctl(sp, I_SRDOPT, RMSGN), 0);
  send_up(sp, make_msg("abcdef"));
  send_up(sp, make_msg("xy"));
  EXPECT_EQ(rd(sp, 3), "abc");
  EXPECT_EQ(rd(sp, 10), "def");
  EXPECT_EQ(rd(sp, 10), "xy");
  int opt = -1;
  ASSERT_EQ(strdp_ioctl(sp, I_GRDOPT, reinterpret_cast<intptr_t>(&opt)), 0);
  EXPECT_EQ(opt & RMODEMASK, RMSGN);
}

TEST_F(ReadWrite, ZeroLengthMessageReadsAsZero) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  send_up(sp, make_msg("ab"));
  send_up(sp, make_msg(""));
  send_up(sp, make_msg("cd"));
  EXPECT_EQ(rd(sp, 10), "ab") << "the zero-length message ends the read";
  EXPECT_EQ(rd(sp, 10), "") << "and is consumed as a read of 0";
  EXPECT_EQ(rd(sp, 10), "cd");
}

TEST_F(ReadWrite, ProtocolMessagesAndReadOptions) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  auto proto = [](const char *c, const char *d) {
    mblk_t *mp = make_msg(c, M_PROTO);
    linkb(mp, make_msg(d));
    return mp;
  };
  send_up(sp, proto("C1", "d1"));
  EXPECT_EQ(rd(sp, 10), "ERR" + std::to_string(EBADMSG)) << "RPROTNORM";
  ASSERT_EQ(strdp_ioctl(sp, I_SRDOPT, RNORM | RPROTDAT), 0);
  EXPECT_EQ(rd(sp, 10), "C1d1");
  send_up(sp, proto("C2", "d2"));
  send_up(sp, make_msg("ctl only", M_PROTO));
  send_up(sp, make_msg("d3"));
  ASSERT_EQ(strdp_ioctl(sp, I_SRDOPT, RNORM | RPROTDIS), 0);
  EXPECT_EQ(rd(sp, 10), "d2d3");
}

TEST_F(ReadWrite, BadReadOptionsAreRefused) {
  strdp_stream_t *sp = open_tdrv();
  EXPECT_EQ(strdp_ioctl(sp, I_SRDOPT, 3), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(sp, I_SRDOPT, RPROTDAT | RPROTDIS), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(sp, I_SRDOPT, 0x400), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(ReadWrite, WriteSplitsAtTheTopModulesMaxPacketSize) {
  strdp_stream_t *sp = open_tdrv();
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tsmall")), 0);
  EXPECT_EQ(strdp_write(sp, "0123456789abcdefXY", 18), 18);
  EXPECT_EQ(tdrv(sp)->texts(), (std::vector<std::string>{"01234567", "89abcdef", "XY"}));
  EXPECT_EQ(strdp_write(sp, "1", 1), -1) << "below the minimum packet size";
  EXPECT_EQ(errno, ERANGE);
}

TEST_F(ReadWrite, ZeroLengthWritesNeedSndzero) {
  strdp_stream_t *sp = open_tdrv();
  EXPECT_EQ(strdp_write(sp, "", 0), 0);
  EXPECT_TRUE(tdrv(sp)->got.empty());
  ASSERT_EQ(strdp_ioctl(sp, I_SWROPT, SNDZERO), 0);
  EXPECT_EQ(strdp_write(sp, "", 0), 0);
  ASSERT_EQ(tdrv(sp)->got.size(), 1u);
  EXPECT_EQ(msgsize(tdrv(sp)->got[0]), 0u);
  int opt = 0;
  ASSERT_EQ(strdp_ioctl(sp, I_GWROPT, reinterpret_cast<intptr_t>(&opt)), 0);
  EXPECT_EQ(opt, SNDZERO);
  EXPECT_EQ(strdp_ioctl(sp, I_SWROPT, 0x80), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(ReadWrite, NonBlockingWriteReportsWhatItSent) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tsmall")), 0);
  tdrv(sp)->stall = true;
  std::string big(200, 'z');
  ssize_t n = strdp_write(sp, big.data(), big.size());
  EXPECT_GT(n, 0);
  EXPECT_LT(n, 200) << "stopped by flow control";
  EXPECT_EQ(n % 8, 0);
  EXPECT_EQ(strdp_write(sp, big.data(), big.size()), -1);
  EXPECT_EQ(errno, EAGAIN);
}

TEST_F(ReadWrite, BadBuffers) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  EXPECT_EQ(strdp_write(sp, nullptr, 4), -1);
  EXPECT_EQ(errno, EFAULT);
  send_up(sp, make_msg("x"));
  EXPECT_EQ(strdp_read(sp, nullptr, 4), -1);
  EXPECT_EQ(errno, EFAULT);
  EXPECT_EQ(strdp_read(nullptr, nullptr, 4), -1);
  EXPECT_EQ(errno, EBADF);
}

}  // namespace
}  // namespace strdp::test
