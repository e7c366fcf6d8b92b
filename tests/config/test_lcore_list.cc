// parse_lcore_list() and eal_lcores(): the lcore list syntax and reading
// the lcores out of EAL arguments.
#include <rte_config.h>

#include "config_test_util.h"

namespace strdp::config::test {
namespace {

using V = std::vector<unsigned>;

std::string why_of(const std::string &text) {
  std::string why;
  EXPECT_FALSE(parse_lcore_list(text, &why).has_value()) << text;
  return why;
}

TEST(LcoreList, RangesAndSinglesInTheOrderGiven) {
  EXPECT_EQ(parse_lcore_list("1-3,5", nullptr), (V{1, 2, 3, 5}));
  EXPECT_EQ(parse_lcore_list("0", nullptr), (V{0}));
  EXPECT_EQ(parse_lcore_list("5,1-2", nullptr), (V{5, 1, 2}));
  EXPECT_EQ(parse_lcore_list("2-2", nullptr), (V{2}));
  EXPECT_EQ(parse_lcore_list("007", nullptr), (V{7}));
}

TEST(LcoreList, BlanksAroundTokensAreAllowed) {
  EXPECT_EQ(parse_lcore_list(" 1 - 2 ", nullptr), (V{1, 2}));
  EXPECT_EQ(parse_lcore_list("\t1 ,\t4 ", nullptr), (V{1, 4}));
}

TEST(LcoreList, EmptyIsAnError) {
  EXPECT_NE(why_of("").find("empty"), std::string::npos);
  EXPECT_NE(why_of("   ").find("empty"), std::string::npos);
}

TEST(LcoreList, OpenRangesAndStrayPunctuationAreErrors) {
  EXPECT_NE(why_of("1-").find("at the end"), std::string::npos);
  EXPECT_NE(why_of("-1").find("expected an lcore number"), std::string::npos);
  EXPECT_NE(why_of("1,").find("at the end"), std::string::npos);
  EXPECT_NE(why_of(",1").find("expected an lcore number"), std::string::npos);
  EXPECT_NE(why_of("1,,2").find("expected an lcore number"), std::string::npos);
  EXPECT_NE(why_of("1-2-3").find("unexpected \"-\""), std::string::npos);
  EXPECT_NE(why_of("1 2").find("unexpected \"2\""), std::string::npos);
}

TEST(LcoreList, OnlyDecimalDigits) {
  EXPECT_NE(why_of("a").find("expected an lcore number"), std::string::npos);
  EXPECT_NE(why_of("0x1").find("unexpected \"x\""), std::string::npos);
  EXPECT_NE(why_of("+1").find("expected an lcore number"), std::string::npos);
  EXPECT_NE(why_of("1.5").find("unexpected \".\""), std::string::npos);
  EXPECT_FALSE(parse_lcore_list("\xc3\xa9", nullptr));  // "é"
}

TEST(LcoreList, ADownwardRangeIsAnError) {
  std::string why = why_of("3-1");
  EXPECT_NE(why.find("goes down"), std::string::npos) << why;
  EXPECT_NE(why.find("1-3"), std::string::npos) << why;
}

TEST(LcoreList, AnLcoreTwiceIsAnError) {
  EXPECT_NE(why_of("1,1").find("lcore 1 is listed twice"), std::string::npos);
  EXPECT_NE(why_of("1-3,2").find("lcore 2 is listed twice"), std::string::npos);
}

TEST(LcoreList, OutOfRange) {
  std::string max = std::to_string(RTE_MAX_LCORE - 1);
  EXPECT_EQ(parse_lcore_list(max, nullptr), (V{RTE_MAX_LCORE - 1}));
  EXPECT_NE(why_of(std::to_string(RTE_MAX_LCORE)).find("out of range 0.." + max),
            std::string::npos);
  EXPECT_NE(why_of("99999").find("lcore 99999 is out of range"),
            std::string::npos);
  // No overflow on absurd lengths.
  EXPECT_NE(why_of("123456789012345678901234567890").find("out of range"),
            std::string::npos);
  EXPECT_NE(why_of("0-99999").find("out of range"), std::string::npos);
}

TEST(LcoreList, NullWhyIsAllowed) {
  EXPECT_FALSE(parse_lcore_list("3-1", nullptr));
}

// --------------------------------------------------------------- EAL args

std::optional<EalLcores> eal(std::vector<std::string> args,
                             std::string *why = nullptr) {
  return eal_lcores(args, why);
}

TEST(EalLcores, DashL) {
  auto e = eal({"-l", "0-1", "--no-huge"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->lcores, (V{0, 1}));
  EXPECT_EQ(e->main_lcore, 0u);
  e = eal({"--no-huge", "-l2,0-1"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->lcores, (V{0, 1, 2}));  // ascending; main: the lowest
  EXPECT_EQ(e->main_lcore, 0u);
}

TEST(EalLcores, LongFormsAndCoremask) {
  auto e = eal({"--lcores=1,3"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->lcores, (V{1, 3}));
  EXPECT_EQ(e->main_lcore, 1u);
  e = eal({"--lcores", "2-3"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->lcores, (V{2, 3}));
  e = eal({"-c", "0x6"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->lcores, (V{1, 2}));
  e = eal({"-c", "f0"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->lcores, (V{4, 5, 6, 7}));
}

TEST(EalLcores, MainLcoreOption) {
  auto e = eal({"-l", "0-2", "--main-lcore", "2"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->main_lcore, 2u);
  e = eal({"--main-lcore=1", "-l", "0-2"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->main_lcore, 1u);
  std::string why;
  EXPECT_FALSE(eal({"-l", "0-2", "--main-lcore", "5"}, &why));
  EXPECT_NE(why.find("not one of the enabled lcores 0-2"), std::string::npos);
  EXPECT_FALSE(eal({"-l", "0-2", "--main-lcore", "x"}, &why));
  EXPECT_NE(why.find("not an lcore number"), std::string::npos) << why;
}

TEST(EalLcores, TheLastListWins) {
  auto e = eal({"-l", "0-1", "-l", "4-5"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->lcores, (V{4, 5}));
}

TEST(EalLcores, NoListOrUnreadFormsGiveNothing) {
  std::string why;
  EXPECT_FALSE(eal({"--no-huge", "--vdev=net_null0"}, &why));
  EXPECT_NE(why.find("every core"), std::string::npos);
  EXPECT_FALSE(eal({"--lcores=(0-1)@0,2@1"}, &why));
  EXPECT_NE(why.find("not read here"), std::string::npos);
  EXPECT_FALSE(eal({}, &why));
}

TEST(EalLcores, MalformedValues) {
  std::string why;
  EXPECT_FALSE(eal({"-l"}, &why));
  EXPECT_NE(why.find("-l has no value"), std::string::npos);
  EXPECT_FALSE(eal({"-l", "3-1"}, &why));
  EXPECT_NE(why.find("goes down"), std::string::npos);
  EXPECT_FALSE(eal({"-c", "0xzz"}, &why));
  EXPECT_NE(why.find("not a hex core mask"), std::string::npos);
  EXPECT_FALSE(eal({"-c", "0"}, &why));
  EXPECT_NE(why.find("enables no lcore"), std::string::npos);
}

TEST(EalLcores, OtherOptionsThatLookAlikeAreIgnored) {
  // "--log-level" starts with "-l" only after the first dash; "--lcoresX"
  // is not --lcores.
  auto e = eal({"--log-level=8", "-l", "1", "--lcoresX"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->lcores, (V{1}));
}

}  // namespace
}  // namespace strdp::config::test
