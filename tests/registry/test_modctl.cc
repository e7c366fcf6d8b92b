// Module linkage: mod_install/mod_remove/mod_info with modlstrmod,
// modldrv (attach, minor nodes, detach) and modlmisc, as a plugin's
// _init/_fini/_info call them.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "fixtures.h"
#include "runtime/plugin.h"
#include "stream/registry.h"

namespace strdp::test {
namespace {

// ---------------------------------------------------------------- modules

fmodsw mc_fsw = make_fmodsw("mcmod");
char mc_info[] = "a test module";
modlstrmod mc_strmod = {&mod_strmodops, mc_info, &mc_fsw};
modlinkage mc_linkage = {MODREV_1, {&mc_strmod, nullptr}};

TEST(ModInstall, StreamsModule) {
  ASSERT_EQ(mod_install(&mc_linkage), 0);
  EXPECT_EQ(strdp_module_exists("mcmod"), 1);
  EXPECT_EQ(mod_install(&mc_linkage), EEXIST);

  modinfo mi;
  ASSERT_EQ(mod_info(&mc_linkage, &mi), 1);
  EXPECT_STREQ(mi.mi_name, "mcmod");
  EXPECT_STREQ(mi.mi_msinfo, "a test module");
  EXPECT_EQ(mi.mi_info, 3);  // loaded and installed
  EXPECT_EQ(mi.mi_id, 0);    // not from a plugin

  ModuleEntry *e = module_hold("mcmod");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(mod_remove(&mc_linkage), EBUSY);
  EXPECT_EQ(strdp_module_exists("mcmod"), 1);
  module_release(e);

  EXPECT_EQ(mod_remove(&mc_linkage), 0);
  EXPECT_EQ(strdp_module_exists("mcmod"), 0);
  EXPECT_EQ(mod_remove(&mc_linkage), EINVAL);  // not installed
  ASSERT_EQ(mod_info(&mc_linkage, &mi), 1);
  EXPECT_EQ(mi.mi_info, 1);  // loaded only
}

TEST(ModInstall, ReturnsErrnoValuesNotMinusOne) {
  EXPECT_EQ(mod_install(nullptr), EINVAL);
  modlinkage wrong_rev = {2, {&mc_strmod, nullptr}};
  EXPECT_EQ(mod_install(&wrong_rev), EINVAL);
  modlinkage empty = {MODREV_1, {nullptr}};
  EXPECT_EQ(mod_install(&empty), EINVAL);
  mod_ops stranger = {99};
  modlmisc odd = {&stranger, mc_info};
  modlinkage unknown = {MODREV_1, {&odd, nullptr}};
  EXPECT_EQ(mod_install(&unknown), EINVAL);
  modlstrmod nofsw = {&mod_strmodops, mc_info, nullptr};
  modlinkage bad = {MODREV_1, {&nofsw, nullptr}};
  EXPECT_EQ(mod_install(&bad), EINVAL);
  EXPECT_EQ(mod_remove(nullptr), EINVAL);
  modinfo mi;
  EXPECT_EQ(mod_info(nullptr, &mi), 0);
}

TEST(ModInstall, AllOrNothing) {
  fmodsw taken = make_fmodsw("taken");
  ASSERT_EQ(strdp_register_module(&taken), 0);

  fmodsw first = make_fmodsw("first");
  fmodsw second = make_fmodsw("taken");
  modlstrmod l1 = {&mod_strmodops, mc_info, &first};
  modlstrmod l2 = {&mod_strmodops, mc_info, &second};
  modlinkage ml = {MODREV_1, {&l1, &l2, nullptr}};
  EXPECT_EQ(mod_install(&ml), EEXIST);
  EXPECT_EQ(strdp_module_exists("first"), 0);  // undone
  EXPECT_EQ(strdp_unregister_module("taken"), 0);

  // Now both go in, and both come out.
  ASSERT_EQ(mod_install(&ml), 0);
  EXPECT_EQ(strdp_module_exists("first"), 1);
  EXPECT_EQ(strdp_module_exists("taken"), 1);
  ASSERT_EQ(mod_remove(&ml), 0);
  EXPECT_EQ(strdp_module_exists("first"), 0);
  EXPECT_EQ(strdp_module_exists("taken"), 0);
}

TEST(ModInstall, MiscLinkageIsAccepted) {
  modlmisc misc = {&mod_miscops, mc_info};
  modlinkage ml = {MODREV_1, {&misc, nullptr}};
  ASSERT_EQ(mod_install(&ml), 0);
  modinfo mi;
  ASSERT_EQ(mod_info(&ml, &mi), 1);
  EXPECT_STREQ(mi.mi_msinfo, "a test module");
  EXPECT_EQ(mod_remove(&ml), 0);
}

// ---------------------------------------------------------------- drivers

struct AttachLog {
  int attaches = 0;
  int detaches = 0;
  int last_attach_cmd = -1;
  int last_detach_cmd = -1;
  bool fail_attach = false;
  bool fail_detach = false;
  dev_info_t *dip = nullptr;
};
AttachLog alog;

int t_attach(dev_info_t *dip, ddi_attach_cmd_t cmd) {
  ++alog.attaches;
  alog.last_attach_cmd = cmd;
  alog.dip = dip;
  EXPECT_EQ(ddi_get_instance(dip), 0);
  // Named after the driver itself: turns the driver's own entry into a
  // clone device. And one more node, with its own minor number.
  if (ddi_create_minor_node(dip, "mcdrv", S_IFCHR, 0, DDI_PSEUDO,
                            CLONE_DEV) != DDI_SUCCESS)
    return DDI_FAILURE;
  if (ddi_create_minor_node(dip, "mcnode", S_IFCHR, 5, DDI_PSEUDO, 0) !=
      DDI_SUCCESS)
    return DDI_FAILURE;
  ddi_report_dev(dip);
  return alog.fail_attach ? DDI_FAILURE : DDI_SUCCESS;
}

int t_detach(dev_info_t *dip, ddi_detach_cmd_t cmd) {
  ++alog.detaches;
  alog.last_detach_cmd = cmd;
  if (alog.fail_detach) return DDI_FAILURE;
  ddi_remove_minor_node(dip, nullptr);
  return DDI_SUCCESS;
}

cb_ops mc_cb = {nodev, nodev, nodev, nodev, nodev, nodev, nodev, nodev,
                nodev, nodev, nodev, nodev, nodev, &driver_tab, D_MP,
                CB_REV, nodev, nodev};
dev_ops mc_devops = {DEVO_REV, 0, nullptr, nullptr, nullptr, t_attach,
                     t_detach, nullptr, &mc_cb, nullptr, nullptr,
                     ddi_quiesce_not_needed};
char drv_info[] = "a test driver";
modldrv mc_drv = {&mod_driverops, drv_info, &mc_devops};
modlinkage drv_linkage = {MODREV_1, {&mc_drv, nullptr}};

class ModDriver : public ::testing::Test {
 protected:
  void SetUp() override {
    alog = AttachLog{};
    load_.name = "mcdrv";
    load_.id = 77;
  }
  PluginLoad load_;
};

TEST_F(ModDriver, OutsideAPluginIsRefused) {
  EXPECT_EQ(mod_install(&drv_linkage), EINVAL);
  EXPECT_EQ(alog.attaches, 0);
  EXPECT_EQ(strdp_driver_exists("mcdrv"), 0);
}

TEST_F(ModDriver, InstallAttachesAndNamesMinorNodes) {
  {
    PluginLoadScope scope(&load_);
    ASSERT_EQ(mod_install(&drv_linkage), 0);
  }
  EXPECT_EQ(load_.installs, 1u);
  EXPECT_EQ(alog.attaches, 1);
  EXPECT_EQ(alog.last_attach_cmd, DDI_ATTACH);

  DriverEntry *own = driver_hold("mcdrv");
  ASSERT_NE(own, nullptr);
  EXPECT_TRUE(own->clone);
  EXPECT_EQ(own->st, &driver_tab);
  EXPECT_EQ(own->flags, D_MP);
  DriverEntry *node = driver_hold("/dev/mcnode");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->minor, 5u);
  EXPECT_FALSE(node->clone);
  EXPECT_EQ(node->st, &driver_tab);

