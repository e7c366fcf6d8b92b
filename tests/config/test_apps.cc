// [apps] and [[apps.device]]: defaults, a full section, every error with
// its line, the driver check in check_registry(), and app_access() (who
// may open what). root (uid 0, gid 0) is the one user and group every
// machine has; ids that name no one are given as numbers.
#include <fcntl.h>

#include <cerrno>

#include "config_test_util.h"
#include "stream/registry.h"

namespace strdp::config::test {
namespace {

TEST(Apps, DefaultsWhenTheSectionIsAbsent) {
  Config c = ok("");
  EXPECT_TRUE(c.apps.enabled);
  EXPECT_EQ(c.apps.socket, "/run/strdp/apps.sock");
  EXPECT_EQ(c.apps.mode, 0666u);
  EXPECT_TRUE(c.apps.group.empty());
  EXPECT_TRUE(c.apps.devices.empty());
  EXPECT_EQ(c.apps.device("echo"), nullptr);
  // An empty section is the defaults too.
  EXPECT_EQ(ok("[apps]\n").apps.socket, "/run/strdp/apps.sock");
}

TEST(Apps, FullSectionDecoded) {
  Config c = ok(
      "[apps]\n"                                                   // 1
      "socket = \"/tmp/strdp-apps.sock\"\nmode = \"0660\"\n"       // 2, 3
      "group = \"root\"\nenabled = false\n"                        // 4, 5
      "[[apps.device]]\nname = \"echo\"\n"                         // 6, 7
      "owner = \"root\"\ngroup = \"root\"\nmode = \"0666\"\n"      // 8-10
      "[[apps.device]]\nname = \"/dev/loop\"\n"                    // 11, 12
      "owner = 1000\ngroup = \"1001\"\nmode = 0o640\n"             // 13-15
      "[[apps.device]]\nname = \"xconn\"\n");                      // 16, 17
  EXPECT_FALSE(c.apps.enabled);
  EXPECT_EQ(c.apps.socket, "/tmp/strdp-apps.sock");
  EXPECT_EQ(c.apps.mode, 0660u);
  EXPECT_EQ(c.apps.group, "root");
  ASSERT_EQ(c.apps.devices.size(), 3u);
  const AppDeviceSpec &e = c.apps.devices[0];
  EXPECT_EQ(e.name, "echo");
  EXPECT_EQ(e.uid, 0u);
  EXPECT_EQ(e.gid, 0u);
  EXPECT_EQ(e.mode, 0666u);
  EXPECT_EQ(e.line, 6);
  const AppDeviceSpec &l = c.apps.devices[1];
  EXPECT_EQ(l.name, "loop");  // "/dev/" dropped
  EXPECT_EQ(l.uid, 1000u);
  EXPECT_EQ(l.gid, 1001u);
  EXPECT_EQ(l.mode, 0640u);
  EXPECT_EQ(l.line, 11);
  // Defaults of a device: root, root, 0600.
  const AppDeviceSpec &x = c.apps.devices[2];
  EXPECT_EQ(x.uid, 0u);
  EXPECT_EQ(x.gid, 0u);
  EXPECT_EQ(x.mode, 0600u);
  EXPECT_EQ(c.key_lines.at("apps.device.loop.name"), 12);
}

TEST(Apps, DefaultConfigOffersEchoAndLoop) {
  LoadResult r = load(std::string(STRDP_SOURCE_DIR) + "/config/default.toml");
  ASSERT_TRUE(r.config) << dump(r.errors);
  const AppsSpec &a = r.config->apps;
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.socket, "/run/strdp/apps.sock");
  ASSERT_EQ(a.devices.size(), 2u);
  for (const char *name : {"echo", "loop"}) {
    const AppDeviceSpec *d = a.device(name);
    ASSERT_NE(d, nullptr) << name;
    EXPECT_EQ(d->uid, 0u);
    EXPECT_EQ(d->gid, 0u);
    EXPECT_EQ(d->mode, 0666u);
  }
}

TEST(Apps, DevNameEqualsName) {
  Config c = ok("[[apps.device]]\nname = \"/dev/echo\"\n");
  ASSERT_EQ(c.apps.devices.size(), 1u);
  EXPECT_EQ(c.apps.devices[0].name, "echo");
  EXPECT_EQ(c.apps.device("echo"), &c.apps.devices[0]);
  EXPECT_EQ(c.apps.device("/dev/echo"), &c.apps.devices[0]);
  EXPECT_EQ(c.apps.device("/dev/loop"), nullptr);
  EXPECT_EQ(c.apps.device("dev/echo"), nullptr);
}

TEST(AppsErrors, UnknownKeys) {
  EXPECT_TRUE(one_error("[apps]\nsokcet = \"/x\"\n", 2, "apps.sokcet",
                        {"unknown key", "did you mean \"socket\"?"}));
  EXPECT_TRUE(one_error("[apps]\n[[apps.device]]\nname = \"echo\"\n"
                        "ownr = \"root\"\n",
                        4, "apps.device.echo.ownr",
                        {"did you mean \"owner\"?",
                         "expected one of: name, owner, group, mode"}));
  // Keys are reported under the device's name.
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"echo\"\n"
                        "[[apps.device]]\nname = \"loop\"\nuid = 0\n",
                        5, "apps.device.loop.uid", {"unknown key"}));
}

