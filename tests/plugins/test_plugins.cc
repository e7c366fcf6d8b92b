// Plugins built from Solaris-style source with cc + pkg-config (see
// meson.build): loading, naming, the load errors, and the module and
// driver at work on a live stream.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include <strdp/strdp.h>

#include "runtime/plugin.h"
#include "solmod.h"
#include "stream/registry.h"

namespace strdp::test {
namespace {

// meson puts the plugins beside this test and says where in
// STRDP_PLUGIN_DIR; run by hand, the test looks beside itself.
std::string plugin_dir() {
  if (const char *dir = std::getenv("STRDP_PLUGIN_DIR")) return dir;
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return ".";
  std::string exe(self, static_cast<size_t>(n));
  return exe.substr(0, exe.rfind('/'));
}

std::string plugin_path(const char *file) {
  return plugin_dir() + "/" + file;
}

// The module and driver every test below may use; loaded by whichever
// test runs first (a second load is EEXIST, which is fine here).
void load_both() {
  for (const char *f : {"solmod.so", "libsoldrv.so"}) {
    int r = strdp_load_plugin(plugin_path(f).c_str());
    ASSERT_TRUE(r == 0 || errno == EEXIST)
        << f << ": " << std::strerror(errno) << " " << plugin_last_error();
  }
}

// A symbol of a loaded plugin, as a test harness may call _fini()/_info().
template <typename Fn>
Fn plugin_symbol(const char *file, const char *sym) {
  void *h = dlopen(plugin_path(file).c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (!h) return nullptr;
  void *p = dlsym(h, sym);
  dlclose(h);  // drops only the reference RTLD_NOLOAD took
  return reinterpret_cast<Fn>(p);
}

TEST(Plugins, ModuleRegistersByFName) {
  load_both();
  EXPECT_EQ(strdp_module_exists("solmod"), 1);
  auto info = plugin_symbol<int (*)(modinfo *)>("solmod.so", "strdp_mod_info_");
  ASSERT_NE(info, nullptr);
  modinfo mi;
  ASSERT_EQ(info(&mi), 1);
  EXPECT_STREQ(mi.mi_name, "solmod");
  EXPECT_STREQ(mi.mi_msinfo, "upper-case read side");
  EXPECT_EQ(mi.mi_info, 3);
  EXPECT_GT(mi.mi_id, 0);
}

TEST(Plugins, DriverRegistersByFileNameAndMinorNode) {
  load_both();
  // libsoldrv.so -> "soldrv"; its attach(9E) made the clone node "sdloop".
  EXPECT_EQ(strdp_driver_exists("soldrv"), 1);
  EXPECT_EQ(strdp_driver_exists("/dev/sdloop"), 1);
  DriverEntry *byfile = driver_hold("soldrv");
  DriverEntry *bynode = driver_hold("sdloop");
  ASSERT_NE(byfile, nullptr);
  ASSERT_NE(bynode, nullptr);
  EXPECT_FALSE(byfile->clone);
  EXPECT_TRUE(bynode->clone);
  EXPECT_EQ(byfile->st, bynode->st);
  EXPECT_EQ(byfile->flags, D_MP);
  driver_release(byfile);
  driver_release(bynode);
}

TEST(Plugins, SamePathTwiceIsEEXIST) {
  load_both();
  errno = 0;
  EXPECT_EQ(strdp_load_plugin(plugin_path("solmod.so").c_str()), -1);
  EXPECT_EQ(errno, EEXIST);
  // The same file by another spelling is the same plugin.
  std::string dotted = plugin_dir() + "/./libsoldrv.so";
  errno = 0;
  EXPECT_EQ(strdp_load_plugin(dotted.c_str()), -1);
  EXPECT_EQ(errno, EEXIST);
}

TEST(Plugins, MissingFileIsENOENT) {
  errno = 0;
  EXPECT_EQ(strdp_load_plugin(plugin_path("no-such-plugin.so").c_str()), -1);
  EXPECT_EQ(errno, ENOENT);
  errno = 0;
  EXPECT_EQ(strdp_load_plugin(nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST(Plugins, NotASharedObjectIsENOEXEC) {
  char path[] = "/tmp/strdp-notso-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const char text[] = "this is not an ELF file\n";
  ASSERT_EQ(write(fd, text, sizeof(text) - 1),
            static_cast<ssize_t>(sizeof(text) - 1));
  close(fd);
  errno = 0;
  EXPECT_EQ(strdp_load_plugin(path), -1);
  EXPECT_EQ(errno, ENOEXEC);
  EXPECT_NE(std::string(plugin_last_error()), "");  // dlerror()'s text
  unlink(path);
}

TEST(Plugins, NoInitIsEINVAL) {
  errno = 0;
  EXPECT_EQ(strdp_load_plugin(plugin_path("noinit.so").c_str()), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_NE(std::string(plugin_last_error()).find("_init"), std::string::npos);
  EXPECT_EQ(strdp_module_exists("noinit"), 0);
}

TEST(Plugins, DuplicateModuleNameIsEEXIST) {
  load_both();
  ModuleEntry *before = module_hold("solmod");
  ASSERT_NE(before, nullptr);
  streamtab *st = before->st;
  module_release(before);

  errno = 0;
  EXPECT_EQ(strdp_load_plugin(plugin_path("dupmod.so").c_str()), -1);
  EXPECT_EQ(errno, EEXIST);
  ModuleEntry *after = module_hold("solmod");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->st, st);  // the first solmod is untouched
  module_release(after);
}

TEST(Plugins, UnregisterWhileHeldIsEBUSY) {
  load_both();
  ModuleEntry *m = module_hold("solmod");
  DriverEntry *d = driver_hold("/dev/sdloop");
  ASSERT_NE(m, nullptr);
  ASSERT_NE(d, nullptr);
  errno = 0;
  EXPECT_EQ(strdp_unregister_module("solmod"), -1);
  EXPECT_EQ(errno, EBUSY);
  errno = 0;
  EXPECT_EQ(strdp_unregister_driver("sdloop"), -1);
  EXPECT_EQ(errno, EBUSY);
  auto fini = plugin_symbol<int (*)()>("solmod.so", "strdp_mod_fini_");
  ASSERT_NE(fini, nullptr);
  EXPECT_EQ(fini(), EBUSY);  // mod_remove() refuses too
  module_release(m);
  driver_release(d);
  EXPECT_EQ(strdp_module_exists("solmod"), 1);
}

// ------------------------------------------------- on a live stream

TEST(PluginsOnStream, PushLookPop) {
  load_both();
  strdp_stream_t *sp = strdp_open("/dev/sdloop", O_RDWR, nullptr);
  ASSERT_NE(sp, nullptr) << std::strerror(errno);

  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("solmod")), 0)
      << std::strerror(errno);
  char name[FMNAMESZ + 1] = {};
  ASSERT_EQ(strdp_ioctl(sp, I_LOOK, reinterpret_cast<intptr_t>(name)), 0);
  EXPECT_STREQ(name, "solmod");

  // Through the driver's loop and back up through the module.
  ASSERT_EQ(strdp_write(sp, "hello, world", 12), 12);
  char buf[32] = {};
  ASSERT_EQ(strdp_read(sp, buf, sizeof(buf)), 12);
  EXPECT_STREQ(buf, "HELLO, WORLD");
  strioctl ic = {SOLMOD_GETCNT, 0, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), 10);

  // In use: neither the registry nor _fini() lets it go.
  errno = 0;
  EXPECT_EQ(strdp_unregister_module("solmod"), -1);
  EXPECT_EQ(errno, EBUSY);

  ASSERT_EQ(strdp_ioctl(sp, I_POP, 0), 0);
  errno = 0;
  EXPECT_EQ(strdp_ioctl(sp, I_LOOK, reinterpret_cast<intptr_t>(name)), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(PluginsOnStream, OpenByFileName) {
  load_both();
  strdp_stream_t *sp = strdp_open("soldrv", O_RDWR, nullptr);
  ASSERT_NE(sp, nullptr) << std::strerror(errno);
  ASSERT_EQ(strdp_write(sp, "x", 1), 1);
  char c = 0;
  EXPECT_EQ(strdp_read(sp, &c, 1), 1);
  EXPECT_EQ(c, 'x');
  // The driver refuses ioctls it does not know.
  strioctl ic = {SOLMOD_GETCNT, 0, 0, nullptr};
  errno = 0;
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_close(sp), 0);
}

// ------------------------------------------------- _fini and _init again

TEST(Plugins, FiniRemovesAndInitInstallsAgain) {
  load_both();
  auto drv_fini = plugin_symbol<int (*)()>("libsoldrv.so", "strdp_mod_fini_");
  auto drv_init = plugin_symbol<int (*)()>("libsoldrv.so", "strdp_mod_init_");
  ASSERT_NE(drv_fini, nullptr);
  ASSERT_NE(drv_init, nullptr);

  ASSERT_EQ(drv_fini(), 0);  // detach(9E) removed "sdloop"
  EXPECT_EQ(strdp_driver_exists("soldrv"), 0);
  EXPECT_EQ(strdp_driver_exists("sdloop"), 0);

  // Outside a plugin load a modldrv has no name...
  EXPECT_EQ(drv_init(), EINVAL);
  EXPECT_EQ(strdp_driver_exists("soldrv"), 0);
  // ...inside one it is named after the plugin again.
  PluginLoad load;
  load.name = "soldrv";
  {
    PluginLoadScope scope(&load);
    ASSERT_EQ(drv_init(), 0);
  }
  EXPECT_EQ(strdp_driver_exists("soldrv"), 1);
  EXPECT_EQ(strdp_driver_exists("sdloop"), 1);
}

}  // namespace
}  // namespace strdp::test
