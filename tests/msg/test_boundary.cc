// The mbuf boundary: messages made from received mbufs, and mbuf chains
// made from messages, checked byte for byte.
#include <vector>

#include "msg_test.h"

namespace strdp::test {
namespace {

using BoundaryTest = MsgTest;

rte_mbuf *rx_mbuf(rte_mempool *pool, std::string_view s) {
  rte_mbuf *m = rte_pktmbuf_alloc(pool);
  if (m == nullptr) return nullptr;
  char *p = rte_pktmbuf_append(m, static_cast<uint16_t>(s.size()));
  if (p == nullptr) {
    rte_pktmbuf_free(m);
    return nullptr;
  }
  std::memcpy(p, s.data(), s.size());
  return m;
}

std::string mbuf_bytes(const rte_mbuf *m) {
  std::string out(m->pkt_len, '\0');
  const void *p = rte_pktmbuf_read(m, 0, m->pkt_len, out.data());
  if (p != out.data()) std::memcpy(out.data(), p, m->pkt_len);
  return out;
}

void expect_valid_chain(const rte_mbuf *m) {
  const char *why = nullptr;
  EXPECT_EQ(rte_mbuf_check(m, 1, &why), 0) << why;
}

TEST_F(BoundaryTest, ImportOneMbuf) {
  rte_mbuf *m = rx_mbuf(msg_pool(), "hello");
  ASSERT_NE(m, nullptr);
  mblk_t *mp = strdp_msg_from_mbuf(m);
  ASSERT_EQ(mp, strdp_mbuf_to_mblk(m));
  EXPECT_EQ(mp->b_rptr, rte_pktmbuf_mtod(m, unsigned char *));
  EXPECT_EQ(bytes(mp), "hello");
  EXPECT_EQ(DB_BASE(mp), m->buf_addr);
  EXPECT_EQ(DB_LIM(mp), static_cast<unsigned char *>(m->buf_addr) + m->buf_len);
  EXPECT_EQ(MBLKHEAD(mp), RTE_PKTMBUF_HEADROOM);
  EXPECT_EQ(DB_TYPE(mp), M_DATA);
  EXPECT_EQ(mp->b_datap->db_ref, 1);
  EXPECT_EQ(DB_REF(mp), 1);
  EXPECT_EQ(mp->b_cont, nullptr);
  EXPECT_EQ(mp->b_next, nullptr);
  EXPECT_EQ(mp->b_band, 0);
  EXPECT_EQ(mp->b_flag, 0);
  EXPECT_EQ(strdp_msg_from_mbuf(nullptr), nullptr);
  freemsg(mp);
}

TEST_F(BoundaryTest, ImportChain) {
  rte_mbuf *a = rx_mbuf(msg_pool(), "seg1-");
  rte_mbuf *b = rx_mbuf(msg_pool(), "");
  rte_mbuf *c = rx_mbuf(msg_pool(), "seg3");
  ASSERT_TRUE(a && b && c);
  ASSERT_EQ(rte_pktmbuf_chain(a, b), 0);
  ASSERT_EQ(rte_pktmbuf_chain(a, c), 0);
  mblk_t *mp = strdp_msg_from_mbuf(a);
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(nblocks(mp), 3u);
  EXPECT_EQ(flatten(mp), "seg1-seg3");
  EXPECT_EQ(msgdsize(mp), 9u);
  freemsg(mp);
}

// Clones made by DPDK (a PMD or pcapng) share the direct mbuf's dblk_t.
TEST_F(BoundaryTest, ImportDpdkClones) {
  rte_mbuf *m = rx_mbuf(msg_pool(), "cloned");
  ASSERT_NE(m, nullptr);
  rte_mbuf *c = rte_pktmbuf_clone(m, msg_pool());
  ASSERT_NE(c, nullptr);
  mblk_t *mp = strdp_msg_from_mbuf(m);
  mblk_t *cp = strdp_msg_from_mbuf(c);
  ASSERT_TRUE(mp && cp);
  EXPECT_EQ(cp->b_datap, mp->b_datap);
  EXPECT_EQ(DB_REF(mp), 2);
  EXPECT_EQ(mp->b_datap->db_ref, 2);
  mp->b_rptr[0] = 'C';
  EXPECT_EQ(bytes(cp), "Cloned");
  freemsg(mp);
  EXPECT_EQ(DB_REF(cp), 1);
  EXPECT_EQ(bytes(cp), "Cloned");
  freemsg(cp);
}

// A PMD's own external buffer: each block carries its own dblk_t copy,
// the buffer goes back to its owner once.
TEST_F(BoundaryTest, ImportForeignExternalBuffer) {
  static int frees = 0;
  static unsigned char buf[512];
  rte_mbuf_ext_shared_info shinfo{};
  shinfo.free_cb = [](void *, void *) { frees++; };
  rte_mbuf_ext_refcnt_set(&shinfo, 1);
  rte_mbuf *m = rte_pktmbuf_alloc(msg_pool());
  ASSERT_NE(m, nullptr);
  rte_pktmbuf_attach_extbuf(m, buf, RTE_BAD_IOVA, sizeof(buf) - 64, &shinfo);
  m->data_off = 10;
  m->data_len = 4;
  m->pkt_len = 4;
  std::memcpy(buf + 10, "PMD!", 4);
  mblk_t *mp = strdp_msg_from_mbuf(m);
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(bytes(mp), "PMD!");
  EXPECT_EQ(DB_BASE(mp), buf);
  EXPECT_EQ(DB_REF(mp), 1);
  mblk_t *dp = dupb(mp);
  ASSERT_NE(dp, nullptr);
  EXPECT_EQ(DB_REF(mp), 2);
  EXPECT_EQ(DB_REF(dp), 2);
  freeb(mp);  // the dup's dblk_t copy must outlive the original's
  EXPECT_EQ(DB_REF(dp), 1);
  EXPECT_EQ(DB_BASE(dp), buf);
  EXPECT_EQ(bytes(dp), "PMD!");
  EXPECT_EQ(frees, 0);
  rte_mbuf *out = strdp_msg_to_mbuf(dp);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->data_off, 10);
  rte_pktmbuf_free(out);
  EXPECT_EQ(frees, 1);
}

// An mbuf whose pool has no room for an mblk_t/dblk_t is refused (and
// freed), never overwritten.
TEST_F(BoundaryTest, ImportRefusesPoolsWithoutPrivateRoom) {
  rte_mempool *bare =
      rte_pktmbuf_pool_create("msgtest_bare", 63, 0, 0, 512, SOCKET_ID_ANY);
  ASSERT_NE(bare, nullptr);
  rte_mbuf *m = rx_mbuf(bare, "nope");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(strdp_msg_from_mbuf(m), nullptr);
  EXPECT_EQ(rte_mempool_in_use_count(bare), 0u);

  // A clone in a message pool of such an mbuf works: its dblk_t cannot
  // live in the bare direct mbuf, so the clone carries its own.
  m = rx_mbuf(bare, "bare");
  ASSERT_NE(m, nullptr);
  rte_mbuf *c = rte_pktmbuf_clone(m, msg_pool());
  ASSERT_NE(c, nullptr);
  mblk_t *cp = strdp_msg_from_mbuf(c);
  ASSERT_NE(cp, nullptr);
  EXPECT_EQ(bytes(cp), "bare");
  EXPECT_EQ(DB_REF(cp), 2);
  mblk_t *dp = dupb(cp);
  ASSERT_NE(dp, nullptr);
  EXPECT_EQ(DB_REF(dp), 3);
  rte_pktmbuf_free(m);
  freemsg(cp);
  EXPECT_EQ(DB_REF(dp), 1);
  EXPECT_EQ(bytes(dp), "bare");
  freemsg(dp);
  EXPECT_EQ(rte_mempool_in_use_count(bare), 0u);

  // In a chain, one bad segment refuses the whole chain.
  rte_mbuf *good = rx_mbuf(msg_pool(), "good");
  rte_mbuf *bad = rx_mbuf(bare, "bad");
  ASSERT_TRUE(good && bad);
  ASSERT_EQ(rte_pktmbuf_chain(good, bad), 0);
  EXPECT_EQ(strdp_msg_from_mbuf(good), nullptr);
  EXPECT_EQ(rte_mempool_in_use_count(bare), 0u);
  rte_mempool_free(bare);
}

TEST_F(BoundaryTest, ImportBurst) {
  constexpr unsigned kN = 32;
  rte_mbuf *in[kN];
  mblk_t *out[kN];
  ASSERT_EQ(rte_pktmbuf_alloc_bulk(msg_pool(), in, kN), 0);
  for (unsigned i = 0; i < kN; i++) {
    std::string s = pattern(i * 7 + 1, i);
    std::memcpy(rte_pktmbuf_append(in[i], static_cast<uint16_t>(s.size())),
                s.data(), s.size());
  }
  strdp_msg_from_mbufs(in, out, kN);
  for (unsigned i = 0; i < kN; i++) {
    ASSERT_EQ(out[i], strdp_mbuf_to_mblk(in[i]));
    EXPECT_EQ(bytes(out[i]), pattern(i * 7 + 1, i));
    EXPECT_EQ(DB_TYPE(out[i]), M_DATA);
    freemsg(out[i]);
  }
  strdp_msg_from_mbufs(in, out, 0);
}

TEST_F(BoundaryTest, ExportOneBlock) {
  mblk_t *mp = block("0123456789");
  ASSERT_NE(mp, nullptr);
  rte_mbuf *m = strdp_msg_to_mbuf(mp);
  ASSERT_EQ(m, strdp_mblk_to_mbuf(mp));
  EXPECT_EQ(m->data_off, 0);  // allocb has no headroom
  EXPECT_EQ(m->data_len, 10);
  EXPECT_EQ(m->pkt_len, 10u);
  EXPECT_EQ(m->nb_segs, 1);
  EXPECT_EQ(m->next, nullptr);
  expect_valid_chain(m);
  EXPECT_EQ(mbuf_bytes(m), "0123456789");
  rte_pktmbuf_free(m);
  EXPECT_EQ(strdp_msg_to_mbuf(nullptr), nullptr);
}

TEST_F(BoundaryTest, ExportDropsEmptyBlocks) {
  mblk_t *mp = message({"", "ab", "", "cd", ""});
  ASSERT_NE(mp, nullptr);
  rte_mbuf *m = strdp_msg_to_mbuf(mp);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->nb_segs, 2);
  EXPECT_EQ(m->pkt_len, 4u);
  EXPECT_EQ(m->data_len, 2);
  expect_valid_chain(m);
  EXPECT_EQ(mbuf_bytes(m), "abcd");
  rte_pktmbuf_free(m);

