// The raw ethdev driver (see strdp/ethraw.h).
//
// Per pass of the service loop the poller (1) sends what waits in the tx
// buffer, (2) re-enables the write queue once that buffer is empty again,
// (3) receives a burst and passes it up in one putnext_burst(), unless
// the stream above is full.
#include <rte_ethdev.h>
#include <strdp/ethraw.h>
#include <strdp/mbuf.h>
#include <strdp/strsun.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sched/scheduler.h"
#include "stream/stream_impl.h"

namespace strdp {
namespace {

constexpr uint16_t kBurst = 32;
constexpr uint16_t kRxDesc = 1024, kTxDesc = 1024;

struct EthRawPort {
  uint16_t port;
  std::string name;
  queue_t *rq = nullptr;  // set while a stream has it open
  Scheduler *sched = nullptr;
  int poller = 0;
  rte_mbuf *tx[kBurst];
  uint16_t ntx = 0;
  strdp_ethraw_stats stats{};
};

std::mutex g_mu;  // the port table (slow path)
std::vector<std::unique_ptr<EthRawPort>> g_ports;

EthRawPort *find_port(const std::string &name) {
  for (auto &p : g_ports)
    if (p->name == name) return p.get();
  return nullptr;
}

// Hands the tx buffer to the NIC; what it does not take stays buffered.
unsigned flush_tx(EthRawPort *p) {
  if (p->ntx == 0) return 0;
  uint16_t sent = rte_eth_tx_burst(p->port, 0, p->tx, p->ntx);
  if (sent < p->ntx) memmove(p->tx, p->tx + sent, (p->ntx - sent) * sizeof(rte_mbuf *));
  p->ntx = static_cast<uint16_t>(p->ntx - sent);
  p->stats.tx_frames += sent;
  return sent;
}

// Takes an M_DATA message for the NIC; false if the buffer is full.
bool tx_one(EthRawPort *p, mblk_t *mp) {
  if (p->ntx == kBurst) {
    flush_tx(p);
    if (p->ntx == kBurst) return false;
  }
  rte_mbuf *m = strdp_msg_to_mbuf(mp);
  if (m == nullptr) {  // malformed: freed by the conversion
    ++p->stats.tx_invalid;
    return true;
  }
  p->tx[p->ntx++] = m;
  return true;
}

void canonical_flush(queue_t *q, mblk_t *mp) {
  if (*mp->b_rptr & FLUSHW) flushq(q, FLUSHDATA);
  if (*mp->b_rptr & FLUSHR) {
    *mp->b_rptr &= ~FLUSHW;
    qreply(q, mp);
  } else {
    freemsg(mp);
  }
}

int eth_wput(queue_t *q, mblk_t *mp) {
  auto *p = static_cast<EthRawPort *>(q->q_ptr);
  switch (mp->b_datap->db_type) {
    case M_DATA:
      // Keep order: once anything waits on the queue, queue behind it.
      if (q->q_first != nullptr || !tx_one(p, mp)) putq(q, mp);
      return 0;
    case M_FLUSH: canonical_flush(q, mp); return 0;
    case M_IOCTL: miocnak(q, mp, 0, EINVAL); return 0;
    default: freemsg(mp); return 0;  // nothing else means anything to a wire
  }
}

void eth_wputb(queue_t *q, mblk_t **mps, unsigned n) {
  for (unsigned i = 0; i < n; ++i) eth_wput(q, mps[i]);
  flush_tx(static_cast<EthRawPort *>(q->q_ptr));
}

int eth_wsrv(queue_t *q) {
  auto *p = static_cast<EthRawPort *>(q->q_ptr);
  while (mblk_t *mp = getq(q)) {
    if (!tx_one(p, mp)) {
      putbq(q, mp);
      break;
    }
  }
  flush_tx(p);
  return 0;
}

int eth_rput(queue_t *q, mblk_t *mp) { return putnext(q, mp); }

unsigned eth_poll(void *arg) {
  auto *p = static_cast<EthRawPort *>(arg);
  unsigned work = 0;
  if (p->ntx != 0) {
    work += flush_tx(p);
    if (p->ntx == 0 && WR(p->rq)->q_first != nullptr) qenable(WR(p->rq));
  }
  if (!canputnext(p->rq)) {
    ++p->stats.rx_paused;
    return work;
  }
  rte_mbuf *pkts[kBurst];
  uint16_t n = rte_eth_rx_burst(p->port, 0, pkts, kBurst);
  if (n == 0) return work;
  mblk_t *msgs[kBurst];
  strdp_msg_from_mbufs(pkts, msgs, n);
  p->stats.rx_frames += n;
  putnext_burst(p->rq, msgs, n);
  return work + n;
}

int eth_open(queue_t *q, dev_t *, int, int, cred_t *) {
  std::lock_guard lk(g_mu);
  EthRawPort *p = find_port(q->q_stream->drv->name);
  if (p == nullptr) return ENXIO;
  if (p->rq != nullptr) return EBUSY;
  p->sched = owner(q);
  p->poller = p->sched->add_poller(eth_poll, p);
  p->rq = q;
  q->q_ptr = WR(q)->q_ptr = p;
  qprocson(q);
  return 0;
}

int eth_close(queue_t *q, int, cred_t *) {
  auto *p = static_cast<EthRawPort *>(q->q_ptr);
  qprocsoff(q);
  p->sched->remove_poller(p->poller);
  flush_tx(p);
  for (uint16_t i = 0; i < p->ntx; ++i) rte_pktmbuf_free(p->tx[i]);
  p->ntx = 0;
  std::lock_guard lk(g_mu);
  p->rq = nullptr;
  return 0;
}

module_info eth_minfo = {0x4554, const_cast<char *>("ethraw"), 0, INFPSZ, 64 * 1024, 16 * 1024};
qinit eth_rinit = {eth_rput, nullptr, eth_open, eth_close, nullptr, &eth_minfo, nullptr};
qinit eth_winit = {eth_wput, eth_wsrv, nullptr, nullptr, nullptr, &eth_minfo, nullptr,
                   nullptr, nullptr, 0, eth_wputb};
streamtab eth_info = {&eth_rinit, &eth_winit, nullptr, nullptr};

int setup_port(uint16_t port) {
  rte_eth_conf conf{};
  int socket = rte_eth_dev_socket_id(port);
  rte_mempool *pool = strdp_msg_pool(socket);
  if (pool == nullptr) return ENOMEM;
  if (int r = rte_eth_dev_configure(port, 1, 1, &conf); r < 0) return -r;
  uint16_t nrx = kRxDesc, ntx = kTxDesc;
  rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
  if (int r = rte_eth_rx_queue_setup(port, 0, nrx, static_cast<unsigned>(socket), nullptr, pool); r < 0)
    return -r;
  if (int r = rte_eth_tx_queue_setup(port, 0, ntx, static_cast<unsigned>(socket), nullptr); r < 0)
    return -r;
  if (int r = rte_eth_dev_start(port); r < 0) return -r;
  rte_eth_promiscuous_enable(port);  // not every PMD has it: best effort
  return 0;
}

}  // namespace
}  // namespace strdp

