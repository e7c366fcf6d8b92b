// Helpers and the virtual devices of the pmd tests (see pmd_test.h).
//
// Each suite owns its devices: a closed virtual device is gone for good,
// and frames left in a ring would reach the next test. net_null2 copies a
// zero-filled 64-byte frame into every buffer it "receives" (copy=1), so
// its content is known.
#include "pmd_test.h"

#include <fcntl.h>
#include <rte_ethdev.h>

#include <algorithm>

namespace strdp::test {

std::vector<std::string> extra_eal_args() {
  std::vector<std::string> a;
  for (const char *v : {"net_null2,copy=1,size=64", "net_null3", "net_ring0", "net_ring1",
                        "net_ring2", "net_ring3", "net_ring4", "net_ring5", "net_ring6",
                        "net_ring7"}) {
    a.push_back("--vdev");
    a.push_back(v);
  }
  return a;
}

const uint8_t kBcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
const uint8_t kOther[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
const uint8_t kMcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

Bytes dlsap(const uint8_t *mac, uint16_t sap) {
  Bytes b(mac, mac + 6);
  b.resize(8);
  std::memcpy(b.data() + 6, &sap, 2);
  return b;
}

Bytes mac_of(uint16_t port) {
  rte_ether_addr a{};
  EXPECT_EQ(rte_eth_macaddr_get(port, &a), 0);
  return Bytes(a.addr_bytes, a.addr_bytes + 6);
}

Bytes frame(const uint8_t *dst, const uint8_t *src, uint16_t type, const std::string &payload) {
  Bytes f(14 + payload.size());
  std::memcpy(f.data(), dst, 6);
  std::memcpy(f.data() + 6, src, 6);
  f[12] = static_cast<uint8_t>(type >> 8);
  f[13] = static_cast<uint8_t>(type);
  if (!payload.empty()) std::memcpy(f.data() + 14, payload.data(), payload.size());
  return f;
}

uint16_t port_id(const char *vdev) {
  uint16_t id = UINT16_MAX;
  EXPECT_EQ(rte_eth_dev_get_port_by_name(vdev, &id), 0) << vdev;
  return id;
}

uint16_t null_port() {
  static int id = [] {
    strdp_port_conf c{};
    c.nb_rxd = 64;
    int r = strdp_port_setup("net_null2", &c);
    EXPECT_GE(r, 0) << strerror(errno);
    return r;
  }();
  return static_cast<uint16_t>(id);
}

void PmdTest::TearDown() {
  while (!streams_.empty()) close_stream(streams_.back());
}

strdp_stream_t *PmdTest::open_pmd(cred_t *cr) {
  strdp_stream_t *sp = strdp_open("pmd", O_RDWR | O_NONBLOCK, cr);
  EXPECT_NE(sp, nullptr) << "open pmd: " << strerror(errno);
  if (sp != nullptr) streams_.push_back(sp);
  return sp;
}

void PmdTest::close_stream(strdp_stream_t *sp) {
  auto it = std::find(streams_.begin(), streams_.end(), sp);
  if (it != streams_.end()) streams_.erase(it);
  EXPECT_EQ(strdp_close(sp), 0);
}

int PmdTest::send(strdp_stream_t *sp, const void *ctl, int clen, const void *data, int dlen,
                  int flags) {
  strbuf c{0, clen, static_cast<char *>(const_cast<void *>(ctl))};
  strbuf d{0, dlen, static_cast<char *>(const_cast<void *>(data))};
  return strdp_putmsg(sp, &c, data != nullptr ? &d : nullptr, flags);
}

bool PmdTest::recv(strdp_stream_t *sp, Got *g, int passes) {
  static thread_local char cbuf[1024], dbuf[16384];
  for (int i = 0; i <= passes; ++i) {
    strbuf c{sizeof cbuf, 0, cbuf}, d{sizeof dbuf, 0, dbuf};
    int flags = 0;
    int r = strdp_getmsg(sp, &c, &d, &flags);
    if (r >= 0) {
      EXPECT_EQ(r, 0) << "a message larger than the test's buffers";
      *g = Got{};
      g->hipri = flags == RS_HIPRI;
      g->has_ctl = c.len >= 0;
      g->has_data = d.len >= 0;
      if (c.len > 0) g->ctl.assign(cbuf, cbuf + c.len);
      if (d.len > 0) g->data.assign(dbuf, dbuf + d.len);
      return true;
    }
    if (errno != EAGAIN) {
      ADD_FAILURE() << "getmsg: " << strerror(errno);
      return false;
    }
    strdp_sched_run(sched());
  }
  return false;
}

void PmdTest::run(int n) {
  for (int i = 0; i < n; ++i) strdp_sched_run(sched());
}

void PmdTest::expect_ok_ack(strdp_stream_t *sp, t_uscalar_t prim) {
  Got g;
  ASSERT_TRUE(recv(sp, &g)) << "no answer to primitive " << prim;
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_OK_ACK})
      << "primitive " << prim << " answered with " << g.prim()
      << (g.prim() == DL_ERROR_ACK ? " dl_errno " + std::to_string(g.as<dl_error_ack_t>().dl_errno)
                                   : "");
  EXPECT_TRUE(g.hipri) << "DL_OK_ACK is M_PCPROTO";
  EXPECT_EQ(g.as<dl_ok_ack_t>().dl_correct_primitive, prim);
}

