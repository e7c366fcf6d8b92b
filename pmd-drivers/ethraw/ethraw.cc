// The raw ethdev driver (strdp/ethraw.h): a named, style 1 face of the pmd
// driver. strdp_ethraw_attach() sets the port up through the pmd port
// table (one queue, promiscuous) and registers a driver node under the
// given name; opening that node attaches the stream to queue 0 of the
// port in raw mode (DLIOCRAW) at once. Everything else (rx burst up with
// putnext_burst, tx buffer, flow control both ways, M_FLUSH, ioctls, the
// counters) is the pmd driver's own code: docs/drivers.md.
#include <rte_ethdev.h>
#include <strdp/ethraw.h>

#include <cerrno>
#include <mutex>
#include <string>
#include <vector>

#include "../pmd/pmd_impl.h"
#include "stream/stream_impl.h"

namespace strdp {
namespace {

struct EthRawNode {
  std::string name;
  uint16_t port;
};

std::mutex g_mu;  // the node table (slow path)
std::vector<EthRawNode> g_nodes;

const EthRawNode *find_node(const std::string &name) {
  for (const auto &n : g_nodes)
    if (n.name == name) return &n;
  return nullptr;
}

// The node's name says which port: the stream's driver entry carries it.
int eth_open(queue_t *q, dev_t *, int, int sflag, cred_t *cr) {
  if (sflag == MODOPEN) return EINVAL;
  uint16_t port;
  {
    std::lock_guard lk(g_mu);
    const EthRawNode *n = find_node(q->q_stream->drv->name);
    if (n == nullptr) return ENXIO;
    port = n->port;
  }
  // EBUSY if another stream has the queue: one open at a time.
  return pmd::pmd_open_state(q, cr, true, STRDP_PMD_PPA(port, 0));
}

// The pmd procedures under ethraw's own name (statistics, I_LIST).
module_info eth_minfo = {0x4554, const_cast<char *>("ethraw"), 0, INFPSZ, 64 * 1024, 16 * 1024};
qinit eth_rinit = {.qi_putp = pmd::pmd_rput,
                   .qi_qopen = eth_open,
                   .qi_qclose = pmd::pmd_close,
                   .qi_minfo = &eth_minfo};
qinit eth_winit = {
  .qi_putp = pmd::pmd_wput,
  .qi_srvp = pmd::pmd_wsrv,
  .qi_minfo = &eth_minfo,
  .qi_putbp = pmd::pmd_wputb,
  .qi_putfp = pmd::pmd_wputf,
};
streamtab eth_info = {.st_rdinit = &eth_rinit, .st_wrinit = &eth_winit};

}  // namespace
}  // namespace strdp

using namespace strdp;

extern "C" int strdp_ethraw_attach(uint16_t port_id, const char *name) {
  if (name == nullptr || !rte_eth_dev_is_valid_port(port_id)) {
    errno = name == nullptr ? EINVAL : ENODEV;
    return -1;
  }
  std::lock_guard lk(g_mu);
  if (find_node(name) != nullptr) {
    errno = EEXIST;
    return -1;
  }
  strdp_port_conf conf{};
  conf.nb_queues = 1;
  conf.promisc = 1;
  if (int e = pmd::port_setup(port_id, conf); e != 0) {
    errno = e;
    return -1;
  }
  if (strdp_register_driver(name, &eth_info, D_MP) != 0) {
    int e = errno;
    pmd::port_close(port_id);
    errno = e;
    return -1;
  }
  g_nodes.push_back(EthRawNode{name, port_id});
  return 0;
}

extern "C" int strdp_ethraw_detach(const char *name) {
  std::lock_guard lk(g_mu);
  const EthRawNode *n = name != nullptr ? find_node(name) : nullptr;
  if (n == nullptr) {
    errno = ENOENT;
    return -1;
  }
  // Busy: open through this node, or its queue attached by a pmd stream.
  if (pmd::port_busy(n->port) || strdp_unregister_driver(name) != 0) {
    errno = EBUSY;
    return -1;
  }
  if (int e = pmd::port_close(n->port); e != 0) {
    strdp_register_driver(name, &eth_info, D_MP);  // attached meanwhile: undo
    errno = e;
    return -1;
  }
  std::erase_if(g_nodes, [n](const EthRawNode &x) { return &x == n; });
  return 0;
}

extern "C" int strdp_ethraw_get_stats(const char *name, strdp_ethraw_stats *st) {
  uint16_t port;
  {
    std::lock_guard lk(g_mu);
    const EthRawNode *n = name != nullptr ? find_node(name) : nullptr;
    if (n == nullptr || st == nullptr) {
      errno = n == nullptr ? ENOENT : EINVAL;
      return -1;
    }
    port = n->port;
  }
  strdp_pmd_stats ps{};
  if (strdp_pmd_get_stats(port, 0, &ps) != 0) return -1;
#define STRDP_COPY_(name, doc) st->name = ps.name;
  STRDP_ETHRAW_COUNTERS(STRDP_COPY_)
#undef STRDP_COPY_
  return 0;
}