  // A message without bytes still leaves as one (empty) mbuf.
  mp = message({"", ""});
  ASSERT_NE(mp, nullptr);
  m = strdp_msg_to_mbuf(mp);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->nb_segs, 1);
  EXPECT_EQ(m->pkt_len, 0u);
  EXPECT_EQ(m->data_len, 0);
  rte_pktmbuf_free(m);
}

TEST_F(BoundaryTest, ExportRejectsWhatAnMbufCannotHold) {
  // A block longer than 65535 bytes.
  mblk_t *big = allocb(70000, BPRI_LO);
  ASSERT_NE(big, nullptr);
  big->b_wptr += 70000;
  mblk_t *mp = message({"head"});
  ASSERT_NE(mp, nullptr);
  linkb(mp, big);
  EXPECT_EQ(strdp_msg_to_mbuf(mp), nullptr);  // freed, fixture checks

  // Pointers outside the buffer.
  mp = message({"ok", "bad"});
  ASSERT_NE(mp, nullptr);
  mp->b_cont->b_wptr = DB_LIM(mp->b_cont) + 1;
  EXPECT_EQ(strdp_msg_to_mbuf(mp), nullptr);
  mp = message({"bad"});
  ASSERT_NE(mp, nullptr);
  mp->b_rptr = DB_BASE(mp) - 1;
  EXPECT_EQ(strdp_msg_to_mbuf(mp), nullptr);
  mp = message({"bad"});
  ASSERT_NE(mp, nullptr);
  mp->b_rptr = mp->b_wptr + 1;  // negative length
  EXPECT_EQ(strdp_msg_to_mbuf(mp), nullptr);
}

