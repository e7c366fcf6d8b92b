// The table of set-up ports: strdp_port_setup/close, lane claims,
// promiscuous references, statistics. Slow path: one mutex for all.
//
// Set-up works on any PMD: what a device lacks is either done without
// (RSS with one queue or none offered, mbuf chains, promiscuous mode) or
// refused with EINVAL before anything is configured (too many queues, an
// MTU outside the device's range or larger than its rx buffers without
// scatter). The MTU goes in through rte_eth_conf.rxmode.mtu, which every
// PMD honours at start; rte_eth_dev_set_mtu is asked only if the device
// still reports another value, so a PMD without an MTU operation fails
// only when the MTU really has to change.
#include <rte_ethdev.h>
#include <strdp/ddi.h>
#include <strdp/mbuf.h>

#include <cerrno>
#include <mutex>

#include "pmd_impl.h"

namespace strdp::pmd {
namespace {

constexpr uint16_t kDefaultDesc = 1024;

std::mutex g_mu;  // everything below
std::vector<std::unique_ptr<Port>> g_ports;

Port *find_locked(uint16_t id) {
  for (auto &p : g_ports)
    if (p->id == id) return p.get();
  return nullptr;
}

// Spreads flows over the queues when there are several and the device
// hashes; otherwise every frame lands on queue 0 of its device anyway.
void set_rss(rte_eth_conf &ec, const rte_eth_dev_info &info, uint16_t nq) {
  if (nq < 2 || info.flow_type_rss_offloads == 0) return;
  uint64_t want = RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP;
  uint64_t hf = want & info.flow_type_rss_offloads;
  ec.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
  ec.rx_adv_conf.rss_conf.rss_key = nullptr;  // the device's default key
  ec.rx_adv_conf.rss_conf.rss_hf = hf != 0 ? hf : info.flow_type_rss_offloads;
}

int setup_queues(uint16_t id, uint16_t nq, uint16_t nrxd, uint16_t ntxd,
                 int socket, rte_mempool *pool) {
  if (int r = rte_eth_dev_adjust_nb_rx_tx_desc(id, &nrxd, &ntxd); r < 0) return -r;
  auto sock = static_cast<unsigned>(socket);
  for (uint16_t q = 0; q < nq; ++q) {
    if (int r = rte_eth_rx_queue_setup(id, q, nrxd, sock, nullptr, pool); r < 0) return -r;
    if (int r = rte_eth_tx_queue_setup(id, q, ntxd, sock, nullptr); r < 0) return -r;
  }
  return 0;
}

}  // namespace

int port_setup(uint16_t id, const strdp_port_conf &conf) {
  std::lock_guard lk(g_mu);
  if (find_locked(id) != nullptr) return EBUSY;
  uint16_t nq = conf.nb_queues != 0 ? conf.nb_queues : 1;
  rte_eth_dev_info info{};
  if (int r = rte_eth_dev_info_get(id, &info); r != 0) return -r;
  if (nq > info.max_rx_queues || nq > info.max_tx_queues) return EINVAL;

  // NUMA: rx buffers and descriptor rings on the port's socket.
  int socket = rte_eth_dev_socket_id(id);
  if (socket == SOCKET_ID_ANY) socket = 0;
  rte_mempool *pool = strdp_msg_pool(socket);
  if (pool == nullptr) return ENOMEM;

  uint16_t mtu = conf.mtu;
  if (mtu == 0 && rte_eth_dev_get_mtu(id, &mtu) != 0) mtu = RTE_ETHER_MTU;
  if (mtu < info.min_mtu || mtu > info.max_mtu) return EINVAL;
  rte_eth_conf ec{};
  ec.rxmode.mtu = mtu;
  set_rss(ec, info, nq);
  uint32_t frame_max = uint32_t{mtu} + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
  uint32_t room = rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM;
  if (frame_max > room) {
    if (!(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)) return EINVAL;
    ec.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
  }
  bool multiseg = (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
  if (multiseg) ec.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;

  if (int r = rte_eth_dev_configure(id, nq, nq, &ec); r < 0) return -r;
  uint16_t now = 0;
  if (rte_eth_dev_get_mtu(id, &now) != 0 || now != mtu)
    if (int r = rte_eth_dev_set_mtu(id, mtu); r < 0) return -r;
  if (int e = setup_queues(id, nq, conf.nb_rxd != 0 ? conf.nb_rxd : kDefaultDesc,
                           conf.nb_txd != 0 ? conf.nb_txd : kDefaultDesc, socket, pool);
      e != 0)
    return e;
  if (int r = rte_eth_dev_start(id); r < 0) return -r;

  // Promiscuous mode is a wish: a PMD that cannot (some VFs) still works.
  int pr = conf.promisc ? rte_eth_promiscuous_enable(id) : rte_eth_promiscuous_disable(id);
  if (pr != 0 && pr != -ENOTSUP)
    cmn_err(CE_WARN, "pmd: port %u: promiscuous %s: %s", id, conf.promisc ? "on" : "off",
            rte_strerror(-pr));

  auto p = std::make_unique<Port>();
  p->id = id;
  p->nb_queues = nq;
  p->mtu = mtu;
  p->tx_multiseg = multiseg;
  p->promisc_base = rte_eth_promiscuous_get(id) == 1;
  // Devices without an address (or that cannot tell) read as all zeros.
  if (rte_eth_macaddr_get(id, &p->fact_mac) != 0) p->fact_mac = rte_ether_addr{};
  char name[RTE_ETH_NAME_MAX_LEN];
  if (rte_eth_dev_get_name_by_port(id, name) == 0) p->name = name;
  for (uint16_t q = 0; q < nq; ++q) {
    auto l = std::make_unique<Lane>();
    l->port = id;
    l->queue = q;
    p->lanes.push_back(std::move(l));
  }
  g_ports.push_back(std::move(p));
  return 0;
}

int port_close(uint16_t id) {
  std::lock_guard lk(g_mu);
  Port *p = find_locked(id);
  if (p == nullptr) return ENODEV;
  for (auto &l : p->lanes)
    if (l->owner != nullptr) return EBUSY;
  // Detach left every tx buffer empty: nothing of ours is in flight.
  rte_eth_dev_stop(id);
  rte_eth_dev_close(id);
  std::erase_if(g_ports, [p](const auto &x) { return x.get() == p; });
  return 0;
}

bool port_busy(uint16_t id) {
  std::lock_guard lk(g_mu);
  Port *p = find_locked(id);
  if (p == nullptr) return false;
  for (auto &l : p->lanes)
    if (l->owner != nullptr) return true;
  return false;
}

int lane_claim(uint32_t ppa, PmdStream *ps, Lane **lane, Port **port) {
  std::lock_guard lk(g_mu);
  Port *p = find_locked(STRDP_PMD_PPA_PORT(ppa));
  uint16_t q = STRDP_PMD_PPA_QUEUE(ppa);
  if (p == nullptr || q >= p->nb_queues) return ENOENT;
  Lane *l = p->lanes[q].get();
  if (l->owner != nullptr) return EBUSY;
  l->owner = ps;
  *lane = l;
  *port = p;
  return 0;
}

void lane_release(Lane *lane) {
  std::lock_guard lk(g_mu);
  lane->owner = nullptr;
}

int promisc_get(Port *p) {
  std::lock_guard lk(g_mu);
  if (p->promisc_refs == 0 && !p->promisc_base)
    if (int r = rte_eth_promiscuous_enable(p->id); r != 0) return -r;
  ++p->promisc_refs;
  return 0;
}

void promisc_put(Port *p) {
  std::lock_guard lk(g_mu);
  if (--p->promisc_refs == 0 && !p->promisc_base) rte_eth_promiscuous_disable(p->id);
}

}  // namespace strdp::pmd

using namespace strdp::pmd;

extern "C" int strdp_port_setup(const char *dev, const struct strdp_port_conf *conf) {
  uint16_t id;
  if (dev == nullptr) {
    errno = EINVAL;
    return -1;
  }
  if (rte_eth_dev_get_port_by_name(dev, &id) != 0) {
    errno = ENODEV;
    return -1;
  }
  if (int e = port_setup(id, conf != nullptr ? *conf : strdp_port_conf{}); e != 0) {
    errno = e;
    return -1;
  }
  return id;
}

extern "C" int strdp_port_close(uint16_t port) {
  if (int e = port_close(port); e != 0) {
    errno = e;
    return -1;
  }
  return 0;
}

extern "C" int strdp_pmd_get_stats(uint16_t port, uint16_t queue, struct strdp_pmd_stats *st) {
  std::lock_guard lk(g_mu);
  Port *p = find_locked(port);
  if (p == nullptr || st == nullptr || queue >= p->nb_queues) {
    errno = p == nullptr ? ENODEV : EINVAL;
    return -1;
  }
  const LaneStats &s = p->lanes[queue]->st;
  constexpr auto r = std::memory_order_relaxed;
#define STRDP_COPY_(name, doc) st->name = s.name.load(r);
  STRDP_PMD_COUNTERS(STRDP_COPY_)
#undef STRDP_COPY_
  return 0;
}
