// Errors in the sections: unknown keys, [eal], [lcores], [runtime],
// [control], plugins, telemetry; several errors at once; the message
// format.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config_test_util.h"

namespace strdp::config::test {
namespace {

TEST(Errors, FormatIsFileLineKeyMessage) {
  Error e{{"a.toml", 12, "stream.s0.lanes"}, "expected an integer"};
  EXPECT_EQ(e.to_string(), "a.toml:12: stream.s0.lanes: expected an integer");
  Error f{{"a.toml", 0, ""}, "cannot open"};
  EXPECT_EQ(f.to_string(), "a.toml: cannot open");
  Error g{{"a.toml", 3, ""}, "syntax"};
  EXPECT_EQ(g.to_string(), "a.toml:3: syntax");
}

TEST(Errors, UnknownTopLevelKeySuggestsTheRightOne) {
  EXPECT_TRUE(one_error("telemetry = true\n[[streams]]\nname = \"x\"\n", 2,
                        "streams",
                        {"unknown key", "did you mean \"stream\"?",
                         "expected one of: eal, lcores, runtime, plugins"}));
  EXPECT_TRUE(one_error("\n\nfoo = 1\n", 3, "foo", {"unknown key"}));
  // No suggestion for something unlike any key.
  auto e = errors_of("zzzzzz = 1\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].message.find("did you mean"), std::string::npos);
}

TEST(Errors, UnknownKeysInsideSections) {
  EXPECT_TRUE(one_error("[eal]\nargz = []\n", 2, "eal.argz",
                        {"did you mean \"args\"?"}));
  EXPECT_TRUE(one_error("[lcores]\nworker = \"1\"\n", 2, "lcores.worker",
                        {"did you mean \"workers\"?"}));
  EXPECT_TRUE(one_error("[runtime]\nnb_mbuf = 2048\n", 2, "runtime.nb_mbuf",
                        {"did you mean \"nb_mbufs\"?"}));
  EXPECT_TRUE(one_error("[control]\nsokcet = \"/x\"\n", 2, "control.sokcet",
                        {"did you mean \"socket\"?"}));
  // Plugins go at the top level, not under [runtime].
  EXPECT_TRUE(one_error("[runtime]\nplugins = []\n", 2, "runtime.plugins",
                        {"unknown key"}));
}

TEST(Errors, SectionsMustBeTables) {
  EXPECT_TRUE(one_error("eal = [\"-l\", \"0\"]\n", 1, "eal",
                        {"expected a table ([eal]), got an array"}));
  EXPECT_TRUE(one_error("runtime = 3\n", 1, "runtime",
                        {"expected a table ([runtime]), got 3"}));
  EXPECT_TRUE(one_error("control = \"x\"\n", 1, "control",
                        {"expected a table ([control]), got \"x\""}));
}

TEST(Errors, EalArgs) {
  EXPECT_TRUE(one_error("[eal]\nargs = \"-l 0-1\"\n", 2, "eal.args",
                        {"expected an array of strings, got \"-l 0-1\""}));
  EXPECT_TRUE(one_error("[eal]\nargs = [\"-l\",\n  1]\n", 3, "eal.args[1]",
                        {"expected a string, got 1"}));
  // What EAL would refuse anyway.
  EXPECT_TRUE(one_error("[eal]\nargs = [\"-l\", \"3-1\"]\n", 2, "eal.args",
                        {"EAL would refuse", "goes down"}));
  EXPECT_TRUE(one_error("[eal]\nargs = [\"--no-huge\", \"-l\"]\n", 2,
                        "eal.args", {"-l has no value"}));
}

TEST(Errors, WorkersMalformed) {
  EXPECT_TRUE(one_error("[lcores]\nworkers = \"1-\"\n", 2, "lcores.workers",
                        {"expected an lcore list like \"1-3,5\"",
                         "got \"1-\"", "at the end"}));
  EXPECT_TRUE(one_error("[lcores]\nworkers = 1\n", 2, "lcores.workers",
                        {"expected an lcore list like \"1-3,5\", got 1"}));
  EXPECT_TRUE(one_error("[lcores]\nworkers = \"\"\n", 2, "lcores.workers",
                        {"empty"}));
}

TEST(Errors, AMalformedWorkersListIsOneError) {
  // Not replaced by the EAL's lcores behind the file's back, and the
  // streams' lcores are not checked against a list the file did not give.
  EXPECT_TRUE(one_error("[eal]\nargs = [\"-l\", \"0-3\"]\n[lcores]\n"
                        "workers = \"1-\"\n[[stream]]\nname = \"e\"\n"
                        "driver = \"echo\"\nlcores = \"3\"\n",
                        4, "lcores.workers", {"at the end"}));
}

TEST(Errors, WorkersMustNotIncludeTheMainLcore) {
  EXPECT_TRUE(one_error("[eal]\nargs = [\"-l\", \"0-1\"]\n[lcores]\n"
                        "workers = \"0-1\"\n",
                        4, "lcores.workers",
                        {"lcore 0 is the EAL's main lcore", "[eal] args"}));
  // --main-lcore moves it.
  EXPECT_TRUE(one_error("[eal]\nargs = [\"-l\", \"0-2\", \"--main-lcore=2\"]\n"
                        "[lcores]\nworkers = \"1-2\"\n",
                        4, "lcores.workers", {"lcore 2 is the EAL's main"}));
}

TEST(Errors, WorkersMustBeEalLcores) {
  auto e = errors_of("[eal]\nargs = [\"-l\", \"0-1\"]\n[lcores]\n"
                     "workers = \"1-3\"\n");
  ASSERT_EQ(e.size(), 2u) << dump(e);
  for (const auto &x : e) {
    EXPECT_EQ(x.at.line, 4);
    EXPECT_EQ(x.at.key, "lcores.workers");
  }
  EXPECT_NE(e[0].message.find("lcore 2 is not enabled in the EAL (its lcores: "
                              "0-1)"),
            std::string::npos) << dump(e);
  EXPECT_NE(e[1].message.find("lcore 3"), std::string::npos);
}

TEST(Errors, WorkersWithoutEalLcoresAreNotCheckedAgainstThem) {
  // The command line may give the EAL arguments; the daemon checks then.
  ok("[lcores]\nworkers = \"5-7\"\n");
  ok("[eal]\nargs = [\"--lcores=(0-1)@0,2@1\"]\n[lcores]\nworkers = \"2\"\n");
}

TEST(Errors, StreamsNeedWorkers) {
  EXPECT_TRUE(one_error("\n[[stream]]\nname = \"e\"\ndriver = \"echo\"\n", 2,
                        "lcores.workers", {"missing", "worker lcores"}));
  // An EAL list with the main lcore alone leaves none either.
  EXPECT_TRUE(one_error("[eal]\nargs = [\"-l\", \"0\"]\n"
                        "[[stream]]\nname = \"e\"\ndriver = \"echo\"\n",
                        3, "lcores.workers", {"missing"}));
}

TEST(Errors, CheckLcoresForTheDaemon) {
  Config c = ok("[lcores]\nworkers = \"1-2\"\n");
  EalLcores eal;
  eal.lcores = {2, 0, 1};  // any order
  eal.main_lcore = 0;
  EXPECT_TRUE(check_lcores(c, eal).empty());
  eal.main_lcore = 1;
  auto e = check_lcores(c, eal);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].to_string(),
            "t.toml:2: lcores.workers: lcore 1 is the EAL's main lcore (it "
            "runs the control thread, not a poll loop)");
  eal.lcores = {0, 1};
  eal.main_lcore = 0;
  e = check_lcores(c, eal);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].message.find("lcore 2 is not enabled"), std::string::npos);
}