TEST(AppsErrors, WrongTypes) {
  EXPECT_TRUE(one_error("apps = 3\n", 1, "apps",
                        {"expected a table ([apps]), got 3"}));
  EXPECT_TRUE(one_error("[apps]\nenabled = \"yes\"\n", 2, "apps.enabled",
                        {"expected true or false, got \"yes\""}));
  EXPECT_TRUE(one_error("[apps]\nsocket = 5\n", 2, "apps.socket",
                        {"expected an absolute path, got 5"}));
  EXPECT_TRUE(one_error("[apps]\ngroup = 0\n", 2, "apps.group",
                        {"expected a group name, got 0"}));
  EXPECT_TRUE(one_error("[apps]\ndevice = \"echo\"\n", 2, "apps.device",
                        {"expected an array of tables ([[apps.device]])"}));
  EXPECT_TRUE(one_error("[apps.device]\nname = \"echo\"\n", 1, "apps.device",
                        {"expected an array of tables", "got a table"}));
  EXPECT_TRUE(one_error("[apps]\ndevice = [\"echo\"]\n", 2, "apps.device[0]",
                        {"expected a table, got \"echo\""}));
  EXPECT_TRUE(one_error("[[apps.device]]\nname = 5\n", 2,
                        "apps.device[0].name",
                        {"expected a driver name", "got 5"}));
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"echo\"\nowner = true\n",
                        3, "apps.device.echo.owner",
                        {"expected a user name or a numeric uid", "got true"}));
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"echo\"\ngroup = 1.5\n",
                        3, "apps.device.echo.group",
                        {"expected a group name or a numeric gid"}));
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"echo\"\nowner = -1\n",
                        3, "apps.device.echo.owner",
                        {"0..4294967294", "got -1"}));
}

TEST(AppsErrors, ModeNotOctalOrTooLarge) {
  for (const char *bad : {"\"0999\"", "\"rw\"", "\"\"", "\"01777\"",
                          "0o1777", "-1", "true"}) {
    EXPECT_TRUE(one_error(std::string("[apps]\nmode = ") + bad + "\n", 2,
                          "apps.mode", {"expected a file mode", "at most 0o777"}))
        << bad;
    EXPECT_TRUE(one_error(std::string("[[apps.device]]\nname = \"echo\"\n"
                                      "mode = ") + bad + "\n",
                          3, "apps.device.echo.mode", {"expected a file mode"}))
        << bad;
  }
  EXPECT_EQ(ok("[apps]\nmode = \"660\"\n").apps.mode, 0660u);
  EXPECT_EQ(ok("[apps]\nmode = 0o600\n").apps.mode, 0600u);
}

TEST(AppsErrors, UnknownUserOrGroup) {
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"echo\"\n"
                        "owner = \"no-such-user-strdp\"\n",
                        3, "apps.device.echo.owner",
                        {"no user \"no-such-user-strdp\" on this machine"}));
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"echo\"\n"
                        "group = \"no-such-group-strdp\"\n",
                        3, "apps.device.echo.group",
                        {"no group \"no-such-group-strdp\" on this machine"}));
  EXPECT_TRUE(one_error("[apps]\ngroup = \"no-such-group-strdp\"\n", 2,
                        "apps.group", {"no group \"no-such-group-strdp\""}));
  EXPECT_TRUE(one_error("[apps]\ngroup = \"\"\n", 2, "apps.group",
                        {"leave the key out"}));
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"echo\"\nowner = \"\"\n",
                        3, "apps.device.echo.owner",
                        {"expected a user name or a numeric uid", "got \"\""}));
}

