// [[apps.stream]]: a stream the daemon builds for applications. Decoding,
// every error with its line (names unique among streams, devices and
// [[stream]]s), the driver and module check in check_registry(), and
// app_access() on it.
#include <fcntl.h>

#include <cerrno>

#include "config_test_util.h"
#include "stream/registry.h"

namespace strdp::config::test {
namespace {

TEST(AppsStream, Decoded) {
  Config c = ok(
      "[apps]\n"                                                          // 1
      "[[apps.stream]]\nname = \"cap\"\ndriver = \"echo\"\n"              // 2-4
      "modules = [\"passmod\", {name = \"sniffer\", args = \"snaplen=64\"}]\n"  // 5
      "owner = 1000\ngroup = \"1001\"\nmode = \"0640\"\n"                 // 6-8
      "[[apps.stream]]\nname = \"tap\"\ndriver = \"loop\"\n");            // 9-11
  ASSERT_EQ(c.apps.streams.size(), 2u);
  const AppStreamSpec &s = c.apps.streams[0];
  EXPECT_EQ(s.name, "cap");
  EXPECT_EQ(s.driver, "echo");
  ASSERT_EQ(s.modules.size(), 2u);
  EXPECT_EQ(s.modules[0].name, "passmod");
  EXPECT_EQ(s.modules[1].name, "sniffer");
  EXPECT_EQ(s.modules[1].args, "snaplen=64");
  EXPECT_EQ(s.uid, 1000u);
  EXPECT_EQ(s.gid, 1001u);
  EXPECT_EQ(s.mode, 0640u);
  EXPECT_EQ(s.line, 2);
  // Defaults: no modules, root, root, 0600.
  const AppStreamSpec &t = c.apps.streams[1];
  EXPECT_TRUE(t.modules.empty());
  EXPECT_EQ(t.mode, 0600u);
  EXPECT_EQ(c.apps.stream("cap"), &s);
  EXPECT_EQ(c.apps.stream("/dev/tap"), &t);
  EXPECT_EQ(c.apps.stream("echo"), nullptr);
  EXPECT_EQ(c.apps.device("cap"), nullptr);
}

TEST(AppsStreamErrors, MissingOrBadKeys) {
  EXPECT_TRUE(one_error("[[apps.stream]]\nname = \"cap\"\n", 1, "apps.stream.cap.driver",
                        {"missing", "a driver name"}));
  EXPECT_TRUE(one_error("[[apps.stream]]\ndriver = \"echo\"\n", 1, "apps.stream[0].name",
                        {"missing", "a stream name"}));
  EXPECT_TRUE(one_error("[[apps.stream]]\nname = \"a b\"\ndriver = \"echo\"\n", 2,
                        "apps.stream[0].name", {"expected a stream name"}));
  EXPECT_TRUE(one_error("[[apps.stream]]\nname = \"cap\"\ndriver = \"echo\"\nport = \"net0\"\n",
                        4, "apps.stream.cap.port", {"unknown key"}));
  EXPECT_TRUE(one_error("[[apps.stream]]\nname = \"cap\"\ndriver = \"echo\"\nmodules = \"x\"\n",
                        4, "apps.stream.cap.modules", {"expected an array of modules"}));
  EXPECT_TRUE(one_error("[apps]\nstream = 3\n", 2, "apps.stream",
                        {"expected an array of tables ([[apps.stream]])"}));
}

TEST(AppsStreamErrors, NamesAreUniqueAmongStreamsDevicesAndStreams) {
  EXPECT_TRUE(one_error("[[apps.stream]]\nname = \"cap\"\ndriver = \"echo\"\n"  // 1-3
                        "[[apps.stream]]\nname = \"cap\"\ndriver = \"loop\"\n",  // 4-6
                        5, "apps.stream.cap.name", {"offered twice", "first at line 1"}));
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"echo\"\n"
                        "[[apps.stream]]\nname = \"echo\"\ndriver = \"echo\"\n",
                        4, "apps.stream.echo.name", {"also an [[apps.device]]"}));
  EXPECT_TRUE(one_error("[lcores]\nworkers = \"1\"\n"                          // 1, 2
                        "[[stream]]\nname = \"x0\"\ndriver = \"xconn\"\n"       // 3-5
                        "[[apps.stream]]\nname = \"x0\"\ndriver = \"echo\"\n",  // 6-8
                        7, "apps.stream.x0.name", {"also a [[stream]]"}));
}

TEST(AppsStreamRegistry, UnregisteredDriverOrModuleIsAnError) {
  strdp::registry_init();
  Config c = ok("[[apps.stream]]\nname = \"a\"\ndriver = \"nodrv\"\n"            // 1-3
                "[[apps.stream]]\nname = \"b\"\ndriver = \"echo\"\n"             // 4-6
                "modules = [\"passmod\", \"nomod\"]\n");                         // 7
  auto e = check_registry(c);
  ASSERT_EQ(e.size(), 2u) << dump(e);
  EXPECT_EQ(e[0].to_string(),
            "t.toml:3: apps.stream.a.driver: [apps] stream \"a\": no driver \"nodrv\" is "
            "registered (built in, or by one of the plugins)");
  EXPECT_EQ(e[1].at.line, 7);
  EXPECT_NE(e[1].message.find("no module \"nomod\""), std::string::npos) << e[1].message;
}

TEST(AppsStreamAccess, RightsAsADevice) {
  Config c = ok("[[apps.stream]]\nname = \"cap\"\ndriver = \"echo\"\n"
                "owner = 1000\ngroup = 100\nmode = \"0640\"\n");
  EXPECT_EQ(app_access(c.apps, "cap", O_RDWR, 1000, 5), 0);
  EXPECT_EQ(app_access(c.apps, "cap", O_RDONLY, 2000, 100), 0);
  EXPECT_EQ(app_access(c.apps, "cap", O_RDWR, 2000, 100), EACCES);
  EXPECT_EQ(app_access(c.apps, "cap", O_RDONLY, 2000, 5), EACCES);
  EXPECT_EQ(app_access(c.apps, "/dev/cap", O_RDWR, 0, 0), 0);
  EXPECT_EQ(app_access(c.apps, "tap", O_RDWR, 0, 0), ENOENT);
}

}  // namespace
}  // namespace strdp::config::test