// Chained, duplicated, esballoc'd, large and adjusted blocks out to an
// mbuf chain and back, byte for byte.
TEST_F(BoundaryTest, RoundTrip) {
  static int frees = 0;
  static unsigned char ebuf[128];
  frtn_t fr{[](void *) { frees++; }, nullptr};
  std::vector<std::string> expect;

  // A: allocb, pointers moved by hand (a stripped header, a trimmed tail).
  mblk_t *mp = block(pattern(100, 1));
  ASSERT_NE(mp, nullptr);
  mp->b_rptr += 20;
  mp->b_wptr -= 10;
  // B: a dup of another message's block, advanced.
  mblk_t *x = block(pattern(300, 2), M_DATA, 64);
  ASSERT_NE(x, nullptr);
  mblk_t *b = dupb(x);
  ASSERT_NE(b, nullptr);
  b->b_rptr += 50;
  linkb(mp, b);
  // C: empty, dropped on export.
  linkb(mp, allocb(10, BPRI_LO));
  // D: esballoc'd.
  std::string d = pattern(100, 3);
  std::memcpy(ebuf + 8, d.data(), d.size());
  mblk_t *db = esballoc(ebuf, sizeof(ebuf), BPRI_LO, &fr);
  ASSERT_NE(db, nullptr);
  db->b_rptr += 8;
  db->b_wptr = db->b_rptr + 100;
  linkb(mp, db);
  // E: a large block whose bytes sit past the first 64 KiB.
  mblk_t *e = allocb(70000, BPRI_LO);
  ASSERT_NE(e, nullptr);
  std::string es = pattern(1000, 4);
  e->b_rptr += 66000;
  std::memcpy(e->b_rptr, es.data(), es.size());
  e->b_wptr = e->b_rptr + es.size();
  linkb(mp, e);
  // F: received from DPDK.
  rte_mbuf *fm = rx_mbuf(msg_pool(), pattern(64, 5));
  ASSERT_NE(fm, nullptr);
  linkb(mp, strdp_msg_from_mbuf(fm));
  // Adjusted at both ends.
  ASSERT_EQ(adjmsg(mp, 5), 1);
  ASSERT_EQ(adjmsg(mp, -3), 1);
  freeb(x);  // B's bytes live on in the dup

  std::vector<std::pair<rte_mbuf *, uint16_t>> want_off;  // seg, data_off
  for (mblk_t *bp = mp; bp != nullptr; bp = bp->b_cont) {
    if (MBLKL(bp) == 0) continue;
    expect.push_back(bytes(bp));
    rte_mbuf *seg = strdp_mblk_to_mbuf(bp);
    uint16_t off = bp == e ? 0 : static_cast<uint16_t>(
        bp->b_rptr - static_cast<unsigned char *>(seg->buf_addr));
    want_off.emplace_back(seg, off);
  }
  ASSERT_EQ(expect.size(), 5u);
  std::string all = flatten(mp);
  ASSERT_EQ(all.size(), 65u + 250 + 100 + 1000 + 61);

  rte_mbuf *m = strdp_msg_to_mbuf(mp);
  ASSERT_NE(m, nullptr);
  expect_valid_chain(m);
  EXPECT_EQ(m->nb_segs, 5);
  EXPECT_EQ(m->pkt_len, all.size());
  unsigned i = 0;
  for (rte_mbuf *seg = m; seg != nullptr; seg = seg->next, i++) {
    SCOPED_TRACE(i);
    ASSERT_LT(i, want_off.size());
    EXPECT_EQ(seg, want_off[i].first);
    EXPECT_EQ(seg->data_off, want_off[i].second);
    EXPECT_EQ(seg->data_len, expect[i].size());
    EXPECT_EQ(std::string(rte_pktmbuf_mtod(seg, const char *), seg->data_len),
              expect[i]);
  }
  EXPECT_EQ(i, 5u);
  EXPECT_EQ(mbuf_bytes(m), all);

  // And back: the same blocks, the same bytes.
  mblk_t *back = strdp_msg_from_mbuf(m);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(flatten(back), all);
  i = 0;
  for (mblk_t *bp = back; bp != nullptr; bp = bp->b_cont, i++) {
    ASSERT_LT(i, expect.size());
    EXPECT_EQ(bytes(bp), expect[i]);
    EXPECT_EQ(DB_TYPE(bp), M_DATA);
    EXPECT_EQ(DB_REF(bp), 1);
  }
  EXPECT_EQ(i, 5u);
  EXPECT_EQ(DB_FRTNP(back->b_cont->b_cont), &fr);  // D's dblk came back
  EXPECT_EQ(frees, 0);
  freemsg(back);
  EXPECT_EQ(frees, 1);
}

}  // namespace
}  // namespace strdp::test