TEST(AppsErrors, DuplicateDeviceNames) {
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"echo\"\n"     // 1, 2
                        "[[apps.device]]\nname = \"loop\"\n"     // 3, 4
                        "[[apps.device]]\n\nname = \"echo\"\n",  // 5-7
                        7, "apps.device.echo.name",
                        {"device \"echo\" is offered twice",
                         "first at line 1"}));
  // "/dev/echo" is "echo".
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"echo\"\n"
                        "[[apps.device]]\nname = \"/dev/echo\"\n",
                        4, "apps.device.echo.name", {"offered twice"}));
}

TEST(AppsErrors, EmptyOrMissingName) {
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"\"\n", 2,
                        "apps.device[0].name",
                        {"expected a driver name", "got \"\""}));
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"/dev/\"\n", 2,
                        "apps.device[0].name", {"got \"/dev/\""}));
  EXPECT_TRUE(one_error("[[apps.device]]\nname = \"a b\"\n", 2,
                        "apps.device[0].name", {"expected a driver name"}));
  EXPECT_TRUE(one_error("[apps]\n[[apps.device]]\nmode = \"0666\"\n", 2,
                        "apps.device[0].name",
                        {"missing: expected a driver name"}));
}

TEST(AppsErrors, SocketPath) {
  EXPECT_TRUE(one_error("[apps]\nsocket = \"\"\n", 2, "apps.socket",
                        {"absolute path", "got \"\""}));
  EXPECT_TRUE(one_error("[apps]\nsocket = \"run/a.sock\"\n", 2, "apps.socket",
                        {"absolute path"}));
  EXPECT_TRUE(one_error("[apps]\nsocket = \"/" + std::string(107, 'a') + "\"\n",
                        2, "apps.socket", {"at most 107 bytes", "got 108"}));
  EXPECT_EQ(ok("[apps]\nsocket = \"/" + std::string(106, 'a') + "\"\n")
                .apps.socket.size(),
            107u);
}

TEST(AppsErrors, SocketSharedWithControl) {
  EXPECT_TRUE(one_error("[control]\nsocket = \"/tmp/s.sock\"\n"
                        "[apps]\nsocket = \"/tmp/s.sock\"\n",
                        4, "apps.socket",
                        {"\"/tmp/s.sock\" is the control socket too"}));
  // The same file written another way.
  EXPECT_TRUE(one_error("[control]\nsocket = \"/tmp/s.sock\"\n"
                        "[apps]\nsocket = \"/tmp//./s.sock\"\n",
                        4, "apps.socket", {"control socket too"}));
  // [control] moved onto the apps default.
  EXPECT_TRUE(one_error("[control]\nsocket = \"/run/strdp/apps.sock\"\n", 2,
                        "control.socket", {"control socket too"}));
  // Not bound when disabled.
  ok("[control]\nsocket = \"/tmp/s.sock\"\n"
     "[apps]\nenabled = false\nsocket = \"/tmp/s.sock\"\n");
}

TEST(AppsErrors, EveryProblemIsReported) {
  auto e = errors_of("[apps]\nmode = \"9\"\n"                         // 1, 2
                     "[[apps.device]]\nname = \"\"\nowner = \"no-such-user-strdp\"\n"
                     "[[apps.device]]\nname = \"echo\"\nmode = 0o1000\n");
  ASSERT_EQ(e.size(), 4u) << dump(e);
  EXPECT_EQ(e[0].at.line, 2);
  EXPECT_EQ(e[1].at.line, 4);
  EXPECT_EQ(e[2].at.line, 5);
  EXPECT_EQ(e[3].at.line, 8);
}

TEST(AppsRegistry, UnregisteredDriverIsAnError) {
  strdp::registry_init();
  Config c = ok("[apps]\n"                                    // 1
                "[[apps.device]]\nname = \"echo\"\n"          // 2, 3
                "[[apps.device]]\nname = \"/dev/nodrv\"\n"    // 4, 5
                "[[apps.device]]\nname = \"loop\"\n");        // 6, 7
  auto e = check_registry(c);
  ASSERT_EQ(e.size(), 1u) << dump(e);
  EXPECT_EQ(e[0].to_string(),
            "t.toml:5: apps.device.nodrv.name: [apps] device \"nodrv\": no "
            "driver \"nodrv\" is registered (built in, or by one of the "
            "plugins)");
}

