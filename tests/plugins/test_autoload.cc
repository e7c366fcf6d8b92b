// Modules are plugins: libstrdp has none of the reference modules, the
// registry loads NAME.so from the module path when a stream pushes or
// opens a name nobody registered, and the loader takes a plugin whose
// constructors register what it has (no _init()).
//
// meson's test environment puts this build's modules/ on
// STRDP_MODULE_PATH; the tests that change the variable put it back.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string>

#include <strdp/strdp.h>

#include "runtime/module_dirs.h"
#include "runtime/module_path.h"
#include "runtime/plugin.h"
#include "stream/registry.h"

namespace strdp::test {
namespace {

std::string test_dir() {
  const char *dir = std::getenv("STRDP_PLUGIN_DIR");
  return dir ? dir : ".";
}

// Sets STRDP_MODULE_PATH (nullopt: unsets it) for a scope.
class ModulePathEnv {
 public:
  explicit ModulePathEnv(const std::optional<std::string> &value) {
    if (const char *old = std::getenv("STRDP_MODULE_PATH")) old_ = old;
    if (value)
      setenv("STRDP_MODULE_PATH", value->c_str(), 1);
    else
      unsetenv("STRDP_MODULE_PATH");
  }
  ~ModulePathEnv() {
    if (old_)
      setenv("STRDP_MODULE_PATH", old_->c_str(), 1);
    else
      unsetenv("STRDP_MODULE_PATH");
  }
  ModulePathEnv(const ModulePathEnv &) = delete;
  ModulePathEnv &operator=(const ModulePathEnv &) = delete;

