// Checks of the ip router's part of a configuration: the interfaces that
// [[link]]s under an ip stream make (address, MTU) and the [[route]]s.
// The driver checks the same when the daemon sets them up (IP_IOC_IFSET,
// IP_IOC_ROUTE_ADD, <strdp/ip.h>); here they are errors with a file and a
// line before anything starts.
#include <arpa/inet.h>

#include <charconv>
#include <map>

#include "config/config_impl.h"

namespace strdp::config {

bool parse_ipv4(std::string_view s, uint32_t *out) {
  std::string z(s);
  in_addr a;
  if (inet_pton(AF_INET, z.c_str(), &a) != 1) return false;
  *out = ntohl(a.s_addr);
  return true;
}

bool parse_ipv4_prefix(std::string_view s, Ipv4Prefix *out) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos || slash + 1 >= s.size()) return false;
  std::string_view len = s.substr(slash + 1);
  unsigned plen = 0;
  auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), plen);
  if (ec != std::errc() || end != len.data() + len.size() || plen > 32) return false;
  if (!parse_ipv4(s.substr(0, slash), &out->addr)) return false;
  out->plen = plen;
  return true;
}

std::string format_ipv4(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

}  // namespace strdp::config

namespace strdp::config::detail {

namespace {

uint32_t mask_of(unsigned plen) { return plen == 0 ? 0 : ~0u << (32 - plen); }

std::string dotted(uint32_t a) { return format_ipv4(a); }

// Why addr/plen cannot be an interface's address, or "".
std::string bad_address(const Ipv4Prefix &p) {
  uint8_t top = static_cast<uint8_t>(p.addr >> 24);
  if (p.plen < 1) return "a prefix length of 1..32";
  if (top == 0 || top == 127 || top >= 224)
    return "a unicast address (not 0/8, 127/8, multicast or 240/4)";
  uint32_t host = p.addr & ~mask_of(p.plen);
  if (p.plen <= 30 && (host == 0 || host == ~mask_of(p.plen)))
    return "an address that is neither the subnet's own nor its broadcast";
  return "";
}

bool is_ip(const Config &cfg, const std::string &name) {
  const StreamSpec *s = cfg.stream(name);
  return s != nullptr && s->driver == "ip";
}

struct Iface {
  const LinkSpec *link;
  Ipv4Prefix p;
};

void check_interfaces(Ctx &ctx, const Config &cfg, std::map<std::string, std::vector<Iface>> &ifs) {
  for (const LinkSpec &l : cfg.links) {
    std::string ka = l.at.key + ".address";
    int la = ctx.line_of(ka, ctx.line_of(l.at.key + ".mux", l.at.line));
    if (!is_ip(cfg, l.mux)) {
      if (l.address || l.mtu != 0)
        ctx.error(l.address ? ka : l.at.key + ".mtu", la,
                  "only a link under an ip stream is an interface with an address and an MTU "
                  "(\"" + l.mux + "\" is no ip stream)");
      continue;
    }
    if (!l.address) {
      if (ctx.line_of(ka, -1) != -1) continue;  // given, and reported as malformed
      ctx.error(l.at.key, l.at.line,
                "a link under the ip stream \"" + l.mux + "\" needs an address (\"10.1.0.1/24\")");
      continue;
    }
    if (std::string why = bad_address(*l.address); !why.empty()) {
      ctx.error(ka, la, "expected " + why + ", got " + dotted(l.address->addr) + "/" +
                            std::to_string(l.address->plen));
      continue;
    }
    if (const StreamSpec *lo = cfg.stream(l.lower);
        lo != nullptr && lo->driver == "pmd" && lo->mode != DlpiMode::kRaw)
      ctx.error(l.at.key + ".lower", ctx.line_of(l.at.key + ".lower", l.at.line),
                "the ip router takes whole frames: stream \"" + l.lower +
                    "\" must be in mode \"raw\"");
    for (const Iface &o : ifs[l.mux]) {
      uint32_t m = mask_of(std::min(o.p.plen, l.address->plen));
      if ((o.p.addr & m) == (l.address->addr & m))
        ctx.error(ka, la, dotted(l.address->addr) + "/" + std::to_string(l.address->plen) +
                              " overlaps the subnet of \"" + o.link->lower + "\" (line " +
                              std::to_string(ctx.line_of(o.link->at.key + ".address", o.link->at.line)) +
                              "): which link would it be on?");
    }
    ifs[l.mux].push_back({&l, *l.address});
  }
}

void check_route(Ctx &ctx, const Config &cfg, const RouteSpec &r,
                 std::map<std::string, std::vector<Iface>> &ifs,
                 std::map<std::string, int> &seen) {
  auto line = [&](const char *k) { return ctx.line_of(r.at.key + "." + k, r.at.line); };
  if (!is_ip(cfg, r.mux)) {
    ctx.error(r.at.key + ".mux", line("mux"), "expected the name of an ip stream, got \"" + r.mux + "\"");
    return;
  }
  if ((r.dst.addr & ~mask_of(r.dst.plen)) != 0) {
    ctx.error(r.at.key + ".dst", line("dst"),
              dotted(r.dst.addr) + "/" + std::to_string(r.dst.plen) +
                  " has bits set past its prefix length (did you mean " +
                  dotted(r.dst.addr & mask_of(r.dst.plen)) + "/" + std::to_string(r.dst.plen) + "?)");
    return;
  }
  if (r.via == 0 && ctx.line_of(r.at.key + ".via", -1) != -1) return;  // reported as malformed
  int ways = (r.via != 0) + !r.interface.empty() + r.reject;
  if (ways != 1 && !(r.via != 0 && !r.interface.empty() && !r.reject)) {
    ctx.error(r.at.key, r.at.line,
              "a route goes via a gateway, on an interface's link, or is rejected: give via, "
              "interface, or reject = true");
    return;
  }
  const std::vector<Iface> &mine = ifs[r.mux];
  for (const Iface &i : mine)
    if (r.dst.plen == i.p.plen && r.dst.addr == (i.p.addr & mask_of(i.p.plen))) {
      ctx.error(r.at.key + ".dst", line("dst"),
                "the subnet of \"" + i.link->lower + "\" has its route already (the interface's own)");
      return;
    }
  const Iface *named = nullptr;
  if (!r.interface.empty()) {
    for (const Iface &i : mine)
      if (i.link->lower == r.interface) named = &i;
    if (named == nullptr) {
      ctx.error(r.at.key + ".interface", line("interface"),
                "no interface \"" + r.interface + "\" is linked under \"" + r.mux + "\"");
      return;
    }
  }
  if (r.via != 0) {
    const Iface *on = nullptr;
    for (const Iface &i : mine)
      if ((r.via & mask_of(i.p.plen)) == (i.p.addr & mask_of(i.p.plen))) on = &i;
    if (on == nullptr || on->p.addr == r.via || (named != nullptr && named != on)) {
      ctx.error(r.at.key + ".via", line("via"),
                dotted(r.via) + " is not a neighbour on the link of " +
                    (named != nullptr ? "\"" + r.interface + "\"" : "any interface of \"" + r.mux + "\""));
      return;
    }
  }
  std::string key = r.mux + " " + dotted(r.dst.addr) + "/" + std::to_string(r.dst.plen);
  if (auto [it, fresh] = seen.emplace(key, line("dst")); !fresh)
    ctx.error(r.at.key + ".dst", line("dst"),
              "a route to " + dotted(r.dst.addr) + "/" + std::to_string(r.dst.plen) +
                  " is given already (line " + std::to_string(it->second) + ")");
}

}  // namespace

void check_ip(Ctx &ctx, const Config &cfg) {
  std::map<std::string, std::vector<Iface>> ifs;  // by ip stream
  check_interfaces(ctx, cfg, ifs);
  std::map<std::string, int> seen;
  for (const RouteSpec &r : cfg.routes) check_route(ctx, cfg, r, ifs, seen);
}

}  // namespace strdp::config::detail