TEST(Errors, RuntimeRanges) {
  EXPECT_TRUE(one_error("[runtime]\nnb_mbufs = 100\n", 2, "runtime.nb_mbufs",
                        {"expected an integer in 256..16777216, got 100"}));
  EXPECT_TRUE(one_error("[runtime]\nmbuf_cache = 0\n", 2, "runtime.mbuf_cache",
                        {"in 1..512, got 0"}));
  EXPECT_TRUE(one_error("[runtime]\nmbuf_cache = 513\n", 2,
                        "runtime.mbuf_cache", {"in 1..512"}));
  EXPECT_TRUE(one_error("[runtime]\nnstrpush = 0\n", 2, "runtime.nstrpush",
                        {"in 1..64, got 0"}));
  EXPECT_TRUE(one_error("[runtime]\nnstrpush = 9.5\n", 2, "runtime.nstrpush",
                        {"got 9.5"}));
  EXPECT_TRUE(one_error("[runtime]\nnb_mbufs = 1024\nmbuf_cache = 700\n", 3,
                        "runtime.mbuf_cache", {"in 1..512"}));
  EXPECT_TRUE(one_error("[runtime]\nnb_mbufs = 600\nmbuf_cache = 512\n", 3,
                        "runtime.mbuf_cache",
                        {"more than two thirds of nb_mbufs 600"}));
  ok("[runtime]\nnb_mbufs = 768\nmbuf_cache = 512\n");  // exactly 2/3
  // The default cache (256) against a small pool: the pool's key.
  EXPECT_TRUE(one_error("[runtime]\n\nnb_mbufs = 300\n", 3,
                        "runtime.nb_mbufs", {"mbuf_cache 256"}));
}

