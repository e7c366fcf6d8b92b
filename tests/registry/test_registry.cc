// The module and driver tables: names, validation, references, built-ins
// registered before main().
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "fixtures.h"
#include "stream/registry.h"

namespace strdp::test {
namespace {

// Registered by constructors, before main() and before the runtime.
fmodsw pending_fsw = make_fmodsw("pendmod");
STRDP_MODULE_REGISTER(pending_fsw)
STRDP_DRIVER_REGISTER(penddrv, driver_tab, D_MP | CLONE_DEV)

TEST(Registry, ModuleRegisterLookupUnregister) {
  fmodsw f = make_fmodsw("rtmod");
  ASSERT_EQ(strdp_register_module(&f), 0);
  EXPECT_EQ(strdp_module_exists("rtmod"), 1);
  EXPECT_EQ(strdp_driver_exists("rtmod"), 0);

  fmodsw again = make_fmodsw("rtmod");
  errno = 0;
  EXPECT_EQ(strdp_register_module(&again), -1);
  EXPECT_EQ(errno, EEXIST);

  ModuleEntry *e = module_hold("rtmod");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "rtmod");
  EXPECT_EQ(e->st, &fixture_tab);
  EXPECT_EQ(e->flags, D_MP);
  EXPECT_EQ(e->refs, 1u);
  module_release(e);