using namespace strdp;

extern "C" int strdp_ethraw_attach(uint16_t port_id, const char *name) {
  if (name == nullptr || !rte_eth_dev_is_valid_port(port_id)) {
    errno = name == nullptr ? EINVAL : ENODEV;
    return -1;
  }
  std::lock_guard lk(g_mu);
  if (find_port(name) != nullptr) {
    errno = EEXIST;
    return -1;
  }
  if (int e = setup_port(port_id); e != 0) {
    errno = e;
    return -1;
  }
  if (strdp_register_driver(name, &eth_info, D_MP) != 0) {
    int e = errno;
    rte_eth_dev_stop(port_id);
    errno = e;
    return -1;
  }
  auto p = std::make_unique<EthRawPort>();
  p->port = port_id;
  p->name = name;
  g_ports.push_back(std::move(p));
  return 0;
}

extern "C" int strdp_ethraw_detach(const char *name) {
  std::lock_guard lk(g_mu);
  EthRawPort *p = name != nullptr ? find_port(name) : nullptr;
  if (p == nullptr) {
    errno = ENOENT;
    return -1;
  }
  if (p->rq != nullptr || strdp_unregister_driver(name) != 0) {
    errno = EBUSY;
    return -1;
  }
  rte_eth_dev_stop(p->port);
  rte_eth_dev_close(p->port);
  std::erase_if(g_ports, [p](const auto &x) { return x.get() == p; });
  return 0;
}

extern "C" int strdp_ethraw_get_stats(const char *name, strdp_ethraw_stats *st) {
  std::lock_guard lk(g_mu);
  EthRawPort *p = name != nullptr ? find_port(name) : nullptr;
  if (p == nullptr || st == nullptr) {
    errno = p == nullptr ? ENOENT : EINVAL;
    return -1;
  }
  *st = p->stats;
  return 0;
}