TEST(Errors, ControlMode) {
  for (const char *bad : {"\"0999\"", "\"rw-rw----\"", "\"\"", "\"01777\"",
                          "0o1000", "-1", "true"}) {
    EXPECT_TRUE(one_error(std::string("[control]\nmode = ") + bad + "\n", 2,
                          "control.mode",
                          {"expected a file mode", "\"0660\"", "0o660"}))
        << bad;
  }
}

TEST(Errors, ControlSocketAndGroup) {
  EXPECT_TRUE(one_error("[control]\nsocket = \"run/x.sock\"\n", 2,
                        "control.socket", {"absolute path", "run/x.sock"}));
  EXPECT_TRUE(one_error("[control]\nsocket = \"/run/strdp/\"\n", 2,
                        "control.socket", {"absolute path"}));
  EXPECT_TRUE(one_error("[control]\nsocket = \"/" + std::string(120, 'x') +
                            "\"\n",
                        2, "control.socket", {"at most 107 bytes"}));
  EXPECT_TRUE(one_error("[control]\nsocket = 5\n", 2, "control.socket",
                        {"expected an absolute path, got 5"}));
  EXPECT_TRUE(one_error("[control]\ngroup = \"no-such-group-strdp\"\n", 2,
                        "control.group", {"no group \"no-such-group-strdp\""}));
  EXPECT_TRUE(one_error("[control]\ngroup = \"\"\n", 2, "control.group",
                        {"expected a group name, got \"\""}));
}

TEST(Errors, Telemetry) {
  EXPECT_TRUE(one_error("telemetry = \"yes\"\n", 1, "telemetry",
                        {"expected true or false, got \"yes\""}));
  EXPECT_TRUE(one_error("telemetry = 1\n", 1, "telemetry", {"got 1"}));
}

