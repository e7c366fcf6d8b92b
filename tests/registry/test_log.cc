// cmn_err() levels and routing prefixes, strlog() and its trace rules,
// and the panics: CE_PANIC and failed assertions.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include <strdp/ddi.h>

#include "runtime/log.h"

extern "C" void strdp_assfail_(const char *expr, const char *file, int line);

namespace strdp::test {
namespace {

struct Captured {
  int level;
  unsigned dest;
  std::string text;
};

std::mutex captured_mu;
std::vector<Captured> captured;

void capture(const LogRecord &rec) noexcept {
  std::lock_guard lock(captured_mu);
  captured.push_back({rec.level, rec.dest, std::string(rec.text)});
}

// Sends messages to `captured` for one test.
class Log : public ::testing::Test {
 protected:
  void SetUp() override {
    captured.clear();
    prev_ = set_log_sink(&capture);
  }
  void TearDown() override {
    set_log_sink(prev_);
    strlog_trace_clear();
  }
  LogSink prev_ = nullptr;
};

TEST_F(Log, LevelsAddPrefixAndNewline) {
  cmn_err(CE_NOTE, "note %d", 1);
  cmn_err(CE_WARN, "warn %s", "two");
  cmn_err(CE_CONT, "cont ");
  cmn_err(CE_CONT, "piece\n");
  cmn_err(CE_WARN, "already ends\n");
  ASSERT_EQ(captured.size(), 5u);
  EXPECT_EQ(captured[0].text, "NOTICE: note 1\n");
  EXPECT_EQ(captured[0].level, CE_NOTE);
  EXPECT_EQ(captured[1].text, "WARNING: warn two\n");
  EXPECT_EQ(captured[1].level, CE_WARN);
  EXPECT_EQ(captured[2].text, "cont ");
  EXPECT_EQ(captured[2].level, CE_CONT);
  EXPECT_EQ(captured[3].text, "piece\n");
  EXPECT_EQ(captured[4].text, "WARNING: already ends\n");
  for (const auto &c : captured) EXPECT_EQ(c.dest, unsigned{kLogBoth});
}

TEST_F(Log, FirstCharacterRoutes) {
  cmn_err(CE_NOTE, "!log only");
  cmn_err(CE_WARN, "^console only");
  cmn_err(CE_CONT, "?verbose boot only\n");
  cmn_err(CE_NOTE, "plain");
  ASSERT_EQ(captured.size(), 4u);
  EXPECT_EQ(captured[0].text, "NOTICE: log only\n");
  EXPECT_EQ(captured[0].dest, unsigned{kLogSystem});
  EXPECT_EQ(captured[1].text, "WARNING: console only\n");
  EXPECT_EQ(captured[1].dest, unsigned{kLogConsole});
  EXPECT_EQ(captured[2].text, "verbose boot only\n");
  EXPECT_EQ(captured[2].dest, unsigned{kLogSystem});
  EXPECT_EQ(captured[3].dest, unsigned{kLogBoth});
}

TEST_F(Log, IgnoreAndLongMessages) {
  cmn_err(CE_IGNORE, "never %d", 1);
  EXPECT_TRUE(captured.empty());
  std::string big(3000, 'x');
  cmn_err(CE_WARN, "%s|%s", big.c_str(), big.c_str());
  ASSERT_EQ(captured.size(), 1u);
  EXPECT_EQ(captured[0].text, "WARNING: " + big + "|" + big + "\n");
}

TEST_F(Log, StrlogDestinations) {
  EXPECT_EQ(strlog(7, 1, 0, 0, "nowhere"), 0);
  EXPECT_EQ(strlog(7, 1, 0, SL_ERROR, "error %d", 5), 1);
  EXPECT_EQ(strlog(7, 1, 0, SL_CONSOLE | SL_WARN, "careful"), 1);
  EXPECT_EQ(strlog(7, 1, 0, SL_CONSOLE | SL_FATAL, "dead\n"), 1);
  ASSERT_EQ(captured.size(), 3u);
  EXPECT_EQ(captured[0].text, "strlog[7,1,0]: error 5\n");
  EXPECT_EQ(captured[0].dest, unsigned{kLogSystem});
  EXPECT_EQ(captured[0].level, CE_WARN);
  EXPECT_EQ(captured[1].text, "strlog[7,1,0]: WARNING: careful\n");
  EXPECT_EQ(captured[1].dest, unsigned{kLogConsole});
  EXPECT_EQ(captured[2].text, "strlog[7,1,0]: FATAL: dead\n");
}

TEST_F(Log, StrlogTraceNeedsARule) {
  EXPECT_EQ(strlog(7, 1, 2, SL_TRACE, "unheard"), 0);
  EXPECT_TRUE(captured.empty());

  ASSERT_TRUE(strlog_trace_add(7, -1, 3));
  EXPECT_EQ(strlog(7, 1, 2, SL_TRACE, "heard"), 1);
  EXPECT_EQ(strlog(7, 9, 3, SL_TRACE | SL_NOTE, "heard too"), 1);
  EXPECT_EQ(strlog(7, 1, 4, SL_TRACE, "level too high"), 0);
  EXPECT_EQ(strlog(8, 1, 0, SL_TRACE, "other module"), 0);
  ASSERT_EQ(captured.size(), 2u);
  EXPECT_EQ(captured[0].text, "strlog[7,1,2]: heard\n");
  EXPECT_EQ(captured[0].level, CE_NOTE);
  EXPECT_EQ(captured[1].text, "strlog[7,9,3]: NOTICE: heard too\n");

  ASSERT_TRUE(strlog_trace_add(-1, -1, 0));
  EXPECT_EQ(strlog(8, 1, 0, SL_TRACE, "any module at level 0"), 1);
  strlog_trace_clear();
  EXPECT_EQ(strlog(7, 1, 0, SL_TRACE, "rules gone"), 0);
}

TEST_F(Log, SinkCanBeRestored) {
  LogSink mine = set_log_sink(nullptr);  // back to stderr
  EXPECT_EQ(mine, &capture);
  cmn_err(CE_CONT, "!");  // an empty message is not emitted at all
  EXPECT_TRUE(captured.empty());
  set_log_sink(&capture);
}

TEST(LogDeathTest, PanicLogsAndAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(cmn_err(CE_PANIC, "!boom %d", 7), "panic: boom 7");
}

TEST(LogDeathTest, AssfailPanicsWithSolarisWording) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(strdp_assfail_("x == 1", "mod.c", 12),
               "panic: assertion failed: x == 1, file: mod.c, line: 12");
}

}  // namespace
}  // namespace strdp::test
