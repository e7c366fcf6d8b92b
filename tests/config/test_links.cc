// [[link]]s: both ends streams, linked once, never under themselves, no
// cycle, lanes joined one to one on one lcore.
#include "config_test_util.h"

namespace strdp::config::test {
namespace {

// Workers 1-2, three one-lane streams a, b, c on lcore 1 (lines 3-11).
constexpr const char *kStreams =
    "[lcores]\nworkers = \"1-2\"\n"                      // 1, 2
    "[[stream]]\nname = \"a\"\ndriver = \"xconn\"\n"     // 3, 4, 5
    "[[stream]]\nname = \"b\"\ndriver = \"xconn\"\n"     // 6, 7, 8
    "[[stream]]\nname = \"c\"\ndriver = \"echo\"\n";     // 9, 10, 11

// A [[link]] as three lines: header, mux, lower.
std::string link(const char *mux, const char *lower) {
  return std::string("[[link]]\nmux = \"") + mux + "\"\nlower = \"" + lower +
         "\"\n";
}

TEST(Links, ValidLinksInOrder) {
  Config c = ok(std::string(kStreams) + link("a", "b") + link("b", "c") +
                "persistent = false\n");
  ASSERT_EQ(c.links.size(), 2u);
  EXPECT_EQ(c.links[0].mux, "a");
  EXPECT_EQ(c.links[0].lower, "b");
  EXPECT_TRUE(c.links[0].persistent);
  EXPECT_FALSE(c.links[1].persistent);
  EXPECT_EQ(c.links[1].at.line, 15);
  EXPECT_EQ(c.links[1].at.key, "link[1]");
}

TEST(Links, EndsMustBeStreams) {
  std::string s = kStreams;
  EXPECT_TRUE(one_error(s + link("x", "b"), 13, "link[0].mux",
                        {"no [[stream]] named \"x\""}));
  EXPECT_TRUE(one_error(s + link("a", "y"), 14, "link[0].lower",
                        {"no [[stream]] named \"y\""}));
  EXPECT_TRUE(one_error(s + "[[link]]\nlower = \"b\"\n", 12, "link[0].mux",
                        {"missing: expected the name of a stream"}));
  EXPECT_TRUE(one_error(s + "[[link]]\nmux = \"a\"\n", 12, "link[0].lower",
                        {"missing"}));
  EXPECT_TRUE(one_error(s + link("a", "b") + "persistant = true\n", 15,
                        "link[0].persistant", {"did you mean \"persistent\"?"}));
  EXPECT_TRUE(one_error(s + "[link]\nmux = \"a\"\n", 12, "link",
                        {"expected an array of tables ([[link]])"}));
}

TEST(Links, NotUnderItself) {
  EXPECT_TRUE(one_error(std::string(kStreams) + link("a", "a"), 14,
                        "link[0].lower",
                        {"stream \"a\" cannot be linked under itself"}));
}

TEST(Links, AStreamIsLinkedOnce) {
  EXPECT_TRUE(one_error(std::string(kStreams) + link("a", "c") + link("b", "c"),
                        17, "link[1].lower",
                        {"stream \"c\" is linked already, under \"a\" (line 12)"}));
}

TEST(Links, DirectCycle) {
  // a > b, then b > a: a would be under b, which is under a.
  EXPECT_TRUE(one_error(std::string(kStreams) + link("a", "b") + link("b", "a"),
                        17, "link[1].lower",
                        {"linking \"a\" under \"b\" makes a cycle: a > b > a"}));
}

TEST(Links, TransitiveCycleNamesThePath) {
  EXPECT_TRUE(one_error(std::string(kStreams) + link("a", "b") + link("b", "c") +
                            link("c", "a"),
                        20, "link[2].lower",
                        {"makes a cycle: a > b > c > a"}));
}

TEST(Links, LaneCountsMustBeEqual) {
  std::string s = std::string(kStreams) +
                  "[[stream]]\nname = \"d\"\ndriver = \"echo\"\nlanes = 2\n";  // 12-15
  EXPECT_TRUE(one_error(s + link("a", "d"), 18, "link[0].lower",
                        {"stream \"d\" has 2 lane(s) and mux \"a\" 1",
                         "lane i to lane i"}));
}

TEST(Links, LanesJoinOnOneLcore) {
  std::string s = std::string(kStreams) +
                  "[[stream]]\nname = \"d\"\ndriver = \"echo\"\n"
                  "lcores = \"2\"\n";  // 12-15
  EXPECT_TRUE(one_error(s + link("a", "d"), 18, "link[0].lower",
                        {"lane 0 of \"d\" runs on lcore 2 and lane 0 of mux "
                         "\"a\" on lcore 1", "on one lcore"}));
  // Same lcores given the other way round for both: fine.
  ok(std::string(kStreams) +
     "[[stream]]\nname = \"m\"\ndriver = \"xconn\"\nlanes = 2\nlcores = \"2,1\"\n"
     "[[stream]]\nname = \"l\"\ndriver = \"echo\"\nlanes = 2\nlcores = \"2,1\"\n" +
     link("m", "l"));
}

TEST(Links, AutomaticLcoresLineUpLaneByLane) {
  // Two-lane lowers and mux with no lcores given: lane i on worker i.
  Config c = ok(std::string(kStreams) +
                "[[stream]]\nname = \"m\"\ndriver = \"xconn\"\nlanes = 2\n"
                "[[stream]]\nname = \"l\"\ndriver = \"echo\"\nlanes = 2\n" +
                link("m", "l"));
  EXPECT_EQ(c.stream("m")->lcores, c.stream("l")->lcores);
}

TEST(Links, EveryLinkErrorAtOnce) {
  auto e = errors_of(std::string(kStreams) + link("a", "a") + link("x", "b") +
                     link("a", "c") + link("b", "c"));
  ASSERT_EQ(e.size(), 3u) << dump(e);
  EXPECT_EQ(e[0].at.key, "link[0].lower");
  EXPECT_EQ(e[1].at.key, "link[1].mux");
  EXPECT_EQ(e[2].at.key, "link[3].lower");
}

}  // namespace
}  // namespace strdp::config::test
