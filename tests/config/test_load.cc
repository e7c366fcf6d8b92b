// Loading valid configurations: the shipped files, defaults, lane and
// lcore assignment, value forms; and files that cannot be read or parsed.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config_test_util.h"

namespace strdp::config::test {
namespace {

namespace fs = std::filesystem;
using V = std::vector<unsigned>;

// Every file in config/ and config/examples/ loads with no error.
TEST(Load, EveryShippedConfigLoadsCleanly) {
  int files = 0;
  for (const char *dir : {"/config", "/config/examples"}) {
    for (const auto &e : fs::directory_iterator(std::string(STRDP_SOURCE_DIR) + dir)) {
      if (e.path().extension() != ".toml") continue;
      ++files;
      LoadResult r = load(e.path().string());
      EXPECT_TRUE(r.errors.empty()) << e.path() << ":\n" << dump(r.errors);
      EXPECT_TRUE(r.config.has_value()) << e.path();
    }
  }
  EXPECT_GE(files, 3);  // default, lanes, sniffer at least
}

TEST(Load, DefaultConfigIsTheNullPortCrossConnect) {
  LoadResult r = load(std::string(STRDP_SOURCE_DIR) + "/config/default.toml");
  ASSERT_TRUE(r.config) << dump(r.errors);
  const Config &c = *r.config;
  auto has = [&](const char *arg) {
    return std::find(c.eal_args.begin(), c.eal_args.end(), arg) != c.eal_args.end();
  };
  EXPECT_TRUE(has("--no-huge"));
  EXPECT_TRUE(has("--no-pci"));
  EXPECT_TRUE(has("--vdev=net_null0"));
  EXPECT_TRUE(has("--vdev=net_null1"));
  EXPECT_EQ(c.workers, (V{1}));
  ASSERT_EQ(c.ports.size(), 2u);
  EXPECT_EQ(c.ports[0].name, "net0");
  EXPECT_EQ(c.ports[0].device, "net_null0");
  EXPECT_EQ(c.ports[1].device, "net_null1");
  ASSERT_NE(c.stream("s0"), nullptr);
  ASSERT_NE(c.stream("s1"), nullptr);
  ASSERT_NE(c.stream("x0"), nullptr);
  EXPECT_EQ(c.stream("s0")->driver, "pmd");
  EXPECT_EQ(c.stream("s0")->port, "net0");
  EXPECT_EQ(c.stream("s1")->port, "net1");
  EXPECT_EQ(c.stream("x0")->driver, "xconn");
  ASSERT_EQ(c.stream("s0")->modules.size(), 1u);
  EXPECT_EQ(c.stream("s0")->modules[0].name, "passmod");
  EXPECT_EQ(c.stream("s0")->lcores, (V{1}));
  ASSERT_EQ(c.links.size(), 2u);
  EXPECT_EQ(c.links[0].mux, "x0");
  EXPECT_EQ(c.links[0].lower, "s0");
  EXPECT_EQ(c.links[1].lower, "s1");
  EXPECT_EQ(c.control.socket.rfind("/run/strdp/", 0), 0u);
}

TEST(Load, EmptyFileIsValidWithNothingToRun) {
  Config c = ok("");
  EXPECT_TRUE(c.streams.empty());
  EXPECT_TRUE(c.ports.empty());
  EXPECT_TRUE(c.eal_args.empty());
  EXPECT_TRUE(c.workers.empty());
  // Defaults, in one place (config.h).
  EXPECT_EQ(c.runtime.nb_mbufs, 16383u);
  EXPECT_EQ(c.runtime.mbuf_cache, 256u);
  EXPECT_EQ(c.runtime.nstrpush, 9u);
  EXPECT_EQ(c.control.socket, "/run/strdp/streamsd.sock");
  EXPECT_EQ(c.control.mode, 0660u);
  EXPECT_TRUE(c.control.group.empty());
  EXPECT_TRUE(c.telemetry);
  EXPECT_EQ(c.file, kFile);
  ok("# only a comment\n\n   \n");
}

TEST(Load, ValuesAndDefaultsOfEveryItem) {
  Config c = ok(std::string(kBase) +
                "rx_desc = 512\ntx_desc = 4096\nmtu = 9000\npromiscuous = true\n"
                "[[port]]\nname = \"net1\"\ndevice = \"0000:01:00.0\"\n"
                "[[stream]]\nname = \"s0\"\ndriver = \"pmd\"\nport = \"net0\"\n"
                "mode = \"dlpi\"\nsap = 0x0800\n"
                "[[stream]]\nname = \"e0\"\ndriver = \"echo\"\n"
                "[[autopush]]\ndriver = \"echo\"\nminor = 0\nlastminor = 3\n"
                "modules = [\"passmod\", \"nullmod\"]\nanchor = true\n");
  ASSERT_EQ(c.ports.size(), 2u);
  const PortSpec &p0 = c.ports[0], &p1 = c.ports[1];
  EXPECT_EQ(p0.queues, 2);
  EXPECT_EQ(p0.rx_desc, 512);
  EXPECT_EQ(p0.tx_desc, 4096);
  EXPECT_EQ(p0.mtu, 9000);
  EXPECT_TRUE(p0.promiscuous);
  EXPECT_EQ(p0.at.line, 5);
  EXPECT_EQ(p0.at.key, "port.net0");
  EXPECT_EQ(p1.queues, 1);
  EXPECT_EQ(p1.rx_desc, 1024);
  EXPECT_EQ(p1.tx_desc, 1024);
  EXPECT_EQ(p1.mtu, 0);
  EXPECT_FALSE(p1.promiscuous);
  const StreamSpec *s0 = c.stream("s0");
  ASSERT_NE(s0, nullptr);
  EXPECT_EQ(s0->mode, DlpiMode::kDlpi);
  EXPECT_EQ(s0->sap, 0x0800u);
  EXPECT_EQ(s0->lanes, 2u);              // the port's queues
  EXPECT_EQ(s0->lcores, (V{1, 2}));      // round-robin over the workers
  EXPECT_EQ(s0->at.line, 16);
  EXPECT_EQ(s0->lcores_at.line, 16);     // assigned: the stream's table
  const StreamSpec *e0 = c.stream("e0");
  ASSERT_NE(e0, nullptr);
  EXPECT_EQ(e0->lanes, 1u);              // not pmd: one lane
  EXPECT_EQ(e0->lcores, (V{1}));
  EXPECT_EQ(e0->mode, DlpiMode::kRaw);
  EXPECT_FALSE(e0->sap);
  ASSERT_EQ(c.autopush.size(), 1u);
  EXPECT_EQ(c.autopush[0].driver, "echo");
  EXPECT_EQ(c.autopush[0].minor, 0);
  EXPECT_EQ(c.autopush[0].lastminor, 3);
  EXPECT_EQ(c.autopush[0].modules, (std::vector<std::string>{"passmod", "nullmod"}));
  EXPECT_TRUE(c.autopush[0].anchor);
  EXPECT_EQ(c.autopush[0].at.key, "autopush[0]");
  EXPECT_EQ(c.where("stream.s0.sap").line, 21);
  EXPECT_EQ(c.where("stream.s0.nothing", 7).line, 7);
}

TEST(Load, ModulesAsNamesOrTablesWithArguments) {
  Config c = ok(std::string(kBase) +
                "[[stream]]\n"                                        // 9
                "name = \"s0\"\ndriver = \"loop\"\n"                   // 10, 11
                "modules = [\"passmod\",\n"                           // 12
                "  {name = \"sniffer\", args = \"file=/tmp/x.pcapng filter='udp'\"},\n"
                "  {name = \"nullmod\"}]\n");                         // 14
  const StreamSpec *s = c.stream("s0");
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->modules.size(), 3u);
  EXPECT_EQ(s->modules[0].name, "passmod");
  EXPECT_EQ(s->modules[0].args, "");
  EXPECT_EQ(s->modules[0].at.line, 12);
  EXPECT_EQ(s->modules[0].at.key, "stream.s0.modules[0]");
  EXPECT_EQ(s->modules[1].name, "sniffer");
  EXPECT_EQ(s->modules[1].args, "file=/tmp/x.pcapng filter='udp'");
  EXPECT_EQ(s->modules[1].at.line, 13);
  EXPECT_EQ(s->modules[1].at.key, "stream.s0.modules[1].name");
  EXPECT_EQ(s->modules[2].at.line, 14);
}

TEST(Load, LanesAndLcoresGivenExplicitly) {
  Config c = ok(std::string(kBase) +
                "[[stream]]\nname = \"s0\"\ndriver = \"pmd\"\nport = \"net0\"\n"
                "lanes = 2\nlcores = \"2,1\"\n"   // order kept: lane 0 on 2
                "[[stream]]\nname = \"s1\"\ndriver = \"pmd\"\nport = \"net0\"\n"
                "lanes = 1\nlcores = \"2\"\n");
  EXPECT_EQ(c.stream("s0")->lcores, (V{2, 1}));
  EXPECT_EQ(c.stream("s0")->lcores_at.key, "stream.s0.lcores");
  EXPECT_EQ(c.stream("s0")->lcores_at.line, 14);
  EXPECT_EQ(c.stream("s1")->lanes, 1u);
  EXPECT_EQ(c.stream("s1")->lcores, (V{2}));
}

TEST(Load, WorkersDefaultToTheEalLcoresButTheMain) {
  Config c = ok("[eal]\nargs = [\"-l\", \"0-3\", \"--main-lcore\", \"1\"]\n"
                "[[stream]]\nname = \"e0\"\ndriver = \"echo\"\n");
  EXPECT_EQ(c.workers, (V{0, 2, 3}));
  EXPECT_EQ(c.workers_at.key, "eal.args");
  EXPECT_EQ(c.stream("e0")->lcores, (V{0}));
}

TEST(Load, NoStreamsNeedNoWorkers) {
  Config c = ok("[eal]\nargs = [\"--no-huge\"]\n[[port]]\nname = \"p\"\n"
                "device = \"net_null0\"\n");
  EXPECT_TRUE(c.workers.empty());
}

TEST(Load, ControlSectionForms) {
  Config c = ok("telemetry = false\n[control]\nsocket = \"/tmp/s.sock\"\n"
                "mode = \"0640\"\ngroup = \"root\"\n");
  EXPECT_EQ(c.control.socket, "/tmp/s.sock");
  EXPECT_EQ(c.control.mode, 0640u);
  EXPECT_EQ(c.control.group, "root");
  EXPECT_FALSE(c.telemetry);
  EXPECT_EQ(ok("[control]\nmode = 0o600\n").control.mode, 0600u);
  EXPECT_EQ(ok("[control]\nmode = \"777\"\n").control.mode, 0777u);
  EXPECT_EQ(ok("[control]\nmode = 0\n").control.mode, 0u);
}

TEST(Load, RuntimeSection) {
  Config c = ok("[runtime]\nnb_mbufs = 4095\nmbuf_cache = 128\nnstrpush = 16\n");
  EXPECT_EQ(c.runtime.nb_mbufs, 4095u);
  EXPECT_EQ(c.runtime.mbuf_cache, 128u);
  EXPECT_EQ(c.runtime.nstrpush, 16u);
}

// A temporary folder, removed with what is in it.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/strdp-config-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string &name, const std::string &text) {
    std::string p = path + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
};