 private:
  std::optional<std::string> old_;
};

int push(strdp_stream_t *sp, const char *name) {
  return strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>(name));
}

TEST(Autoload, PushLoadsAModuleThatIsOnlyAPlugin) {
  // Nothing built into libstrdp registers passmod: only modules/passmod.so.
  ASSERT_FALSE(registry_has_module("passmod"));
  ASSERT_FALSE(registry_has_driver("echo"));
  strdp_stream_t *sp = strdp_open("/dev/echo", O_RDWR, nullptr);  // echo.so
  ASSERT_NE(sp, nullptr) << std::strerror(errno);
  EXPECT_TRUE(registry_has_driver("echo"));
  ASSERT_EQ(push(sp, "passmod"), 0) << std::strerror(errno);
  EXPECT_TRUE(registry_has_module("passmod"));
  char name[FMNAMESZ + 1] = {};
  ASSERT_EQ(strdp_ioctl(sp, I_LOOK, reinterpret_cast<intptr_t>(name)), 0);
  EXPECT_STREQ(name, "passmod");
  ASSERT_EQ(strdp_write(sp, "ping", 4), 4);
  char buf[8] = {};
  EXPECT_EQ(strdp_read(sp, buf, sizeof(buf)), 4);
  EXPECT_STREQ(buf, "ping");
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(Autoload, UnknownNamesKeepTheirErrors) {
  strdp_stream_t *sp = strdp_open("echo", O_RDWR, nullptr);
  ASSERT_NE(sp, nullptr) << std::strerror(errno);
  errno = 0;
  EXPECT_EQ(push(sp, "nosuchmod"), -1);
  EXPECT_EQ(errno, EINVAL);  // what I_PUSH of an unknown module says
  EXPECT_EQ(strdp_close(sp), 0);
  for (const char *drv : {"nosuchdrv", "/dev/nosuchdrv"}) {
    errno = 0;
    EXPECT_EQ(strdp_open(drv, O_RDWR, nullptr), nullptr) << drv;
    EXPECT_EQ(errno, ENOENT) << drv;  // open(2) of a name that is no node
  }
  errno = 0;
  EXPECT_EQ(strdp_modload("nosuchmod"), -1);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_EQ(strdp_module_exists("nosuchmod"), 0);
  EXPECT_EQ(strdp_driver_exists("nosuchdrv"), 0);
}

TEST(Autoload, ANameIsNeverAPath) {
  std::string here = std::string(STRDP_BUILD_MODULE_DIR) + "/passmod";
  for (const char *bad : {"../modules/passmod", "ref/passmod", here.c_str(), ""}) {
    errno = 0;
    EXPECT_EQ(strdp_modload(bad), -1) << bad;
    EXPECT_EQ(errno, EINVAL) << bad;
  }
  errno = 0;
  EXPECT_EQ(strdp_modload(nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(module_find("../modules/passmod"), "");
  strdp_stream_t *sp = strdp_open("echo", O_RDWR, nullptr);
  ASSERT_NE(sp, nullptr);
  errno = 0;
  EXPECT_EQ(push(sp, "ref/crmod"), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(Autoload, ModuleExistsLoadsAsPushDoes) {
  // I_FIND, autopush rules and the daemon's --check ask this way.
  ASSERT_FALSE(registry_has_module("crmod"));
  EXPECT_EQ(strdp_module_exists("crmod"), 1);
  EXPECT_TRUE(registry_has_module("crmod"));
  EXPECT_EQ(strdp_driver_is_mux("xconn"), 1);  // xconn.so
  EXPECT_EQ(strdp_modload("xconn"), 0);        // registered: nothing to do
}

TEST(Autoload, TheEnvironmentsFoldersComeFirst) {
  // envmod.so is in this test's folder only.
  {
    ModulePathEnv env(std::string(STRDP_BUILD_MODULE_DIR));
    errno = 0;
    EXPECT_EQ(strdp_modload("envmod"), -1);
    EXPECT_EQ(errno, ENOENT);
  }
  ModulePathEnv env(test_dir() + "::" + STRDP_BUILD_MODULE_DIR);
  std::vector<std::string> path = module_path();
  ASSERT_GE(path.size(), 2u);
  EXPECT_EQ(path[0], test_dir());
  EXPECT_EQ(path[1], STRDP_BUILD_MODULE_DIR);  // the empty entry skipped
  strdp_stream_t *sp = strdp_open("echo", O_RDWR, nullptr);
  ASSERT_NE(sp, nullptr);
  ASSERT_EQ(push(sp, "envmod"), 0) << std::strerror(errno);
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(Autoload, RunFromTheBuildTreeItFindsTheBuildsPlugins) {
  // What streamsd, the demo and the perf scripts rely on when they run
  // from a build tree with no STRDP_MODULE_PATH.
  ModulePathEnv env(std::nullopt);
  std::vector<std::string> path = module_path();
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.back(), STRDP_BUILD_MODULE_DIR);
  EXPECT_EQ(module_find("sniffer"), std::string(STRDP_BUILD_MODULE_DIR) + "/sniffer.so");
}

TEST(Autoload, AddedFoldersComeBeforeTheEnvironment) {
  EXPECT_EQ(strdp_module_path_add(nullptr), -1);
  EXPECT_EQ(strdp_module_path_add(""), -1);
  ASSERT_EQ(strdp_module_path_add("/nonexistent/strdp-a"), 0);
  ASSERT_EQ(strdp_module_path_add("/nonexistent/strdp-a"), 0);  // once
  std::vector<std::string> path = module_path();
  ASSERT_GE(path.size(), 2u);
  EXPECT_EQ(path[0], "/nonexistent/strdp-a");
  EXPECT_NE(path[1], "/nonexistent/strdp-a");
}

// ------------------------------------------- plugins without _init()

TEST(CtorPlugin, LoadsForWhatItsConstructorsRegistered) {
  ASSERT_FALSE(registry_has_module("ctormod"));
  std::string path = test_dir() + "/ctormod.so";
  ASSERT_EQ(strdp_load_plugin(path.c_str()), 0)
      << std::strerror(errno) << " " << plugin_last_error();
  EXPECT_TRUE(registry_has_module("ctormod"));
  // STRDP_DRIVER_REGISTER's name, not the file's.
  EXPECT_TRUE(registry_has_driver("ctorecho"));
  EXPECT_FALSE(registry_has_driver("ctormod"));

  strdp_stream_t *sp = strdp_open("ctorecho", O_RDWR, nullptr);
  ASSERT_NE(sp, nullptr) << std::strerror(errno);
  ASSERT_EQ(push(sp, "ctormod"), 0);
  ASSERT_EQ(strdp_write(sp, "abc", 3), 3);
  char buf[4] = {};
  EXPECT_EQ(strdp_read(sp, buf, sizeof(buf)), 3);
  EXPECT_STREQ(buf, "abc");
  EXPECT_EQ(strdp_close(sp), 0);

  errno = 0;
  EXPECT_EQ(strdp_load_plugin(path.c_str()), -1);
  EXPECT_EQ(errno, EEXIST);
}

TEST(CtorPlugin, ACollidingOneIsRefusedAndLeavesTheFirst) {
  std::string first = test_dir() + "/ctormod.so";
  int r = strdp_load_plugin(first.c_str());
  ASSERT_TRUE(r == 0 || errno == EEXIST) << std::strerror(errno);
  ModuleEntry *before = module_hold("ctormod");
  ASSERT_NE(before, nullptr);
  streamtab *st = before->st;
  module_release(before);

  // The same source as ctormod.so: both of its names are taken.
  errno = 0;
  EXPECT_EQ(strdp_load_plugin((test_dir() + "/ctorcopy.so").c_str()), -1);
  EXPECT_EQ(errno, EEXIST);
  EXPECT_NE(std::string(plugin_last_error()), "");
  ModuleEntry *after = module_hold("ctormod");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->st, st);
  module_release(after);
}

TEST(CtorPlugin, APluginThatRegistersNothingIsStillEINVAL) {
  // noinit.so has a module but neither _init() nor a constructor.
  errno = 0;
  EXPECT_EQ(strdp_load_plugin((test_dir() + "/noinit.so").c_str()), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_NE(std::string(plugin_last_error()).find("_init"), std::string::npos);
}

}  // namespace
}  // namespace strdp::test