void PmdTest::expect_error_ack(strdp_stream_t *sp, t_uscalar_t prim, t_uscalar_t err,
                               t_uscalar_t unix_err) {
  Got g;
  ASSERT_TRUE(recv(sp, &g)) << "no answer to primitive " << prim;
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_ERROR_ACK}) << "primitive " << prim;
  EXPECT_TRUE(g.hipri) << "DL_ERROR_ACK is M_PCPROTO";
  ASSERT_EQ(g.ctl.size(), sizeof(dl_error_ack_t));
  auto e = g.as<dl_error_ack_t>();
  EXPECT_EQ(e.dl_error_primitive, prim);
  EXPECT_EQ(e.dl_errno, err) << "for primitive " << prim;
  EXPECT_EQ(e.dl_unix_errno, unix_err);
}

void PmdTest::expect_nothing(strdp_stream_t *sp, int passes) {
  Got g;
  EXPECT_FALSE(recv(sp, &g, passes)) << "unexpected message, primitive " << g.prim();
}

void PmdTest::attach(strdp_stream_t *sp, uint32_t ppa) {
  dl_attach_req_t r{DL_ATTACH_REQ, ppa};
  ASSERT_EQ(send_prim(sp, r), 0);
  expect_ok_ack(sp, DL_ATTACH_REQ);
}

Bytes PmdTest::bind(strdp_stream_t *sp, uint32_t sap) {
  dl_bind_req_t r{};
  r.dl_primitive = DL_BIND_REQ;
  r.dl_sap = sap;
  r.dl_service_mode = DL_CLDLS;
  EXPECT_EQ(send_prim(sp, r), 0);
  Got g;
  EXPECT_TRUE(recv(sp, &g));
  EXPECT_EQ(g.prim(), t_uscalar_t{DL_BIND_ACK});
  EXPECT_TRUE(g.hipri);
  auto a = g.as<dl_bind_ack_t>();
  EXPECT_EQ(a.dl_sap, sap);
  EXPECT_EQ(a.dl_addr_length, 8u);
  return g.at(a.dl_addr_offset, a.dl_addr_length);
}

void PmdTest::raw_mode(strdp_stream_t *sp) {
  strioctl ic{DLIOCRAW, 0, 0, nullptr};
  ASSERT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), 0) << strerror(errno);
}

int PmdTest::set_promisc(strdp_stream_t *sp, t_uscalar_t level, bool on) {
  dl_promiscon_req_t r{on ? t_uscalar_t{DL_PROMISCON_REQ} : t_uscalar_t{DL_PROMISCOFF_REQ}, level};
  EXPECT_EQ(send_prim(sp, r), 0);
  Got g;
  EXPECT_TRUE(recv(sp, &g));
  if (g.prim() == DL_OK_ACK) return 0;
  EXPECT_EQ(g.prim(), t_uscalar_t{DL_ERROR_ACK});
  return static_cast<int>(g.as<dl_error_ack_t>().dl_errno);
}

int PmdTest::unitdata(strdp_stream_t *sp, const uint8_t *mac, uint16_t sap,
                      const std::string &payload, uint32_t addr_len) {
  struct {
    dl_unitdata_req_t req;
    uint8_t addr[8];
  } m{};
  m.req.dl_primitive = DL_UNITDATA_REQ;
  m.req.dl_dest_addr_length = addr_len;
  m.req.dl_dest_addr_offset = sizeof(dl_unitdata_req_t);
  std::memcpy(m.addr, mac, 6);
  std::memcpy(m.addr + 6, &sap, 2);
  return send(sp, &m, static_cast<int>(sizeof m.req + std::min<uint32_t>(addr_len, 8)),
              payload.data(), static_cast<int>(payload.size()));
}

strdp_pmd_stats PmdTest::stats(uint16_t port, uint16_t queue) {
  strdp_pmd_stats st{};
  EXPECT_EQ(strdp_pmd_get_stats(port, queue, &st), 0);
  return st;
}

void PmdTest::drain_port(uint16_t port, uint16_t nq) {
  rte_mbuf *pkts[32];
  for (uint16_t q = 0; q < nq; ++q)
    while (uint16_t n = rte_eth_rx_burst(port, q, pkts, 32)) rte_pktmbuf_free_bulk(pkts, n);
}

}  // namespace strdp::test