TEST(Errors, Plugins) {
  EXPECT_TRUE(one_error("plugins = [\n  \"/nonexistent/x.so\"]\n", 2,
                        "plugins[0]",
                        {"cannot use \"/nonexistent/x.so\"",
                         "No such file or directory"}));
  EXPECT_TRUE(one_error("plugins = [\"/tmp\"]\n", 1, "plugins[0]",
                        {"not a regular file"}));
  EXPECT_TRUE(one_error("plugins = [\"\"]\n", 1, "plugins[0]",
                        {"expected the path of a shared object"}));
  EXPECT_TRUE(one_error("plugins = \"x.so\"\n", 1, "plugins",
                        {"expected an array of strings"}));
  // Relative to the file's folder: "t.toml" is in ".", where there is none.
  EXPECT_TRUE(one_error("plugins = [\"no-such-plugin.so\"]\n", 1, "plugins[0]",
                        {"no-such-plugin.so"}));
}

TEST(Errors, PluginNames) {
  // Not on the module path: the message says where it was looked for.
  EXPECT_TRUE(one_error("plugins = [\"sniffer\",\n  \"no-such-plugin\"]\n", 2,
                        "plugins[1]",
                        {"no plugin \"no-such-plugin\"", "no-such-plugin.so",
                         "module path"}));
  EXPECT_TRUE(errors_of("plugins = [\"sniffer\", \"xconn\"]\n").empty());
}

TEST(Errors, ModulePath) {
  EXPECT_TRUE(one_error("module_path = [\"/nonexistent/mods\"]\n", 1,
                        "module_path[0]",
                        {"cannot use \"/nonexistent/mods\"",
                         "No such file or directory"}));
  EXPECT_TRUE(one_error("module_path = [\n  \"/etc/hostname\"]\n", 2,
                        "module_path[0]", {"is not a folder"}));
  EXPECT_TRUE(one_error("module_path = [\"\"]\n", 1, "module_path[0]",
                        {"expected a folder"}));
  EXPECT_TRUE(one_error("module_path = \"/tmp\"\n", 1, "module_path",
                        {"expected an array of strings"}));
  EXPECT_TRUE(errors_of("module_path = [\"/tmp\"]\n").empty());
}

TEST(Errors, UnreadablePlugin) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads every file";
  std::string path = "/tmp/strdp-config-unreadable.so";
  std::ofstream(path) << "x";
  std::filesystem::permissions(path, std::filesystem::perms::none);
  auto e = errors_of("plugins = [\"" + path + "\"]\n");
  std::filesystem::remove(path);
  ASSERT_EQ(e.size(), 1u) << dump(e);
  EXPECT_NE(e[0].message.find("cannot read"), std::string::npos);
}

// Every problem in one pass, in line order, whatever section found it.
TEST(Errors, SeveralAtOnceInLineOrder) {
  auto e = errors_of(
      "telemetry = 3\n"                         // 1
      "[eal]\nargs = [\"-l\", \"0-1\"]\n"       // 2, 3
      "[lcores]\nworkers = \"1\"\n"             // 4, 5
      "[runtime]\nnstrpush = 0\n"               // 6, 7
      "[[port]]\nname = \"net0\"\n"             // 8, 9
      "device = \"net_null0\"\nqueues = 0\n"    // 10, 11
      "[[stream]]\nname = \"s0\"\n"             // 12, 13
      "driver = \"pmd\"\nport = \"net9\"\n"     // 14, 15
      "lane = 2\n"                              // 16
      "[[link]]\nmux = \"x0\"\nlower = \"s0\"\n"  // 17, 18, 19
      "[[autopush]]\ndriver = \"echo\"\nmodules = []\n");  // 20, 21, 22
  std::vector<std::pair<int, std::string>> want = {
      {1, "telemetry"},       {7, "runtime.nstrpush"}, {11, "port.net0.queues"},
      {15, "stream.s0.port"}, {16, "stream.s0.lane"},  {18, "link[0].mux"},
      {22, "autopush[0].modules"}};
  ASSERT_EQ(e.size(), want.size()) << dump(e);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(e[i].at.line, want[i].first) << dump(e);
    EXPECT_EQ(e[i].at.key, want[i].second) << dump(e);
    EXPECT_EQ(e[i].at.file, kFile);
  }
}

}  // namespace
}  // namespace strdp::config::test
