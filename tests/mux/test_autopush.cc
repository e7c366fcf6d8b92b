// Autopush (strdp_autopush_set/clear, stream/autopush.cc): rules by
// driver and minor range, clone opens matched with the minor the driver
// chose, anchors, overlapping rules, sad(7D)'s errors, and an open whose
// push fails.
#include <strdp/ref/loop.h>

#include "mux_test.h"

namespace strdp::test {
namespace {

// A module whose open always fails.
int failmod_open(queue_t *, dev_t *, int, int, cred_t *) { return EIO; }
int failmod_put(queue_t *q, mblk_t *mp) { return putnext(q, mp); }
module_info failmod_minfo = {0x7f01, const_cast<char *>("failmod"), 0, INFPSZ, 512, 128};
qinit failmod_rinit = {
    .qi_putp = failmod_put, .qi_qopen = failmod_open, .qi_minfo = &failmod_minfo};
qinit failmod_winit = {.qi_putp = failmod_put, .qi_minfo = &failmod_minfo};
streamtab failmod_info = {.st_rdinit = &failmod_rinit, .st_wrinit = &failmod_winit};
fmodsw failmod_fsw = {"failmod", &failmod_info, D_MP};
STRDP_MODULE_REGISTER(failmod_fsw)

// Registered and unregistered by a test.
fmodsw gonemod_fsw = {"gonemod", &failmod_info, D_MP};

class Autopush : public MuxTest {
 protected:
  void TearDown() override {
    for (auto &[drv, minor] : rules_) strdp_autopush_clear(drv.c_str(), minor);
    MuxTest::TearDown();
  }
  int set(const char *drv, long minor, long last, std::vector<const char *> mods, int anchor = 0) {
    int r = strdp_autopush_set(drv, minor, last, mods.data(), static_cast<int>(mods.size()), anchor);
    if (r == 0) rules_.emplace_back(drv, minor);
    return r;
  }
  int clear(const char *drv, long minor) {
    int r = strdp_autopush_clear(drv, minor);
    if (r == 0)
      rules_.erase(std::find(rules_.begin(), rules_.end(), std::make_pair(std::string(drv), minor)));
    return r;
  }
  // The stream's modules, top first, then its driver (I_LIST).
  std::vector<std::string> stack(strdp_stream_t *sp) {
    str_mlist l[10];
    str_list sl = {10, l};
    std::vector<std::string> v;
    if (strdp_ioctl(sp, I_LIST, reinterpret_cast<intptr_t>(&sl)) != 0) return {"ERR"};
    for (int i = 0; i < sl.sl_nmods; ++i) v.emplace_back(l[i].l_name);
    return v;
  }
  int minor_of(strdp_stream_t *sp) {
    int m = -1;
    EXPECT_EQ(istr(sp, LOOP_GETMINOR, &m, sizeof m), 0);
    return m;
  }
  std::vector<std::pair<std::string, long>> rules_;
};

TEST_F(Autopush, AnEveryMinorRulePushesInOrderOnEveryOpen) {
  ASSERT_EQ(set("echo", -1, -1, {"nullmod", "passmod"}), 0) << strerror(errno);
  strdp_stream_t *sp = open("echo");
  EXPECT_EQ(stack(sp), (std::vector<std::string>{"passmod", "nullmod", "echo"}))
      << "the first module listed is pushed first";
  write(sp, "through both");
  EXPECT_EQ(read_msg(sp), "through both");
  EXPECT_EQ(strdp_ioctl(sp, I_POP, 0), 0) << "not anchored";
  ASSERT_EQ(clear("echo", -1), 0);
  EXPECT_EQ(stack(open("echo")), (std::vector<std::string>{"echo"}));
}

TEST_F(Autopush, ARangeMatchesTheMinorACloneOpenChose) {
  // loop gives each open the lowest free minor: 0, 1, 2, 3 here.
  ASSERT_EQ(set("/dev/loop", 1, 2, {"nullmod"}), 0) << "the /dev/ prefix is accepted";
  for (int i = 0; i < 4; ++i) {
    strdp_stream_t *sp = open("loop");
    int m = minor_of(sp);
    bool covered = m >= 1 && m <= 2;
    EXPECT_EQ(stack(sp).size(), covered ? 2u : 1u) << "minor " << m;
  }
}

TEST_F(Autopush, ASingleMinorRule) {
  ASSERT_EQ(set("loop", 0, -1, {"nullmod"}), 0);
  ASSERT_EQ(set("loop", 2, 2, {"passmod"}), 0) << "lastminor == minor: one minor too";
  for (int i = 0; i < 3; ++i) {
    strdp_stream_t *sp = open("loop");
    int m = minor_of(sp);
    std::vector<std::string> want = {"loop"};
    if (m == 0) want.insert(want.begin(), "nullmod");
    if (m == 2) want.insert(want.begin(), "passmod");
    EXPECT_EQ(stack(sp), want) << "minor " << m;
  }
}

TEST_F(Autopush, AnchoredModulesCannotBePopped) {
  ASSERT_EQ(set("echo", -1, -1, {"nullmod", "passmod"}, 1), 0);
  strdp_stream_t *sp = open("echo");
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("crmod")), 0);
  EXPECT_EQ(strdp_ioctl(sp, I_POP, 0), 0) << "crmod is above the anchor";
  EXPECT_EQ(strdp_ioctl(sp, I_POP, 0), -1);
  EXPECT_EQ(errno, EPERM);
  EXPECT_EQ(stack(sp).size(), 3u);
}

