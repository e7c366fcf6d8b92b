// Opening, closing, I_PUSH/I_POP/I_LOOK/I_FIND/I_LIST/I_ANCHOR with the
// errors streamio(7I) gives.
#include <fcntl.h>

#include "tdrv.h"

namespace strdp::test {
namespace {

class OpenPush : public StreamTest {};

TEST_F(OpenPush, OpenAndCloseADriver) {
  strdp_stream_t *sp = open_tdrv();
  ASSERT_NE(sp, nullptr);
  EXPECT_EQ(knobs().last_drv->sflag, 0) << "a driver open has no MODOPEN";
  EXPECT_NE(strdp_stream_rq(sp), nullptr);
  strdp_stream_t *sp2 = strdp_open("tdrv", O_RDWR, nullptr);
  ASSERT_NE(sp2, nullptr) << "found by its bare name too";
  EXPECT_EQ(strdp_close(sp2), 0);
}

TEST_F(OpenPush, OpeningAnUnknownDeviceFails) {
  errno = 0;
  EXPECT_EQ(strdp_open("/dev/no-such-driver", O_RDWR, nullptr), nullptr);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_EQ(strdp_open(nullptr, O_RDWR, nullptr), nullptr);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(OpenPush, ADriverOpenErrorIsReturnedAndNothingLeaks) {
  knobs().fail_drv_open = EBUSY;
  errno = 0;
  EXPECT_EQ(strdp_open("tdrv", O_RDWR, nullptr), nullptr);
  EXPECT_EQ(errno, EBUSY);
}

TEST_F(OpenPush, PushLookFindListPop) {
  strdp_stream_t *sp = open_tdrv();
  char name[FMNAMESZ + 1] = {};
  EXPECT_EQ(strdp_ioctl(sp, I_LOOK, reinterpret_cast<intptr_t>(name)), -1);
  EXPECT_EQ(errno, EINVAL) << "no module pushed";
  EXPECT_EQ(strdp_ioctl(sp, I_LIST, 0), 1) << "the driver alone";

  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod")), 0);
  EXPECT_EQ(knobs().last_mod_sflag, MODOPEN);
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod2")), 0);
  EXPECT_EQ(knobs().mod_opens, 2);
  EXPECT_EQ(strdp_ioctl(sp, I_LOOK, reinterpret_cast<intptr_t>(name)), 0);
  EXPECT_STREQ(name, "tmod2");
  EXPECT_EQ(strdp_ioctl(sp, I_FIND, reinterpret_cast<intptr_t>("tmod")), 1);
  EXPECT_EQ(strdp_ioctl(sp, I_FIND, reinterpret_cast<intptr_t>("tsmall")), 0);
  EXPECT_EQ(strdp_ioctl(sp, I_FIND, reinterpret_cast<intptr_t>("nosuch")), -1);
  EXPECT_EQ(errno, EINVAL);

  EXPECT_EQ(strdp_ioctl(sp, I_LIST, 0), 3);
  str_mlist names[4] = {};
  str_list sl = {4, names};
  EXPECT_EQ(strdp_ioctl(sp, I_LIST, reinterpret_cast<intptr_t>(&sl)), 0);
  EXPECT_EQ(sl.sl_nmods, 3);
  EXPECT_STREQ(names[0].l_name, "tmod2");
  EXPECT_STREQ(names[1].l_name, "tmod");
  EXPECT_STREQ(names[2].l_name, "tdrv");
  str_list small = {1, names};
  EXPECT_EQ(strdp_ioctl(sp, I_LIST, reinterpret_cast<intptr_t>(&small)), 0);
  EXPECT_EQ(small.sl_nmods, 1);
  str_list none = {0, names};
  EXPECT_EQ(strdp_ioctl(sp, I_LIST, reinterpret_cast<intptr_t>(&none)), -1);
  EXPECT_EQ(errno, EINVAL);

  EXPECT_EQ(strdp_ioctl(sp, I_POP, 0), 0);
  EXPECT_EQ(knobs().mod_closes, 1);
  EXPECT_EQ(strdp_ioctl(sp, I_LOOK, reinterpret_cast<intptr_t>(name)), 0);
  EXPECT_STREQ(name, "tmod");
  EXPECT_EQ(strdp_ioctl(sp, I_POP, 0), 0);
  EXPECT_EQ(strdp_ioctl(sp, I_POP, 0), -1);
  EXPECT_EQ(errno, EINVAL) << "nothing left to pop";
}

TEST_F(OpenPush, PushingAnUnknownModuleIsEinval) {
  strdp_stream_t *sp = open_tdrv();
  EXPECT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("nosuch")), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(sp, I_PUSH, 0), -1);
  EXPECT_EQ(errno, EFAULT);
}

TEST_F(OpenPush, AFailedModuleOpenIsEnxioAndLeavesTheStreamAsItWas) {
  strdp_stream_t *sp = open_tdrv();
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod")), 0);
  knobs().fail_mod_open = EIO;
  EXPECT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod2")), -1);
  EXPECT_EQ(errno, ENXIO);
  EXPECT_EQ(strdp_ioctl(sp, I_LIST, 0), 2);
  knobs().fail_mod_open = 0;
  // Data still flows through the stream as before.
  ASSERT_EQ(strdp_write(sp, "ok", 2), 2);
  EXPECT_EQ(tdrv(sp)->texts(), std::vector<std::string>{"ok"});
}

TEST_F(OpenPush, ThePushLimitIsEnforced) {
  strdp_stream_t *sp = open_tdrv();
  int pushed = 0;
  while (strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod")) == 0) ++pushed;
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(pushed, NSTRPUSH);
  // Everything still passes through nine modules.
  ASSERT_EQ(strdp_write(sp, "deep", 4), 4);
  EXPECT_EQ(tdrv(sp)->texts(), std::vector<std::string>{"deep"});
}

TEST_F(OpenPush, AnchorProtectsModulesBelowIt) {
  strdp_stream_t *sp = open_tdrv();
  EXPECT_EQ(strdp_ioctl(sp, I_ANCHOR, 0), -1) << "no module to anchor";
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod")), 0);
  ASSERT_EQ(strdp_ioctl(sp, I_ANCHOR, 0), 0);
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod2")), 0);
  EXPECT_EQ(strdp_ioctl(sp, I_POP, 0), 0);
  EXPECT_EQ(strdp_ioctl(sp, I_POP, 0), -1);
  EXPECT_EQ(errno, EPERM);
}

TEST_F(OpenPush, ClosePopsEverythingAndFreesQueuedMessages) {
  strdp_stream_t *sp = strdp_open("tdrv", O_RDWR | O_NONBLOCK, nullptr);
  ASSERT_NE(sp, nullptr);
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod")), 0);
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod2")), 0);
  tdrv(sp)->stall = true;
  ASSERT_EQ(strdp_write(sp, "queued", 6), 6);
  send_up(sp, make_msg("unread"));
  EXPECT_EQ(strdp_close(sp), 0);
  EXPECT_EQ(knobs().mod_closes, 2);
}

TEST_F(OpenPush, PushedModulesSeeTrafficBothWays) {
  strdp_stream_t *sp = open_tdrv();
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod")), 0);
  ASSERT_EQ(strdp_write(sp, "down", 4), 4);
  send_up(sp, make_msg("up"));
  char buf[8];
  EXPECT_EQ(strdp_read(sp, buf, sizeof buf), 2);
  EXPECT_EQ(std::string(buf, 2), "up");
  strdp_qstats st;
  queue_t *mod_wq = strdp_stream_wq(sp)->q_next;
  strdp_qstats_get(mod_wq, &st);
  EXPECT_EQ(st.put_calls, 1u);
  strdp_qstats_get(RD(mod_wq), &st);
  EXPECT_EQ(st.put_calls, 1u);
}

}  // namespace
}  // namespace strdp::test
