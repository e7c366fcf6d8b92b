// Errors in [[port]], [[stream]] and [[autopush]] items: types, ranges,
// names, references, what each driver takes, lanes and their lcores.
#include "config_test_util.h"

namespace strdp::config::test {
namespace {

std::string base(const std::string &tail) { return std::string(kBase) + tail; }

// ------------------------------------------------------------------ ports

TEST(PortErrors, ItemsMustBeTables) {
  EXPECT_TRUE(one_error("[port]\nname = \"p\"\n", 1, "port",
                        {"expected an array of tables ([[port]]), got a table"}));
  EXPECT_TRUE(one_error("port = [1]\n", 1, "port[0]",
                        {"expected a table, got 1"}));
}

TEST(PortErrors, NameAndDevice) {
  EXPECT_TRUE(one_error("[[port]]\ndevice = \"net_null0\"\n", 1, "port[0].name",
                        {"missing: expected a port name"}));
  EXPECT_TRUE(one_error("[[port]]\nname = \"a b\"\ndevice = \"net_null0\"\n", 2,
                        "port[0].name", {"got \"a b\""}));
  EXPECT_TRUE(one_error("[[port]]\nname = \"" + std::string(32, 'p') +
                            "\"\ndevice = \"net_null0\"\n",
                        2, "port[0].name", {"1..31"}));
  EXPECT_TRUE(one_error("[[port]]\nname = \"p\"\ndevice = \"\"\n", 3,
                        "port.p.device", {"expected a DPDK device name"}));
  EXPECT_TRUE(one_error("[[port]]\nname = \"p\"\ndevice = \"" +
                            std::string(64, 'd') + "\"\n",
                        3, "port.p.device", {"1..63 bytes"}));
  EXPECT_TRUE(one_error("[[port]]\nname = \"p\"\nname2 = 1\ndevice = \"d\"\n", 3,
                        "port.p.name2", {"unknown key"}));
}

TEST(PortErrors, QueuesDescriptorsMtu) {
  std::string p = "[[port]]\nname = \"p\"\ndevice = \"d\"\n";  // 1..3
  EXPECT_TRUE(one_error(p + "queues = 0\n", 4, "port.p.queues",
                        {"expected an integer in 1..64, got 0"}));
  EXPECT_TRUE(one_error(p + "queues = 65\n", 4, "port.p.queues", {"got 65"}));
  EXPECT_TRUE(one_error(p + "queues = \"two\"\n", 4, "port.p.queues",
                        {"got \"two\""}));
  for (const char *bad : {"1000", "32", "32768", "0", "-64", "\"1024\""}) {
    EXPECT_TRUE(one_error(p + "rx_desc = " + bad + "\n", 4, "port.p.rx_desc",
                          {"expected a power of two in 64..16384"}))
        << bad;
  }
  EXPECT_TRUE(one_error(p + "tx_desc = 100\n", 4, "port.p.tx_desc",
                        {"power of two", "got 100"}));
  ok(p + "rx_desc = 64\ntx_desc = 16384\n");
  for (const char *bad : {"67", "9601", "-1", "1500.0"}) {
    EXPECT_TRUE(one_error(p + "mtu = " + bad + "\n", 4, "port.p.mtu",
                          {"expected 0 (the port's default) or an integer in "
                           "68..9600"}))
        << bad;
  }
  ok(p + "mtu = 68\n");
  ok(p + "mtu = 9600\n");
  EXPECT_TRUE(one_error(p + "promiscuous = \"on\"\n", 4, "port.p.promiscuous",
                        {"expected true or false"}));
}

TEST(PortErrors, NamesAndDevicesOnce) {
  std::string p = "[[port]]\nname = \"p\"\ndevice = \"d0\"\n";
  EXPECT_TRUE(one_error(p + "[[port]]\nname = \"p\"\ndevice = \"d1\"\n", 5,
                        "port.p.name",
                        {"port \"p\" is defined twice (first at line 1)"}));
  EXPECT_TRUE(one_error(p + "[[port]]\nname = \"q\"\ndevice = \"d0\"\n", 6,
                        "port.q.device",
                        {"device \"d0\" is already port \"p\" (line 1)"}));
}

// ---------------------------------------------------------------- streams

TEST(StreamErrors, NameAndDriver) {
  EXPECT_TRUE(one_error(base("[[stream]]\ndriver = \"echo\"\n"), 9,
                        "stream[0].name", {"missing: expected a stream name"}));
  EXPECT_TRUE(one_error(base("[[stream]]\nname = \"e\"\n"), 9,
                        "stream.e.driver", {"missing: expected a driver name"}));
  EXPECT_TRUE(one_error(base("[[stream]]\nname = \"e\"\ndriver = \"/dev/echo\"\n"),
                        11, "stream.e.driver",
                        {"expected a driver name", "got \"/dev/echo\""}));
  EXPECT_TRUE(one_error(base("[[stream]]\nname = \"e\"\ndriver = \"echo\"\n"
                             "[[stream]]\nname = \"e\"\ndriver = \"loop\"\n"),
                        13, "stream.e.name",
                        {"stream \"e\" is defined twice (first at line 9)"}));
  EXPECT_TRUE(one_error(base("[[stream]]\nname = \"e\"\ndriver = \"echo\"\n"
                             "lanez = 1\n"),
                        12, "stream.e.lanez", {"did you mean \"lanes\"?"}));
}

TEST(StreamErrors, PmdNeedsAnExistingPort) {
  EXPECT_TRUE(one_error(base("[[stream]]\nname = \"s\"\ndriver = \"pmd\"\n"), 9,
                        "stream.s.port",
                        {"missing", "needs the name of a [[port]] (net0)"}));
  EXPECT_TRUE(one_error(base("[[stream]]\nname = \"s\"\ndriver = \"pmd\"\n"
                             "port = \"net1\"\n"),
                        12, "stream.s.port",
                        {"no [[port]] named \"net1\" (ports: net0)"}));
  EXPECT_TRUE(one_error("[lcores]\nworkers = \"1\"\n[[stream]]\nname = \"s\"\n"
                        "driver = \"pmd\"\nport = \"p\"\n",
                        6, "stream.s.port", {"(ports: none defined)"}));
  EXPECT_TRUE(one_error(base("[[stream]]\nname = \"s\"\ndriver = \"pmd\"\n"
                             "port = 0\n"),
                        12, "stream.s.port", {"expected a port name, got 0"}));
}

TEST(StreamErrors, OtherDriversTakeNoPortModeOrSap) {
  std::string s = base("[[stream]]\nname = \"x\"\ndriver = \"xconn\"\n");  // 9-11
  EXPECT_TRUE(one_error(s + "port = \"net0\"\n", 12, "stream.x.port",
                        {"only a stream of driver \"pmd\" takes a port",
                         "\"xconn\""}));
  EXPECT_TRUE(one_error(s + "mode = \"raw\"\n", 12, "stream.x.mode",
                        {"takes a mode"}));
  EXPECT_TRUE(one_error(s + "sap = 0x800\n", 12, "stream.x.sap",
                        {"takes a sap"}));
}

TEST(StreamErrors, ModeAndSap) {
  std::string s = base("[[stream]]\nname = \"s\"\ndriver = \"pmd\"\n"
                       "port = \"net0\"\n");  // 9-12
  EXPECT_TRUE(one_error(s + "mode = \"cooked\"\n", 13, "stream.s.mode",
                        {"expected \"raw\" or \"dlpi\", got \"cooked\""}));
  EXPECT_TRUE(one_error(s + "mode = \"dlpi\"\n", 13, "stream.s.sap",
                        {"missing: mode \"dlpi\" needs the ethertype"}));
  EXPECT_TRUE(one_error(s + "sap = 0x800\n", 13, "stream.s.sap",
                        {"expected no sap in mode \"raw\""}));
  EXPECT_TRUE(one_error(s + "mode = \"raw\"\nsap = 0x800\n", 14, "stream.s.sap",
                        {"expected no sap in mode \"raw\""}));
  std::string d = s + "mode = \"dlpi\"\n";  // 13
  EXPECT_TRUE(one_error(d + "sap = 0x5dc\n", 14, "stream.s.sap",
                        {"expected an ethertype in 0x600..0xffff",
                         "got 0x5dc (1500)"}));
  EXPECT_TRUE(one_error(d + "sap = 0x10000\n", 14, "stream.s.sap",
                        {"got 0x10000 (65536)"}));
  EXPECT_TRUE(one_error(d + "sap = -1\n", 14, "stream.s.sap", {"got -1"}));
  EXPECT_TRUE(one_error(d + "sap = \"ip\"\n", 14, "stream.s.sap",
                        {"got \"ip\""}));
  EXPECT_EQ(ok(d + "sap = 0x600\n").stream("s")->sap, 0x600u);
  EXPECT_EQ(ok(d + "sap = 0xffff\n").stream("s")->sap, 0xffffu);
}

TEST(StreamErrors, LanesRangeAndPortQueues) {
  std::string s = base("[[stream]]\nname = \"s\"\ndriver = \"pmd\"\n"
                       "port = \"net0\"\n");  // 9-12
  EXPECT_TRUE(one_error(s + "lanes = 0\n", 13, "stream.s.lanes",
                        {"expected an integer in 1..64, got 0"}));
  EXPECT_TRUE(one_error(s + "lanes = 65\n", 13, "stream.s.lanes", {"got 65"}));
  EXPECT_TRUE(one_error(s + "lanes = 3\n", 13, "stream.s.lanes",
                        {"expected at most 2 (the queues of port \"net0\"), "
                         "got 3"}));
  EXPECT_EQ(ok(s + "lanes = 1\n").stream("s")->lanes, 1u);
}

TEST(StreamErrors, GivenLcoresMustMatchTheLanesAndBeWorkers) {
  std::string s = base("[[stream]]\nname = \"s\"\ndriver = \"pmd\"\n"
                       "port = \"net0\"\n");  // 9-12; 2 lanes by default
  EXPECT_TRUE(one_error(s + "lcores = \"1\"\n", 13, "stream.s.lcores",
                        {"expected 2 lcore(s), one per lane, got 1 (1)"}));
  EXPECT_TRUE(one_error(s + "lanes = 1\nlcores = \"1-2\"\n", 14,
                        "stream.s.lcores", {"expected 1 lcore(s)", "got 2"}));
  EXPECT_TRUE(one_error(s + "lcores = \"1,3\"\n", 13, "stream.s.lcores",
                        {"lcore 3 is not a worker ([lcores] workers = \"1-2\")"}));
  EXPECT_TRUE(one_error(s + "lcores = \"0-1\"\n", 13, "stream.s.lcores",
                        {"lcore 0 is not a worker"}));
  EXPECT_TRUE(one_error(s + "lcores = \"2,2\"\n", 13, "stream.s.lcores",
                        {"expected an lcore list like \"1-2\"", "listed twice"}));
  EXPECT_TRUE(one_error(s + "lcores = [1, 2]\n", 13, "stream.s.lcores",
                        {"expected an lcore list like \"1-2\", got an array"}));
}

TEST(StreamErrors, AssignedLanesNeedEnoughWorkers) {
  std::string s = "[lcores]\nworkers = \"1\"\n[[port]]\nname = \"p\"\n"
                  "device = \"d\"\nqueues = 2\n"                        // 1-6
                  "[[stream]]\nname = \"s\"\ndriver = \"pmd\"\nport = \"p\"\n";  // 7-10
  EXPECT_TRUE(one_error(s, 7, "stream.s",
                        {"2 lanes need 2 distinct worker lcores, [lcores] "
                         "workers has 1 (\"1\")"}));
  EXPECT_TRUE(one_error(s + "lanes = 2\n", 11, "stream.s.lanes",
                        {"2 lanes need 2"}));
}

TEST(StreamErrors, Modules) {
  std::string s = base("[[stream]]\nname = \"e\"\ndriver = \"echo\"\n");  // 9-11
  EXPECT_TRUE(one_error(s + "modules = \"passmod\"\n", 12, "stream.e.modules",
                        {"expected an array of modules, got \"passmod\""}));
  EXPECT_TRUE(one_error(s + "modules = [\"passmod\", 3]\n", 12,
                        "stream.e.modules[1]",
                        {"expected a module name or a table {name = \"...\", "
                         "args = \"...\"}, got 3"}));
  EXPECT_TRUE(one_error(s + "modules = [\"toolongname\"]\n", 12,
                        "stream.e.modules[0]",
                        {"expected a module name (1..8", "got \"toolongname\""}));
  EXPECT_TRUE(one_error(s + "modules = [\n  {name = \"passmod\", arg = \"x\"}]\n",
                        13, "stream.e.modules[0].arg",
                        {"unknown key", "did you mean \"args\"?"}));
  EXPECT_TRUE(one_error(s + "modules = [{args = \"x\"}]\n", 12,
                        "stream.e.modules[0].name",
                        {"missing: expected a module name"}));
  EXPECT_TRUE(one_error(s + "modules = [{name = \"m\", args = 5}]\n", 12,
                        "stream.e.modules[0].args",
                        {"expected a string of key=value arguments, got 5"}));
  EXPECT_TRUE(one_error(s + "modules = [{name = \"bad name\"}]\n", 12,
                        "stream.e.modules[0].name", {"got \"bad name\""}));
}

TEST(StreamErrors, NoMoreModulesThanNstrpush) {
  std::string s = "[runtime]\nnstrpush = 2\n" + base(
      "[[stream]]\nname = \"e\"\ndriver = \"echo\"\n"
      "modules = [\"a\", \"b\", \"c\"]\n");  // 14
  EXPECT_TRUE(one_error(s, 14, "stream.e.modules",
                        {"3 modules, more than runtime.nstrpush (2)"}));
}

// --------------------------------------------------------------- autopush

TEST(AutopushErrors, DriverMinorsModules) {
  std::string a = "[[autopush]]\n";  // 1
  EXPECT_TRUE(one_error(a + "modules = [\"m\"]\n", 1, "autopush[0].driver",
                        {"missing: expected a driver name"}));
  EXPECT_TRUE(one_error(a + "driver = \"\"\nmodules = [\"m\"]\n", 2,
                        "autopush[0].driver", {"got \"\""}));
  EXPECT_TRUE(one_error(a + "driver = \"d\"\n", 1, "autopush[0].modules",
                        {"missing: expected an array of 1..8 module names"}));
  std::string d = a + "driver = \"d\"\nmodules = [\"m\"]\n";  // 2, 3
  EXPECT_TRUE(one_error(d + "minor = -2\n", 4, "autopush[0].minor",
                        {"expected an integer in -1..2147483647, got -2"}));
  EXPECT_TRUE(one_error(d + "minor = 5\nlastminor = 4\n", 5,
                        "autopush[0].lastminor",
                        {"expected -1 or a minor >= minor 5, got 4"}));
  EXPECT_TRUE(one_error(d + "lastminor = 4\n", 4, "autopush[0].lastminor",
                        {"minor -1 already means every minor"}));
  EXPECT_TRUE(one_error(d + "lastminor = -2\n", 4, "autopush[0].lastminor",
                        {"got -2"}));
  ok(d + "minor = 5\nlastminor = 5\n");
  ok(d + "minor = 5\nlastminor = -1\n");
  EXPECT_TRUE(one_error(d + "anchor = 1\n", 4, "autopush[0].anchor",
                        {"expected true or false"}));
}

TEST(AutopushErrors, OneToMaxapushModules) {
  std::string d = "[[autopush]]\ndriver = \"d\"\n";  // 1, 2
  EXPECT_TRUE(one_error(d + "modules = []\n", 3, "autopush[0].modules",
                        {"expected 1..8 modules (MAXAPUSH), got 0"}));
  EXPECT_TRUE(one_error(d + "modules = [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\","
                            "\"h\",\"i\"]\n",
                        3, "autopush[0].modules", {"got 9"}));
  ok(d + "modules = [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\"]\n");
  EXPECT_TRUE(one_error(d + "modules = [\"a\",\n  \"b c\"]\n", 4,
                        "autopush[0].modules[1]", {"got \"b c\""}));
  EXPECT_TRUE(one_error(d + "modules = [\"a\", {name = \"b\"}]\n", 3,
                        "autopush[0].modules[1]",
                        {"expected a string, got a table"}));
}

TEST(AutopushErrors, OverlappingRulesForOneDriver) {
  std::string r1 = "[[autopush]]\ndriver = \"d\"\nminor = 2\nlastminor = 5\n"
                   "modules = [\"m\"]\n";  // 1-5
  auto rule = [](const char *drv, const char *minors) {
    return std::string("[[autopush]]\ndriver = \"") + drv + "\"\n" + minors +
           "modules = [\"m\"]\n";
  };
  // 6 [[autopush]], 7 driver, 8 minor...
  EXPECT_TRUE(one_error(r1 + rule("d", "minor = 5\n"), 8, "autopush[1].minor",
                        {"minors overlap those of autopush[0] (line 1) for "
                         "driver \"d\""}));
  EXPECT_TRUE(one_error(r1 + rule("d", "minor = 0\nlastminor = 2\n"), 8,
                        "autopush[1].minor", {"overlap"}));
  // minor -1 (every minor) overlaps any rule; reported at the table then.
  EXPECT_TRUE(one_error(r1 + rule("d", ""), 6, "autopush[1].minor",
                        {"overlap"}));
  ok(r1 + rule("d", "minor = 6\nlastminor = 9\n"));
  ok(r1 + rule("d", "minor = 1\n"));
  ok(r1 + rule("e", ""));
}

}  // namespace
}  // namespace strdp::config::test
