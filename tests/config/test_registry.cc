// check_registry() and strdp_driver_is_mux(): modules and drivers named
// by a config exist, and a link's mux is a multiplexor.
//
// No EAL here: the registry needs none. strdp_runtime_init() would call
// registry_init(); this test calls it alone. echo, loop, passmod, ... are
// plugins (modules/), loaded by name from STRDP_MODULE_PATH as each
// check asks for them.
#include "config_test_util.h"
#include "stream/registry.h"

namespace strdp::config::test {
namespace {

int never_open(queue_t *, dev_t *, int, int, cred_t *) { return ENXIO; }
int never_put(queue_t *, mblk_t *) { return 0; }

module_info tmux_minfo = {0x7e57, const_cast<char *>("tmux"), 0, INFPSZ, 1024, 256};
qinit tmux_rinit = {.qi_qopen = never_open, .qi_minfo = &tmux_minfo};
qinit tmux_winit = {.qi_putp = never_put, .qi_minfo = &tmux_minfo};
qinit tmux_lrinit = {.qi_putp = never_put, .qi_minfo = &tmux_minfo};
qinit tmux_lwinit = {.qi_putp = never_put, .qi_minfo = &tmux_minfo};
streamtab tmux_info = {.st_rdinit = &tmux_rinit,
                       .st_wrinit = &tmux_winit,
                       .st_muxrinit = &tmux_lrinit,
                       .st_muxwinit = &tmux_lwinit};

class Registry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    strdp::registry_init();
    ASSERT_EQ(strdp_register_driver("tmux", &tmux_info, D_MP), 0);
  }
  static void TearDownTestSuite() { strdp_unregister_driver("tmux"); }
};

TEST_F(Registry, DriverIsMux) {
  EXPECT_EQ(strdp_driver_is_mux("tmux"), 1);
  EXPECT_EQ(strdp_driver_is_mux("/dev/tmux"), 1);
  ASSERT_EQ(strdp_driver_exists("echo"), 1);
  EXPECT_EQ(strdp_driver_is_mux("echo"), 0);
  EXPECT_EQ(strdp_driver_is_mux("no-such-driver"), 0);
  EXPECT_EQ(strdp_driver_is_mux(nullptr), 0);
}

constexpr const char *kGood =
    "[lcores]\nworkers = \"1\"\n"                                        // 1, 2
    "[[stream]]\nname = \"m\"\ndriver = \"tmux\"\n"                      // 3-5
    "[[stream]]\nname = \"e\"\ndriver = \"echo\"\n"                      // 6-8
    "modules = [\"passmod\", {name = \"nullmod\"}]\n"                    // 9
    "[[link]]\nmux = \"m\"\nlower = \"e\"\n"                             // 10-12
    "[[autopush]]\ndriver = \"loop\"\nmodules = [\"crmod\"]\n";          // 13-15

TEST_F(Registry, KnownModulesDriversAndMuxesPass) {
  Config c = ok(kGood);
  EXPECT_TRUE(check_registry(c).empty()) << dump(check_registry(c));
}

TEST_F(Registry, UnknownDriverOfAStream) {
  Config c = ok("[lcores]\nworkers = \"1\"\n[[stream]]\nname = \"s\"\n"
                "driver = \"nodrv\"\n");
  auto e = check_registry(c);
  ASSERT_EQ(e.size(), 1u) << dump(e);
  EXPECT_EQ(e[0].to_string(),
            "t.toml:5: stream.s.driver: no driver \"nodrv\" is registered "
            "(built in, or by one of the plugins)");
}

TEST_F(Registry, UnknownModulesOfAStream) {
  Config c = ok("[lcores]\nworkers = \"1\"\n[[stream]]\nname = \"s\"\n"
                "driver = \"echo\"\nmodules = [\"passmod\",\n"
                "  \"nomod\",\n  {name = \"nomod2\", args = \"a=1\"}]\n");
  auto e = check_registry(c);
  ASSERT_EQ(e.size(), 2u) << dump(e);
  EXPECT_EQ(e[0].to_string(),
            "t.toml:7: stream.s.modules[1]: no module \"nomod\" is registered");
  EXPECT_EQ(e[1].at.line, 8);
  EXPECT_EQ(e[1].at.key, "stream.s.modules[2].name");
}

TEST_F(Registry, MuxMustBeAMultiplexor) {
  Config c = ok("[lcores]\nworkers = \"1\"\n"
                "[[stream]]\nname = \"a\"\ndriver = \"echo\"\n"
                "[[stream]]\nname = \"b\"\ndriver = \"echo\"\n"
                "[[link]]\nmux = \"a\"\nlower = \"b\"\n");  // 9-11
  auto e = check_registry(c);
  ASSERT_EQ(e.size(), 1u) << dump(e);
  EXPECT_EQ(e[0].at.line, 10);
  EXPECT_EQ(e[0].at.key, "link[0].mux");
  EXPECT_NE(e[0].message.find("driver \"echo\" is not a multiplexor"),
            std::string::npos);
}

TEST_F(Registry, UnknownAutopushDriverAndModules) {
  Config c = ok("[[autopush]]\ndriver = \"nodrv\"\n"
                "modules = [\"passmod\", \"nomod\"]\n");
  auto e = check_registry(c);
  ASSERT_EQ(e.size(), 2u) << dump(e);
  EXPECT_EQ(e[0].to_string(),
            "t.toml:2: autopush[0].driver: no driver \"nodrv\" is registered");
  EXPECT_EQ(e[1].to_string(),
            "t.toml:3: autopush[0].modules[1]: no module \"nomod\" is "
            "registered");
}

TEST_F(Registry, AnUnknownMuxDriverIsReportedOnceAsADriver) {
  Config c = ok("[lcores]\nworkers = \"1\"\n"
                "[[stream]]\nname = \"a\"\ndriver = \"nodrv\"\n"
                "[[stream]]\nname = \"b\"\ndriver = \"echo\"\n"
                "[[link]]\nmux = \"a\"\nlower = \"b\"\n");
  auto e = check_registry(c);
  ASSERT_EQ(e.size(), 1u) << dump(e);
  EXPECT_EQ(e[0].at.key, "stream.a.driver");
}

}  // namespace
}  // namespace strdp::config::test
