// put/putnext: bounded stack on long chains, burst and single paths
// giving the same results, flow-around of queues whose procedures are off.
#include "procs.h"

namespace strdp::test {
namespace {

module_info mi = {4, const_cast<char *>("pn"), 0, INFPSZ, 1 << 20, 0};
qinit qi_pass = {.qi_putp = pass_put, .qi_minfo = &mi};
qinit qi_rec = {.qi_putp = rec_put, .qi_minfo = &mi};

// Records how deep the stack is when a message reaches the bottom.
uintptr_t g_stack_top = 0;
size_t g_max_stack = 0;
int deep_put(queue_t *q, mblk_t *mp) {
  char here;
  size_t used = g_stack_top - reinterpret_cast<uintptr_t>(&here);
  g_max_stack = std::max(g_max_stack, used);
  return rec_put(q, mp);
}
qinit qi_deep = {.qi_putp = deep_put, .qi_minfo = &mi};

TEST(Putnext, AThousandModuleChainKeepsTheStackBoundedAndTheOrder) {
  constexpr int kModules = 1000;
  std::vector<std::unique_ptr<TestPair>> pairs;
  std::vector<TestPair *> raw;
  for (int i = 0; i < kModules; ++i) {
    pairs.push_back(std::make_unique<TestPair>(&qi_pass, &qi_pass));
    raw.push_back(pairs.back().get());
  }
  pairs.push_back(std::make_unique<TestPair>(&qi_deep, &qi_deep));
  raw.push_back(pairs.back().get());
  link_pairs(raw);
  Recorder r;
  raw.back()->wq()->q_ptr = &r;
  char top;
  g_stack_top = reinterpret_cast<uintptr_t>(&top);
  g_max_stack = 0;
  for (int i = 0; i < 100; ++i) put(raw.front()->wq(), make_msg(std::to_string(i)));
  ASSERT_EQ(r.got.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(msg_text(r.got[i]), std::to_string(i));
  // 1,000 nested puts would take far more than this; the deferral keeps
  // it to kMaxPutDepth frames.
  EXPECT_LT(g_max_stack, 64u * 1024u) << "stack used: " << g_max_stack;
}

// The same pass-through with a burst entry.
void pass_putb(queue_t *q, mblk_t **mps, unsigned n) { putnext_burst(q, mps, n); }
qinit qi_passb = {
  .qi_putp = pass_put,
  .qi_minfo = &mi,
  .qi_putbp = pass_putb,
};
// A module that does real work per message: drops M_CTL, upper-cases
// M_DATA, and queues band > 0 messages for its service procedure.
int work_put(queue_t *q, mblk_t *mp) {
  if (mp->b_datap->db_type == M_CTL) {
    freemsg(mp);
    return 0;
  }
  if (mp->b_band > 0) return putq(q, mp);
  for (unsigned char *p = mp->b_rptr; p < mp->b_wptr; ++p) *p = static_cast<unsigned char>(toupper(*p));
  return putnext(q, mp);
}
void work_putb(queue_t *q, mblk_t **mps, unsigned n) {
  for (unsigned i = 0; i < n; ++i) work_put(q, mps[i]);
}
int work_srv(queue_t *q) {
  while (mblk_t *mp = getq(q)) putnext(q, mp);
  return 0;
}
qinit qi_work = {.qi_putp = work_put, .qi_srvp = work_srv, .qi_minfo = &mi};
qinit qi_workb = {
  .qi_putp = work_put,
  .qi_srvp = work_srv,
  .qi_minfo = &mi,
  .qi_putbp = work_putb,
};

std::vector<std::string> run_chain(bool burst) {
  TestPair a(burst ? &qi_passb : &qi_pass, burst ? &qi_passb : &qi_pass);
  TestPair b(burst ? &qi_workb : &qi_work, burst ? &qi_workb : &qi_work);
  TestPair c(burst ? &qi_passb : &qi_pass, burst ? &qi_passb : &qi_pass);
  TestPair sink(&qi_rec, &qi_rec);
  link_pairs({&a, &b, &c, &sink});
  Recorder r;
  sink.wq()->q_ptr = &r;
  std::vector<mblk_t *> v;
  for (int i = 0; i < 64; ++i) {
    unsigned char type = i % 7 == 0 ? M_CTL : i % 5 == 0 ? M_PCPROTO : M_DATA;
    unsigned char band = type == M_DATA && i % 3 == 0 ? static_cast<unsigned char>(i % 4) : 0;
    v.push_back(make_msg("m" + std::to_string(i) + "x", type, band));
  }
  if (burst) {
    put_burst(a.wq(), v.data(), static_cast<unsigned>(v.size()));
  } else {
    for (mblk_t *m : v) put(a.wq(), m);
  }
  drain();
  std::vector<std::string> out;
  for (mblk_t *m : r.got)
    out.push_back(std::to_string(m->b_datap->db_type) + "/" + std::to_string(m->b_band) + "/" +
                  msg_text(m));
  return out;
}

TEST(Putnext, BurstAndSinglePathsGiveIdenticalResults) {
  unsigned before = pool_in_use();
  std::vector<std::string> single = run_chain(false);
  std::vector<std::string> burst = run_chain(true);
  EXPECT_EQ(single.size(), 64u - 10u);  // 10 M_CTL dropped
  EXPECT_EQ(single, burst);
  EXPECT_EQ(pool_in_use(), before);
}

TEST(Putnext, BurstCountsEveryMessageAsAPut) {
  TestPair a(&qi_passb, &qi_passb), sink(&qi_rec, &qi_rec);
  link_pairs({&a, &sink});
  Recorder r;
  sink.wq()->q_ptr = &r;
  mblk_t *v[8];
  for (auto &m : v) m = make_msg("b");
  put_burst(a.wq(), v, 8);
  strdp_qstats st;
  strdp_qstats_get(a.wq(), &st);
  EXPECT_EQ(st.put_calls, 8u);
  strdp_qstats_get(sink.wq(), &st);
  EXPECT_EQ(st.put_calls, 8u);
  EXPECT_EQ(r.got.size(), 8u);
}

// A frame-aware queue that takes the first g_take frames of each burst
// (recording them) and leaves the rest: the framework must hand those to
// the same queue's message burst put, in order, as messages.
unsigned g_take = 0;
std::vector<std::string> g_frames;  // what the frame put took
int g_bursts = 0;                   // message burst put calls
unsigned take_putf(queue_t *, strdp_frame_t **f, unsigned n) {
  unsigned k = std::min(g_take, n);
  for (unsigned i = 0; i < k; ++i) {
    rte_mbuf *m = strdp_frame_mbuf(f[i]);
    g_frames.emplace_back(rte_pktmbuf_mtod(m, const char *), m->data_len);
    rte_pktmbuf_free(m);
  }
  return k;
}
void rec_putb(queue_t *q, mblk_t **mps, unsigned n) {
  ++g_bursts;
  for (unsigned i = 0; i < n; ++i) rec_put(q, mps[i]);
}
qinit qi_takef = {
  .qi_putp = rec_put,
  .qi_minfo = &mi,
  .qi_putbp = rec_putb,
  .qi_putfp = take_putf,
};

TEST(PutnextFrames, AFramePutTakesAPrefixAndTheRestArriveAsMessagesInOrder) {
  unsigned before = pool_in_use();
  for (unsigned take : {0u, 2u, 6u, 9u}) {
    SCOPED_TRACE("the frame put takes " + std::to_string(take));
    TestPair top(&qi_pass, &qi_pass), sink(&qi_takef, &qi_takef);
    link_pairs({&top, &sink});
    Recorder r;
    sink.wq()->q_ptr = &r;
    g_take = take;
    g_frames.clear();
    g_bursts = 0;
    strdp_frame_t *f[6];
    std::vector<std::string> all;
    for (int i = 0; i < 6; ++i) {
      all.push_back("frame " + std::to_string(i));
      f[i] = strdp_mbuf_frame(strdp_msg_to_mbuf(make_msg(all.back())));
    }
    putnext_frames(top.wq(), f, 6);
    unsigned k = std::min(take, 6u);
    EXPECT_EQ(g_frames, std::vector<std::string>(all.begin(), all.begin() + k));
    EXPECT_EQ(r.texts(), std::vector<std::string>(all.begin() + k, all.end()));
    EXPECT_EQ(g_bursts, k < 6 ? 1 : 0) << "the rest in one burst, none when all were taken";
    strdp_qstats st;
    strdp_qstats_get(sink.wq(), &st);
    EXPECT_EQ(st.put_calls, 6u) << "every frame counts once, as a frame or as a message";
  }
  EXPECT_EQ(pool_in_use(), before);
}

TEST(Putnext, AtTheEndOfAStreamTheMessageIsFreedAndCounted) {
  unsigned before = pool_in_use();
  TestPair p(&qi_pass, &qi_pass);
  EXPECT_EQ(putnext(p.wq(), make_msg("lost")), 0);
  mblk_t *v[3] = {make_msg("a"), make_msg("b"), make_msg("c")};
  putnext_burst(p.wq(), v, 3);
  strdp_qstats st;
  strdp_qstats_get(p.wq(), &st);
  EXPECT_EQ(st.drops[STRDP_DROP_NOQUEUE], 4u);
  EXPECT_EQ(pool_in_use(), before);
}

TEST(Putnext, MessagesFlowAroundAQueueWhoseProceduresAreOff) {
  TestPair top(&qi_pass, &qi_pass), mid(&qi_rec, &qi_rec), sink(&qi_rec, &qi_rec);
  link_pairs({&top, &mid, &sink});
  Recorder mid_rec, sink_rec;
  mid.wq()->q_ptr = &mid_rec;
  sink.wq()->q_ptr = &sink_rec;
  qprocsoff(mid.wq());
  putnext(top.wq(), make_msg("around"));
  mblk_t *v[2] = {make_msg("b1"), make_msg("b2")};
  putnext_burst(top.wq(), v, 2);
  EXPECT_TRUE(mid_rec.got.empty());
  EXPECT_EQ(sink_rec.texts(), (std::vector<std::string>{"around", "b1", "b2"}));
  qprocson(mid.wq());
  putnext(top.wq(), make_msg("stops"));
  EXPECT_EQ(mid_rec.texts(), std::vector<std::string>{"stops"});
}

TEST(Putnext, QreplyTurnsAround) {
  TestPair up(&qi_rec, &qi_rec), down(&qi_pass, &qi_pass);
  link_pairs({&up, &down});
  Recorder r;
  up.rq()->q_ptr = &r;
  qreply(down.wq(), make_msg("back"));
  EXPECT_EQ(r.texts(), std::vector<std::string>{"back"});
}

TEST(Putctl, ControlMessagesOfEveryForm) {
  TestPair up(&qi_pass, &qi_pass), down(&qi_rec, &qi_rec);
  link_pairs({&up, &down});
  Recorder r;
  down.wq()->q_ptr = &r;
  EXPECT_EQ(putnextctl(up.wq(), M_START), 1);
  EXPECT_EQ(putnextctl1(up.wq(), M_FLUSH, FLUSHRW), 1);
  EXPECT_EQ(putnextctl2(up.wq(), M_ERROR, EIO, NOERROR), 1);
  EXPECT_EQ(putctl1(down.wq(), M_FLUSH, FLUSHR), 1);
  EXPECT_EQ(putctl2(down.wq(), M_FLUSH, FLUSHR | FLUSHBAND, 3), 1);
  EXPECT_EQ(putctl(down.wq(), M_STOP), 1);
  EXPECT_EQ(putnextctl(up.wq(), M_DATA), 0) << "data types are refused";
  EXPECT_EQ(putctl1(down.wq(), M_PROTO, 1), 0);
  ASSERT_EQ(r.got.size(), 6u);
  EXPECT_EQ(r.got[0]->b_datap->db_type, M_START);
  EXPECT_EQ(MBLKL(r.got[0]), 0);
  EXPECT_EQ(r.got[1]->b_rptr[0], FLUSHRW);
  EXPECT_EQ(r.got[2]->b_rptr[0], EIO);
  EXPECT_EQ(r.got[2]->b_rptr[1], NOERROR);
  EXPECT_EQ(MBLKL(r.got[4]), 2);
  EXPECT_EQ(r.got[4]->b_rptr[1], 3);
}

}  // namespace
}  // namespace strdp::test