  EXPECT_EQ(strdp_unregister_module("rtmod"), 0);
  EXPECT_EQ(strdp_module_exists("rtmod"), 0);
  errno = 0;
  EXPECT_EQ(strdp_unregister_module("rtmod"), -1);
  EXPECT_EQ(errno, ENOENT);
}

TEST(Registry, ModuleNames) {
  for (const char *good : {"a", "abcdefgh", "x.y-z_1", "ABC9"}) {
    fmodsw f = make_fmodsw(good);
    EXPECT_EQ(strdp_register_module(&f), 0) << good;
    EXPECT_EQ(strdp_unregister_module(good), 0) << good;
  }
  // "abcdefghi" fills f_name with no NUL: nine characters, one too many.
  for (const char *bad : {"", "abcdefghi", "a b", "a/b", "dev:x", "é"}) {
    fmodsw f = make_fmodsw(bad);
    errno = 0;
    EXPECT_EQ(strdp_register_module(&f), -1) << bad;
    EXPECT_EQ(errno, EINVAL) << bad;
  }
  errno = 0;
  EXPECT_EQ(strdp_register_module(nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST(Registry, ModuleStreamtabIsChecked) {
  fmodsw none = make_fmodsw("badst", nullptr);
  EXPECT_EQ(strdp_register_module(&none), -1);
  EXPECT_EQ(errno, EINVAL);

  // A module needs a read put procedure; a driver does not.
  fmodsw noput = make_fmodsw("badst", &driver_tab);
  EXPECT_EQ(strdp_register_module(&noput), -1);
  EXPECT_EQ(errno, EINVAL);

  qinit noopen = fixture_rinit;
  noopen.qi_qopen = nullptr;
  streamtab st = {.st_rdinit = &noopen, .st_wrinit = &fixture_winit};
  fmodsw f = make_fmodsw("badst", &st);
  EXPECT_EQ(strdp_register_module(&f), -1);
  EXPECT_EQ(errno, EINVAL);

  // A burst put does not replace qi_putp: single messages still need it.
  qinit burst_only = fixture_winit;
  burst_only.qi_putp = nullptr;
  burst_only.qi_putbp = [](queue_t *, mblk_t **, unsigned) {};
  streamtab st1 = {.st_rdinit = &fixture_rinit, .st_wrinit = &burst_only};
  f = make_fmodsw("badst", &st1);
  EXPECT_EQ(strdp_register_module(&f), -1);
  EXPECT_EQ(errno, EINVAL);

  qinit nominfo = fixture_winit;
  nominfo.qi_minfo = nullptr;
  streamtab st2 = {.st_rdinit = &fixture_rinit, .st_wrinit = &nominfo};
  f = make_fmodsw("badst", &st2);
  EXPECT_EQ(strdp_register_module(&f), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_module_exists("badst"), 0);
}

TEST(Registry, HeldModuleCannotGo) {
  fmodsw f = make_fmodsw("heldmod");
  ASSERT_EQ(strdp_register_module(&f), 0);
  ModuleEntry *a = module_hold("heldmod");
  ModuleEntry *b = module_hold("heldmod");
  ASSERT_EQ(a, b);
  EXPECT_EQ(a->refs, 2u);
  errno = 0;
  EXPECT_EQ(strdp_unregister_module("heldmod"), -1);
  EXPECT_EQ(errno, EBUSY);
  module_release(a);
  EXPECT_EQ(strdp_unregister_module("heldmod"), -1);
  module_release(b);
  EXPECT_EQ(strdp_unregister_module("heldmod"), 0);
}

TEST(Registry, HoldOfAbsentNames) {
  errno = 0;
  EXPECT_EQ(module_hold("nosuch"), nullptr);
  EXPECT_EQ(errno, EINVAL);
  errno = 0;
  EXPECT_EQ(driver_hold("nosuch"), nullptr);
  EXPECT_EQ(errno, ENXIO);
  errno = 0;
  EXPECT_EQ(driver_hold("/dev/nosuch"), nullptr);
  EXPECT_EQ(errno, ENXIO);
  module_release(nullptr);  // harmless
  driver_release(nullptr);
}

TEST(Registry, DriverByNameAndDevPath) {
  ASSERT_EQ(strdp_register_driver("rtdrv", &driver_tab, D_MP), 0);
  EXPECT_EQ(strdp_driver_exists("rtdrv"), 1);
  EXPECT_EQ(strdp_driver_exists("/dev/rtdrv"), 1);
  EXPECT_EQ(strdp_module_exists("rtdrv"), 0);
  EXPECT_EQ(strdp_register_driver("/dev/rtdrv", &driver_tab, 0), -1);
  EXPECT_EQ(errno, EEXIST);

  DriverEntry *e = driver_hold("/dev/rtdrv");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "rtdrv");
  EXPECT_EQ(e->st, &driver_tab);
  EXPECT_EQ(e->minor, 0u);
  EXPECT_FALSE(e->clone);
  errno = 0;
  EXPECT_EQ(strdp_unregister_driver("rtdrv"), -1);
  EXPECT_EQ(errno, EBUSY);
  driver_release(e);
  EXPECT_EQ(strdp_unregister_driver("/dev/rtdrv"), 0);
  EXPECT_EQ(strdp_driver_exists("rtdrv"), 0);
  EXPECT_EQ(strdp_unregister_driver("rtdrv"), -1);
  EXPECT_EQ(errno, ENOENT);
}

TEST(Registry, DriverCloneFlag) {
  ASSERT_EQ(strdp_register_driver("clonedrv", &driver_tab, D_MP | CLONE_DEV),
            0);
  DriverEntry *e = driver_hold("clonedrv");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->clone);
  EXPECT_EQ(e->flags, D_MP);  // CLONE_DEV is not a D_ flag: taken out
  driver_release(e);
  EXPECT_EQ(strdp_unregister_driver("clonedrv"), 0);
}

TEST(Registry, DriverNames) {
  std::string longest(31, 'd');
  EXPECT_EQ(strdp_register_driver(longest.c_str(), &driver_tab, 0), 0);
  EXPECT_EQ(strdp_unregister_driver(longest.c_str()), 0);
  std::string too_long(32, 'd');
  for (const char *bad : {"", too_long.c_str(), "a b", "/dev/", "x/y"}) {
    errno = 0;
    EXPECT_EQ(strdp_register_driver(bad, &driver_tab, 0), -1) << bad;
    EXPECT_EQ(errno, EINVAL) << bad;
  }
  EXPECT_EQ(strdp_register_driver(nullptr, &driver_tab, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_register_driver("nost", nullptr, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_unregister_driver(nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST(Registry, ModulesAndDriversAreSeparateNamespaces) {
  fmodsw f = make_fmodsw("both");
  ASSERT_EQ(strdp_register_module(&f), 0);
  ASSERT_EQ(strdp_register_driver("both", &driver_tab, 0), 0);
  EXPECT_EQ(strdp_unregister_module("both"), 0);
  EXPECT_EQ(strdp_driver_exists("both"), 1);
  EXPECT_EQ(strdp_unregister_driver("both"), 0);
}

TEST(Registry, ConcurrentUse) {
  fmodsw shared = make_fmodsw("shared");
  ASSERT_EQ(strdp_register_module(&shared), 0);
  constexpr int kThreads = 4, kRounds = 500;
  std::vector<fmodsw> own;
  for (int t = 0; t < kThreads; ++t)
    own.push_back(make_fmodsw(("own" + std::to_string(t)).c_str()));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        ModuleEntry *e = module_hold("shared");
        if (!e) ++failures;
        if (strdp_register_module(&own[t]) != 0) ++failures;
        if (strdp_unregister_module(own[t].f_name) != 0) ++failures;
        module_release(e);
      }
    });
  }
  for (auto &th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(strdp_unregister_module("shared"), 0);  // every hold released
}

// Runs last in this file: registry_fini() drops every entry.
TEST(Registry, BuiltinsRegisteredBeforeMainComeBackAfterFini) {
  // strdp_runtime_init() (the test harness) ran registry_init().
  EXPECT_EQ(strdp_module_exists("pendmod"), 1);
  EXPECT_EQ(strdp_driver_exists("penddrv"), 1);
  DriverEntry *d = driver_hold("penddrv");
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->clone);
  driver_release(d);

  registry_init();  // a second init is not a conflict
  EXPECT_EQ(strdp_module_exists("pendmod"), 1);

  registry_fini();
  EXPECT_EQ(strdp_module_exists("pendmod"), 0);
  EXPECT_EQ(strdp_driver_exists("penddrv"), 0);
  registry_init();
  EXPECT_EQ(strdp_module_exists("pendmod"), 1);
  EXPECT_EQ(strdp_driver_exists("penddrv"), 1);
}

// A built-in whose constructor runs after registry_init() (a plugin with
// STRDP_MODULE_REGISTER, dlopen()ed later) is registered at once.
TEST(Registry, LateConstructorRegistersAtOnce) {
  static fmodsw late = make_fmodsw("latemod");
  strdp_register_module_at_load_(&late);
  EXPECT_EQ(strdp_module_exists("latemod"), 1);
  EXPECT_EQ(strdp_unregister_module("latemod"), 0);
}

}  // namespace
}  // namespace strdp::test
