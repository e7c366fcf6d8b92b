// The ip router's part of a configuration: [[link]] address and mtu
// under an ip stream, [[route]]s; every mistake an error at its line.
#include "config_test_util.h"

namespace strdp::config::test {
namespace {

// Workers 1, an ip stream r, two pmd streams on two ports (lines 1-16).
constexpr const char *kRouter =
    "[lcores]\nworkers = \"1\"\n"                                     // 1, 2
    "[[port]]\nname = \"n0\"\ndevice = \"net_null0\"\n"               // 3-5
    "[[port]]\nname = \"n1\"\ndevice = \"net_null1\"\n"               // 6-8
    "[[stream]]\nname = \"e0\"\ndriver = \"pmd\"\nport = \"n0\"\n"    // 9-12
    "[[stream]]\nname = \"e1\"\ndriver = \"pmd\"\nport = \"n1\"\n"    // 13-16
    "[[stream]]\nname = \"r\"\ndriver = \"ip\"\n";                   // 17-19

// A link as four lines (header, mux, lower, address), from line 20 on.
std::string iface(const char *lower, const char *addr, const char *mux = "r") {
  return std::string("[[link]]\nmux = \"") + mux + "\"\nlower = \"" + lower +
         "\"\naddress = \"" + addr + "\"\n";
}
std::string two() { return std::string(kRouter) + iface("e0", "10.1.0.1/24") + iface("e1", "10.2.0.1/24"); }
// A route from line 28 on: header, mux, dst, then the rest.
std::string route(const char *dst, const std::string &rest) {
  return std::string("[[route]]\nmux = \"r\"\ndst = \"") + dst + "\"\n" + rest;
}

TEST(IpConfig, InterfacesAndRoutes) {
  Config c = ok(two() + "mtu = 1300\n" + route("10.9.0.0/16", "via = \"10.2.0.254\"\n") +
                route("0.0.0.0/0", "interface = \"e0\"\n") + route("10.66.0.0/16", "reject = true\n"));
  ASSERT_EQ(c.links.size(), 2u);
  ASSERT_TRUE(c.links[0].address);
  EXPECT_EQ(c.links[0].address->addr, 0x0a010001u);
  EXPECT_EQ(c.links[0].address->plen, 24u);
  EXPECT_EQ(c.links[1].mtu, 1300u);
  ASSERT_EQ(c.routes.size(), 3u);
  EXPECT_EQ(c.routes[0].via, 0x0a0200feu);
  EXPECT_EQ(c.routes[0].dst.addr, 0x0a090000u);
  EXPECT_EQ(c.routes[1].interface, "e0");
  EXPECT_EQ(c.routes[1].dst.plen, 0u);
  EXPECT_TRUE(c.routes[2].reject);
}

TEST(IpConfig, BadAddresses) {
  std::string s = kRouter;
  EXPECT_TRUE(one_error(s + iface("e0", "10.1.0.1"), 23, "link[0].address",
                        {"expected an IPv4 address and prefix length, like \"10.1.0.1/24\"", "\"10.1.0.1\""}));
  EXPECT_TRUE(one_error(s + iface("e0", "10.1.0.300/24"), 23, "link[0].address", {"expected an IPv4"}));
  EXPECT_TRUE(one_error(s + iface("e0", "10.1.0.1/33"), 23, "link[0].address", {"expected an IPv4"}));
  EXPECT_TRUE(one_error(s + iface("e0", "10.1.0.0/24"), 23, "link[0].address",
                        {"neither the subnet's own nor its broadcast", "10.1.0.0/24"}));
  EXPECT_TRUE(one_error(s + iface("e0", "10.1.0.255/24"), 23, "link[0].address", {"broadcast"}));
  EXPECT_TRUE(one_error(s + iface("e0", "127.0.0.1/8"), 23, "link[0].address", {"unicast"}));
  EXPECT_TRUE(one_error(s + iface("e0", "224.0.0.1/24"), 23, "link[0].address", {"unicast"}));
  EXPECT_TRUE(one_error(s + iface("e0", "10.1.0.1/24") + iface("e1", "10.1.0.9/16"), 27,
                        "link[1].address", {"overlaps the subnet of \"e0\" (line 23)"}));
  EXPECT_TRUE(one_error(s + iface("e0", "10.1.0.1/24") + "mtu = 60\n", 24, "link[0].mtu",
                        {"68..9600"}));
  EXPECT_TRUE(one_error(s + "[[link]]\nmux = \"r\"\nlower = \"e0\"\n", 20, "link[0]",
                        {"needs an address"}));
}

TEST(IpConfig, AddressesOnlyUnderIp) {
  std::string s = std::string(kRouter) + "[[stream]]\nname = \"x\"\ndriver = \"xconn\"\n";  // 20-22
  EXPECT_TRUE(one_error(s + iface("e0", "10.1.0.1/24", "x"), 26, "link[0].address",
                        {"only a link under an ip stream", "\"x\" is no ip stream"}));
}

TEST(IpConfig, LowersInRawMode) {
  std::string s = std::string(kRouter) + iface("e0", "10.1.0.1/24");
  std::string dlpi = s;
  dlpi.replace(dlpi.find("port = \"n0\"\n"), 12, "port = \"n0\"\nmode = \"dlpi\"\nsap = 0x800\n");
  EXPECT_TRUE(one_error(dlpi, 24, "link[0].lower", {"must be in mode \"raw\""}));
}

TEST(IpConfig, BadRoutes) {
  std::string s = two();
  EXPECT_TRUE(one_error(s + route("10.9.0.1/16", "via = \"10.2.0.254\"\n"), 30, "route[0].dst",
                        {"bits set past its prefix length", "did you mean 10.9.0.0/16?"}));
  EXPECT_TRUE(one_error(s + route("10.9.0.0", "via = \"10.2.0.254\"\n"), 30, "route[0].dst",
                        {"expected an IPv4 prefix"}));
  EXPECT_TRUE(one_error(s + route("10.9.0.0/16", "via = \"10.7.0.1\"\n"), 31, "route[0].via",
                        {"10.7.0.1 is not a neighbour on the link of any interface of \"r\""}));
  EXPECT_TRUE(one_error(s + route("10.9.0.0/16", "via = \"10.2.0.1\"\n"), 31, "route[0].via",
                        {"not a neighbour"}));
  EXPECT_TRUE(one_error(s + route("10.9.0.0/16", "via = \"10.2.0.254\"\ninterface = \"e0\"\n"), 31,
                        "route[0].via", {"not a neighbour on the link of \"e0\""}));
  EXPECT_TRUE(one_error(s + route("10.9.0.0/16", "via = \"ten\"\n"), 31, "route[0].via",
                        {"expected an IPv4 address"}));
  EXPECT_TRUE(one_error(s + route("10.9.0.0/16", "interface = \"e9\"\n"), 31, "route[0].interface",
                        {"no interface \"e9\" is linked under \"r\""}));
  EXPECT_TRUE(one_error(s + route("10.9.0.0/16", ""), 28, "route[0]", {"give via, interface, or reject"}));
  EXPECT_TRUE(one_error(s + route("10.9.0.0/16", "via = \"10.2.0.254\"\nreject = true\n"), 28,
                        "route[0]", {"give via, interface, or reject"}));
  EXPECT_TRUE(one_error(s + route("10.1.0.0/24", "interface = \"e0\"\n"), 30, "route[0].dst",
                        {"the subnet of \"e0\" has its route already"}));
  EXPECT_TRUE(one_error(s + route("10.9.0.0/16", "via = \"10.2.0.254\"\n") +
                            route("10.9.0.0/16", "via = \"10.1.0.7\"\n"),
                        34, "route[1].dst", {"is given already (line 30)"}));
  std::string bad_mux = s + route("10.9.0.0/16", "via = \"10.2.0.254\"\n");
  bad_mux.replace(bad_mux.rfind("mux = \"r\""), 9, "mux = \"e0\"");
  EXPECT_TRUE(one_error(bad_mux, 29, "route[0].mux", {"expected the name of an ip stream"}));
}

}  // namespace
}  // namespace strdp::config::test