// app_access(): an AppsSpec made by hand, owner 1000, group 100.
AppsSpec spec(uint32_t mode) {
  AppsSpec a;
  a.devices.push_back({"echo", 1000, 100, mode, 1});
  return a;
}

TEST(AppAccess, OwnerGroupOtherBits) {
  // Owner rw, group r, other w: each class sees only its own bits.
  AppsSpec a = spec(0642);
  EXPECT_EQ(app_access(a, "echo", O_RDWR, 1000, 5), 0);
  EXPECT_EQ(app_access(a, "echo", O_RDONLY, 1000, 5), 0);
  EXPECT_EQ(app_access(a, "echo", O_WRONLY, 1000, 5), 0);
  EXPECT_EQ(app_access(a, "echo", O_RDONLY, 2000, 100), 0);
  EXPECT_EQ(app_access(a, "echo", O_WRONLY, 2000, 100), EACCES);
  EXPECT_EQ(app_access(a, "echo", O_RDWR, 2000, 100), EACCES);
  EXPECT_EQ(app_access(a, "echo", O_RDONLY, 2000, 5), EACCES);
  EXPECT_EQ(app_access(a, "echo", O_WRONLY, 2000, 5), 0);
  EXPECT_EQ(app_access(a, "echo", O_RDWR, 2000, 5), EACCES);
  // The owner's bits decide for the owner, even when group bits give more.
  AppsSpec g = spec(0060);
  EXPECT_EQ(app_access(g, "echo", O_RDONLY, 1000, 100), EACCES);
  EXPECT_EQ(app_access(g, "echo", O_RDWR, 3000, 100), 0);
  // Other flags than the access mode do not matter.
  EXPECT_EQ(app_access(a, "echo", O_RDWR | O_NONBLOCK | O_CLOEXEC, 1000, 5), 0);
  EXPECT_EQ(app_access(a, "echo", O_RDONLY | O_NDELAY, 2000, 5), EACCES);
  // Execute bits are not read or write.
  EXPECT_EQ(app_access(spec(0111), "echo", O_RDONLY, 1000, 100), EACCES);
}

TEST(AppAccess, RootMayOpenAnythingOffered) {
  AppsSpec a = spec(0000);
  EXPECT_EQ(app_access(a, "echo", O_RDWR, 0, 0), 0);
  EXPECT_EQ(app_access(a, "echo", O_WRONLY, 0, 100), 0);
  EXPECT_EQ(app_access(a, "loop", O_RDWR, 0, 0), ENOENT);
  // gid 0 alone is no privilege.
  EXPECT_EQ(app_access(a, "echo", O_RDONLY, 5, 0), EACCES);
}

TEST(AppAccess, NotOfferedOrDisabledIsEnoent) {
  AppsSpec a = spec(0666);
  EXPECT_EQ(app_access(a, "loop", O_RDONLY, 1000, 100), ENOENT);
  EXPECT_EQ(app_access(a, "", O_RDONLY, 1000, 100), ENOENT);
  EXPECT_EQ(app_access(a, "/dev/echo", O_RDWR, 2000, 5), 0);
  a.enabled = false;
  EXPECT_EQ(app_access(a, "echo", O_RDWR, 1000, 100), ENOENT);
  EXPECT_EQ(app_access(a, "echo", O_RDWR, 0, 0), ENOENT);
}

TEST(AppAccess, FromALoadedConfig) {
  Config c = ok("[[apps.device]]\nname = \"echo\"\nmode = \"0666\"\n"
                "[[apps.device]]\nname = \"loop\"\n");
  EXPECT_EQ(app_access(c.apps, "/dev/echo", O_RDWR, 1000, 1000), 0);
  EXPECT_EQ(app_access(c.apps, "loop", O_RDONLY, 1000, 1000), EACCES);
  EXPECT_EQ(app_access(c.apps, "loop", O_RDWR, 0, 0), 0);
}

}  // namespace
}  // namespace strdp::config::test