TEST(Load, PluginPathsAreRelativeToTheFile) {
  TempDir d;
  d.write("a.so", "not really a plugin; load() only checks it is there");
  std::string abs = d.write("b.so", "");
  std::string file = d.write("c.toml", "plugins = [\"a.so\", \"" + abs + "\"]\n");
  LoadResult r = load(file);
  ASSERT_TRUE(r.config) << dump(r.errors);
  EXPECT_EQ(r.config->plugins,
            (std::vector<std::string>{d.path + "/a.so", abs}));
  EXPECT_EQ(r.config->file, file);
}

// A bare name is a plugin on the module path (NAME.so), looked for in the
// file's module_path folders (relative to the file) first.
TEST(Load, PluginNamesAreFoundOnTheModulePath) {
  TempDir d;
  fs::create_directory(d.path + "/mods");
  d.write("mods/mine.so", "");
  std::string file = d.write("c.toml", "module_path = [\"mods\"]\n"
                                       "plugins = [\"mine\", \"sniffer\"]\n");
  LoadResult r = load(file);
  ASSERT_TRUE(r.config) << dump(r.errors);
  EXPECT_EQ(r.config->module_path, (std::vector<std::string>{d.path + "/mods"}));
  EXPECT_EQ(r.config->plugins, (std::vector<std::string>{"mine", "sniffer"}));
  EXPECT_EQ(plugin_file(r.config->module_path, "mine"), d.path + "/mods/mine.so");
  // sniffer.so: this build's modules/ (the test environment's module path).
  std::string sniffer = plugin_file(r.config->module_path, "sniffer");
  EXPECT_NE(sniffer, "");
  EXPECT_EQ(sniffer.substr(sniffer.size() - 11), "/sniffer.so");
  EXPECT_EQ(plugin_file(r.config->module_path, d.path + "/x.so"), d.path + "/x.so");
}