  modinfo mi;
  ASSERT_EQ(mod_info(&drv_linkage, &mi), 1);
  EXPECT_STREQ(mi.mi_name, "mcdrv");
  EXPECT_STREQ(mi.mi_msinfo, "a test driver");
  EXPECT_EQ(mi.mi_id, 77);

  // A minor node in use keeps the whole driver.
  driver_release(own);
  EXPECT_EQ(mod_remove(&drv_linkage), EBUSY);
  EXPECT_EQ(alog.detaches, 0);
  driver_release(node);

  alog.fail_detach = true;  // detach(9E) says no: nothing changes
  EXPECT_EQ(mod_remove(&drv_linkage), EBUSY);
  EXPECT_EQ(alog.detaches, 1);
  EXPECT_EQ(strdp_driver_exists("mcnode"), 1);
  EXPECT_EQ(strdp_driver_exists("mcdrv"), 1);

  alog.fail_detach = false;
  ASSERT_EQ(mod_remove(&drv_linkage), 0);
  EXPECT_EQ(alog.detaches, 2);
  EXPECT_EQ(alog.last_detach_cmd, DDI_DETACH);
  EXPECT_EQ(strdp_driver_exists("mcnode"), 0);
  EXPECT_EQ(strdp_driver_exists("mcdrv"), 0);
}

TEST_F(ModDriver, FailedAttachLeavesNothing) {
  alog.fail_attach = true;
  PluginLoadScope scope(&load_);
  EXPECT_EQ(mod_install(&drv_linkage), ENXIO);
  EXPECT_EQ(load_.installs, 0u);
  EXPECT_EQ(strdp_driver_exists("mcdrv"), 0);
  EXPECT_EQ(strdp_driver_exists("mcnode"), 0);  // made before it failed
}

TEST_F(ModDriver, NameTakenIsEEXIST) {
  ASSERT_EQ(strdp_register_driver("mcdrv", &driver_tab, 0), 0);
  {
    PluginLoadScope scope(&load_);
    EXPECT_EQ(mod_install(&drv_linkage), EEXIST);
  }
  EXPECT_EQ(alog.attaches, 0);
  EXPECT_EQ(strdp_unregister_driver("mcdrv"), 0);

  // A minor node whose name is taken fails attach, hence the install.
  ASSERT_EQ(strdp_register_driver("mcnode", &driver_tab, 0), 0);
  {
    PluginLoadScope scope(&load_);
    EXPECT_EQ(mod_install(&drv_linkage), ENXIO);
  }
  EXPECT_EQ(strdp_driver_exists("mcdrv"), 0);
  EXPECT_EQ(strdp_unregister_driver("mcnode"), 0);
}

TEST_F(ModDriver, NodevDetachMeansNeverUnload) {
  dev_ops ops = mc_devops;
  ops.devo_attach = nullptr;
  ops.devo_detach = reinterpret_cast<int (*)(dev_info_t *, ddi_detach_cmd_t)>(
      reinterpret_cast<void (*)()>(nodev));
  modldrv drv = {&mod_driverops, drv_info, &ops};
  modlinkage ml = {MODREV_1, {&drv, nullptr}};
  {
    PluginLoadScope scope(&load_);
    ASSERT_EQ(mod_install(&ml), 0);
  }
  EXPECT_EQ(strdp_driver_exists("mcdrv"), 1);
  EXPECT_EQ(mod_remove(&ml), EBUSY);
  EXPECT_EQ(strdp_driver_exists("mcdrv"), 1);
  ops.devo_detach = nullptr;  // a driver without detach(9E) may go
  EXPECT_EQ(mod_remove(&ml), 0);
  EXPECT_EQ(strdp_driver_exists("mcdrv"), 0);
}

TEST(Ddi, MinorNodeArguments) {
  PluginLoad load;
  load.name = "argdrv";
  static dev_info_t *seen;
  static int results[4];
  dev_ops ops = mc_devops;
  ops.devo_attach = [](dev_info_t *dip, ddi_attach_cmd_t) {
    seen = dip;
    results[0] = ddi_create_minor_node(dip, "blk", 0060000 /* S_IFBLK */, 0,
                                       DDI_PSEUDO, 0);
    results[1] = ddi_create_minor_node(dip, nullptr, S_IFCHR, 0, DDI_PSEUDO,
                                       0);
    results[2] = ddi_create_minor_node(dip, "bad name", S_IFCHR, 0,
                                       DDI_PSEUDO, 0);
    results[3] = ddi_create_minor_node(nullptr, "x", S_IFCHR, 0, DDI_PSEUDO,
                                       0);
    return DDI_SUCCESS;
  };
  ops.devo_detach = nullptr;
  modldrv drv = {&mod_driverops, drv_info, &ops};
  modlinkage ml = {MODREV_1, {&drv, nullptr}};
  {
    PluginLoadScope scope(&load);
    ASSERT_EQ(mod_install(&ml), 0);
  }
  for (int r : results) EXPECT_EQ(r, DDI_FAILURE);
  EXPECT_EQ(strdp_driver_exists("blk"), 0);
  EXPECT_EQ(ddi_get_instance(seen), 0);
  EXPECT_EQ(ddi_get_instance(nullptr), -1);
  ddi_remove_minor_node(seen, "not-there");  // no-op
  EXPECT_EQ(ddi_quiesce_not_needed(seen), DDI_SUCCESS);
  EXPECT_EQ(ddi_quiesce_not_supported(seen), DDI_FAILURE);
  EXPECT_EQ(mod_remove(&ml), 0);
  EXPECT_EQ(strdp_driver_exists("argdrv"), 0);
}

// ------------------------------------------------------------ plugin names

TEST(PluginName, FromPath) {
  EXPECT_EQ(plugin_name_from_path("/usr/lib/strdp/libfoo.so"), "foo");
  EXPECT_EQ(plugin_name_from_path("libfoo.so.1.2"), "foo");
  EXPECT_EQ(plugin_name_from_path("bar.so"), "bar");
  EXPECT_EQ(plugin_name_from_path("./x/baz"), "baz");
  EXPECT_EQ(plugin_name_from_path("my.sorter.so"), "my.sorter");
  EXPECT_EQ(plugin_name_from_path("lib.so"), "");
  EXPECT_EQ(plugin_name_from_path("/dir/"), "");
  EXPECT_EQ(plugin_name_from_path(nullptr), "");
}

}  // namespace
}  // namespace strdp::test
