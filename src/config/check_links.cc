// Checks of [[link]]s: both ends are streams, a lower is linked once and
// never under itself, links form no cycle, and a link joins lane i of the
// lower to lane i of the mux on one lcore.
//
// Why lane to lane on one lcore: every queue has one owning lcore, and a
// link joins the mux's lower queue pair to the lower stream's head
// directly (putnext across the boundary), so both must belong to the same
// scheduler; strdp's I_LINK refuses a lower of another scheduler (EXDEV).
#include <map>

#include "config/config_impl.h"

namespace strdp::config::detail {

namespace {

std::string lcore_of(const StreamSpec &s, size_t lane) {
  return lane < s.lcores.size() ? std::to_string(s.lcores[lane]) : "?";
}

// Lanes match one to one and each pair is on one lcore.
void check_lanes(Ctx &ctx, const LinkSpec &l, const StreamSpec &mux,
                 const StreamSpec &lower) {
  if (mux.lanes != lower.lanes) {
    ctx.error(l.at.key + ".lower", ctx.line_of(l.at.key + ".lower", l.at.line),
              "stream \"" + lower.name + "\" has " +
                  std::to_string(lower.lanes) + " lane(s) and mux \"" +
                  mux.name + "\" " + std::to_string(mux.lanes) +
                  ": a link joins lane i to lane i, so they must be equal");
    return;
  }
  // Lcores missing means an lcore error was reported for the stream.
  if (mux.lcores.size() != mux.lanes || lower.lcores.size() != lower.lanes)
    return;
  for (size_t i = 0; i < mux.lanes; ++i) {
    if (mux.lcores[i] == lower.lcores[i]) continue;
    ctx.error(l.at.key + ".lower", ctx.line_of(l.at.key + ".lower", l.at.line),
              "lane " + std::to_string(i) + " of \"" + lower.name +
                  "\" runs on lcore " + lcore_of(lower, i) + " and lane " +
                  std::to_string(i) + " of mux \"" + mux.name +
                  "\" on lcore " + lcore_of(mux, i) +
                  ": a link joins lanes on one lcore");
    return;
  }
}

}  // namespace

void check_links(Ctx &ctx, const Config &cfg) {
  // lower -> (its mux, the link), for links accepted so far: a forest,
  // since a link that would close a cycle is not entered.
  std::map<std::string, const LinkSpec *> above;
  for (const LinkSpec &l : cfg.links) {
    std::string km = l.at.key + ".mux", kl = l.at.key + ".lower";
    int lm = ctx.line_of(km, l.at.line), ll = ctx.line_of(kl, l.at.line);
    const StreamSpec *mux = l.mux.empty() ? nullptr : cfg.stream(l.mux);
    const StreamSpec *lower = l.lower.empty() ? nullptr : cfg.stream(l.lower);
    if (!l.mux.empty() && !mux)
      ctx.error(km, lm, "no [[stream]] named \"" + l.mux + "\"");
    if (!l.lower.empty() && !lower)
      ctx.error(kl, ll, "no [[stream]] named \"" + l.lower + "\"");
    if (!mux || !lower) continue;
    if (l.mux == l.lower) {
      ctx.error(kl, ll, "stream \"" + l.lower + "\" cannot be linked under "
                "itself");
      continue;
    }
    if (auto it = above.find(l.lower); it != above.end()) {
      ctx.error(kl, ll, "stream \"" + l.lower + "\" is linked already, under \"" +
                            it->second->mux + "\" (line " +
                            std::to_string(it->second->at.line) +
                            "): a stream is linked once");
      continue;
    }
    // A cycle: the mux is itself (transitively) below the new lower.
    std::string path = l.mux;
    bool cycle = false;
    for (std::string at = l.mux;;) {
      auto it = above.find(at);
      if (it == above.end()) break;
      at = it->second->mux;
      path = at + " > " + path;
      if (at == l.lower) {
        cycle = true;
        break;
      }
    }
    if (cycle) {
      ctx.error(kl, ll, "linking \"" + l.lower + "\" under \"" + l.mux +
                            "\" makes a cycle: " + path + " > " + l.lower +
                            " (\"a > b\": b is linked under a)");
      continue;
    }
    above[l.lower] = &l;
    check_lanes(ctx, l, *mux, *lower);
  }
}

}  // namespace strdp::config::detail