TEST(Load, WhatIsAPluginName) {
  EXPECT_TRUE(plugin_is_name("sniffer"));
  EXPECT_TRUE(plugin_is_name("my-mod_2"));
  EXPECT_FALSE(plugin_is_name("sniffer.so"));
  EXPECT_FALSE(plugin_is_name("libx.so.1"));
  EXPECT_FALSE(plugin_is_name("./sniffer"));
  EXPECT_FALSE(plugin_is_name("mods/sniffer"));
  EXPECT_FALSE(plugin_is_name(""));
}

TEST(Load, MissingFile) {
  LoadResult r = load("/nonexistent/strdp.toml");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].at.file, "/nonexistent/strdp.toml");
  EXPECT_EQ(r.errors[0].at.line, 0);
  EXPECT_EQ(r.errors[0].to_string(),
            "/nonexistent/strdp.toml: cannot open: No such file or directory");
}

TEST(Load, AFolderIsNotAFile) {
  TempDir d;
  LoadResult r = load(d.path);
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("not a regular file"), std::string::npos);
}

TEST(Load, FromAFileReportsThatFile) {
  TempDir d;
  std::string file = d.write("bad.toml", "\n\n[[port]]\nname = \"p\"\n");
  LoadResult r = load(file);
  ASSERT_EQ(r.errors.size(), 1u) << dump(r.errors);
  EXPECT_EQ(r.errors[0].to_string(),
            file + ":3: port.p.device: missing: expected a DPDK device name "
                   "like \"net_null0\" or a PCI address (1..63 bytes)");
}