TEST_F(Autopush, OverlappingRulesOfADriverAreRefused) {
  ASSERT_EQ(set("loop", 1, 3, {"nullmod"}), 0);
  EXPECT_EQ(set("loop", 3, 5, {"nullmod"}), -1);
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(set("loop", 0, 1, {"nullmod"}), -1);
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(set("loop", 2, -1, {"nullmod"}), -1);
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(set("loop", -1, -1, {"nullmod"}), -1);
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(set("loop", 4, 5, {"nullmod"}), 0);
  EXPECT_EQ(set("echo", 1, 3, {"nullmod"}), 0) << "another driver";
  ASSERT_EQ(set("xconn", -1, -1, {"nullmod"}), 0);
  EXPECT_EQ(set("xconn", 7, -1, {"nullmod"}), -1) << "every minor overlaps all";
  EXPECT_EQ(errno, EEXIST);
}

TEST_F(Autopush, BadRulesGetSadsErrors) {
  const char *m[] = {"nullmod", "nullmod", "nullmod", "nullmod", "nullmod",
                     "nullmod", "nullmod", "nullmod", "nullmod"};
  auto sap = [&](const char *drv, long minor, long last, const char *const *mods, int n) {
    errno = 0;
    return strdp_autopush_set(drv, minor, last, mods, n, 0) == -1 ? errno : 0;
  };
  EXPECT_EQ(sap(nullptr, -1, -1, m, 1), EINVAL);
  EXPECT_EQ(sap("nosuchdrv", -1, -1, m, 1), ENOSTR);
  EXPECT_EQ(sap("echo", -1, -1, nullptr, 1), EINVAL);
  EXPECT_EQ(sap("echo", -1, -1, m, 0), EINVAL);
  EXPECT_EQ(sap("echo", -1, -1, m, MAXAPUSH + 1), EINVAL);
  const char *unknown[] = {"nullmod", "nosuchmod"};
  EXPECT_EQ(sap("echo", -1, -1, unknown, 2), EINVAL);
  const char *null_name[] = {nullptr};
  EXPECT_EQ(sap("echo", -1, -1, null_name, 1), EINVAL);
  EXPECT_EQ(sap("echo", -2, -1, m, 1), EINVAL);
  EXPECT_EQ(sap("echo", -1, 3, m, 1), EINVAL) << "every minor has no range";
  EXPECT_EQ(sap("echo", 5, 4, m, 1), ERANGE);
  EXPECT_EQ(sap("echo", 0, 1L << 33, m, 1), EINVAL) << "minors are 32 bits";

  ASSERT_EQ(set("echo", 3, 6, {"nullmod"}), 0);
  errno = 0;
  EXPECT_EQ(strdp_autopush_clear("echo", 4), -1) << "not the first minor of the range";
  EXPECT_EQ(errno, ERANGE);
  EXPECT_EQ(strdp_autopush_clear("echo", 9), -1);
  EXPECT_EQ(errno, ENODEV);
  EXPECT_EQ(strdp_autopush_clear("echo", -1), -1);
  EXPECT_EQ(errno, ENODEV);
  EXPECT_EQ(strdp_autopush_clear(nullptr, 3), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(clear("/dev/echo", 3), 0);
}

TEST_F(Autopush, AFailingPushFailsTheOpenAndClosesTheStream) {
  strdp_stream_t *first = open("loop");
  int m = minor_of(first);
  ASSERT_EQ(set("loop", m + 1, -1, {"nullmod", "failmod"}), 0);
  errno = 0;
  EXPECT_EQ(strdp_open("loop", O_RDWR | O_NONBLOCK, nullptr), nullptr);
  EXPECT_EQ(errno, ENXIO) << "I_PUSH's error for a module whose open fails";
  ASSERT_EQ(clear("loop", m + 1), 0);
  strdp_stream_t *again = open("loop");
  EXPECT_EQ(minor_of(again), m + 1) << "the failed open's minor was given back";
  EXPECT_EQ(stack(again).size(), 1u);
}

TEST_F(Autopush, AModuleGoneSinceTheRuleFailsTheOpen) {
  ASSERT_EQ(strdp_register_module(&gonemod_fsw), 0);
  ASSERT_EQ(set("echo", -1, -1, {"gonemod"}), 0);
  ASSERT_EQ(strdp_unregister_module("gonemod"), 0);
  errno = 0;
  EXPECT_EQ(strdp_open("echo", O_RDWR, nullptr), nullptr);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(Autopush, RulesApplyToMultiplexorsToo) {
  ASSERT_EQ(set("xconn", -1, -1, {"nullmod"}), 0);
  strdp_stream_t *x = open("xconn");
  EXPECT_EQ(stack(x), (std::vector<std::string>{"nullmod", "xconn"}));
  LoopPair a = loop_pair();
  int id = link(x, a.lower);
  EXPECT_GT(id, 0) << "the link ioctl passes the pushed module";
  EXPECT_EQ(strdp_ioctl(x, I_UNLINK, id), 0);
}

}  // namespace
}  // namespace strdp::test