TEST(Load, SyntaxErrorsCarryToml_sLine) {
  LoadResult r = load_string("a = 1\n\nb = \n", kFile);
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].at.line, 3);
  EXPECT_EQ(r.errors[0].at.key, "");
  EXPECT_NE(r.errors[0].message.find("expected value"), std::string::npos)
      << r.errors[0].message;
  // Only the first syntax error: toml++ stops there.
  EXPECT_EQ(errors_of("x = \ny = \n").size(), 1u);
  // A key defined twice is a TOML error too.
  r = load_string("telemetry = true\ntelemetry = false\n", kFile);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].at.line, 2);
}

TEST(Load, GarbageAndBadUnicode) {
  // Invalid UTF-8.
  auto e = errors_of("name = \"\xff\xfe\"\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].at.line, 1);
  // Binary noise, a NUL byte, a lone surrogate escape.
  EXPECT_EQ(errors_of(std::string("\x01\x02\x03\x00\x7f", 5)).size(), 1u);
  EXPECT_EQ(errors_of(std::string("telemetry = tr\0ue\n", 18)).size(), 1u);
  EXPECT_EQ(errors_of("[control]\ngroup = \"\\uD800\"\n").size(), 1u);
  // Valid Unicode where a name is expected is a name error, not a crash.
  EXPECT_TRUE(one_error("[[port]]\nname = \"n\xc3\xa9t0\"\ndevice = \"x\"\n", 2,
                        "port[0].name", {"expected a port name", "n\xc3\xa9t0"}));
  // Unicode keys are unknown keys.
  EXPECT_TRUE(one_error("\"t\xc3\xa9l\xc3\xa9metry\" = true\n", 1,
                        "t\xc3\xa9l\xc3\xa9metry", {"unknown key"}));
}

TEST(Load, ANulInAStringIsRefused) {
  EXPECT_TRUE(one_error("[lcores]\nworkers = \"1\"\n"
                        "[[stream]]\nname = \"s\\u0000x\"\ndriver = \"echo\"\n",
                        4, "stream[0].name", {"NUL"}));
  EXPECT_TRUE(one_error("[[port]]\nname = \"p\"\ndevice = \"net_null0\\u0000\"\n",
                        3, "port.p.device", {"NUL"}));
}

}  // namespace
}  // namespace strdp::config::test
