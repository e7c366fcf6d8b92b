// The scheduler: service procedures run in enabling order, once per
// enable, never nested; requests from other threads reach the owner.
#include <thread>

#include "procs.h"

namespace strdp::test {
namespace {

module_info mi = {3, const_cast<char *>("sc"), 0, INFPSZ, 1 << 20, 0};

std::vector<int> g_order;
int order_srv(queue_t *q) {
  g_order.push_back(static_cast<int>(reinterpret_cast<intptr_t>(q->q_ptr)));
  return 0;
}
qinit qi_order = {.qi_putp = queue_put, .qi_srvp = order_srv, .qi_minfo = &mi};

TEST(Scheduler, ServicesRunInTheOrderTheyWereEnabled) {
  TestPair a(&qi_order, &qi_order), b(&qi_order, &qi_order), c(&qi_order, &qi_order);
  a.wq()->q_ptr = reinterpret_cast<void *>(1);
  b.wq()->q_ptr = reinterpret_cast<void *>(2);
  c.wq()->q_ptr = reinterpret_cast<void *>(3);
  g_order.clear();
  qenable(b.wq());
  qenable(c.wq());
  qenable(a.wq());
  qenable(b.wq());  // already enabled: no second run
  EXPECT_TRUE(b.wq()->q_flag & QENAB);
  drain();
  EXPECT_EQ(g_order, (std::vector<int>{2, 3, 1}));
  EXPECT_FALSE(b.wq()->q_flag & QENAB);
}

// A service procedure that re-enables itself and puts to itself: the
// re-run happens in a later pass, never inside the running one.
int self_srv(queue_t *q) {
  Recorder *r = rec(q);
  r->max_in_srv = std::max(r->max_in_srv, ++r->in_srv);
  ++r->srv_calls;
  if (r->srv_calls < 3) {
    putq(q, make_msg("again", M_PCPROTO));  // high priority: enables q
    qenable(q);
  }
  while (mblk_t *mp = getq(q)) freemsg(mp);
  --r->in_srv;
  return 0;
}
qinit qi_self = {.qi_putp = queue_put, .qi_srvp = self_srv, .qi_minfo = &mi};

TEST(Scheduler, AServiceProcedureNeverRunsNested) {
  Recorder r;
  TestPair p(&qi_self, &qi_self);
  p.wq()->q_ptr = &r;
  qenable(p.wq());
  EXPECT_EQ(strdp_sched_run(sched()), 1u) << "one pass runs it once";
  EXPECT_EQ(r.srv_calls, 1);
  drain();
  EXPECT_EQ(r.srv_calls, 3);
  EXPECT_EQ(r.max_in_srv, 1);
}

TEST(Scheduler, NoServiceWhileProceduresAreOff) {
  Recorder r;
  qinit qi = {.qi_putp = queue_put, .qi_srvp = count_srv, .qi_minfo = &mi};
  TestPair p(&qi, &qi);
  p.wq()->q_ptr = &r;
  qenable(p.wq());
  qprocsoff(p.wq());
  EXPECT_FALSE(p.wq()->q_flag & QENAB) << "qprocsoff takes it off the run list";
  qenable(p.wq());
  drain();
  EXPECT_EQ(r.srv_calls, 0);
  qprocson(p.wq());
  putq(p.wq(), make_msg("x", M_PCPROTO));
  drain();
  EXPECT_EQ(r.srv_calls, 1);
  flushq(p.wq(), FLUSHALL);
}

TEST(Scheduler, OtherThreadsPostToTheOwner) {
  Recorder r;
  qinit qi_rec = {.qi_putp = rec_put, .qi_srvp = count_srv, .qi_minfo = &mi};
  TestPair p(&qi_rec, &qi_rec);
  p.wq()->q_ptr = &r;
  std::thread t([&] {
    // This thread owns no scheduler: everything is forwarded.
    put(p.wq(), make_msg("put"));
    putq(p.wq(), make_msg("putq"));
    qenable(p.wq());
  });
  t.join();
  EXPECT_TRUE(r.got.empty()) << "nothing ran on the foreign thread";
  EXPECT_EQ(qsize(p.wq()), 0);
  drain();
  EXPECT_EQ(r.texts(), std::vector<std::string>{"put"});
  EXPECT_EQ(r.srv_calls, 1);
  EXPECT_EQ(qsize(p.wq()), 1);
  flushq(p.wq(), FLUSHALL);
}

TEST(Scheduler, ManyThreadsPostingLoseNothing) {
  Recorder r;
  qinit qi_rec = {.qi_putp = rec_put, .qi_minfo = &mi};
  TestPair p(&qi_rec, &qi_rec);
  p.wq()->q_ptr = &r;
  constexpr int kThreads = 4, kEach = 1500;  // more than the ring holds
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) put(p.wq(), make_msg(std::to_string(t * kEach + i)));
    });
  // The owner drains while they post (the ring is smaller than the total).
  while (r.got.size() < static_cast<size_t>(kThreads * kEach)) strdp_sched_run(sched());
  for (auto &t : ts) t.join();
  std::vector<int> last(kThreads, -1);
  for (mblk_t *m : r.got) {
    int v = std::stoi(msg_text(m));
    EXPECT_GT(v, last[v / kEach]) << "per-thread order kept";
    last[v / kEach] = v;
  }
}

// strdp_sched_notify: from another thread and from the owner's own,
// never run inside the caller, never waited for; a full ring says EAGAIN
// and posts nothing.
std::vector<std::pair<int, std::thread::id>> g_notified;
void note_fn(void *arg) {
  g_notified.emplace_back(static_cast<int>(reinterpret_cast<intptr_t>(arg)),
                          std::this_thread::get_id());
}

TEST(Scheduler, NotifyRunsLaterOnTheOwnerWithoutWaiting) {
  g_notified.clear();
  strdp_sched_t *s = sched();
  ASSERT_EQ(strdp_sched_notify(s, note_fn, reinterpret_cast<void *>(1)), 0);
  EXPECT_TRUE(g_notified.empty()) << "not run inside its caller";
  std::thread t([&] { EXPECT_EQ(strdp_sched_notify(s, note_fn, reinterpret_cast<void *>(2)), 0); });
  t.join();  // the poster did not wait for the owner
  EXPECT_TRUE(g_notified.empty());
  drain();
  ASSERT_EQ(g_notified.size(), 2u);
  EXPECT_EQ(g_notified[0].first, 1);
  EXPECT_EQ(g_notified[1].first, 2);
  for (auto &n : g_notified) EXPECT_EQ(n.second, std::this_thread::get_id());

  g_notified.clear();
  int posted = 0;
  while (strdp_sched_notify(s, note_fn, reinterpret_cast<void *>(3)) == 0) ++posted;
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_GT(posted, 0);
  drain();
  EXPECT_EQ(g_notified.size(), static_cast<size_t>(posted)) << "each posted one ran once";
  errno = 0;
  EXPECT_EQ(strdp_sched_notify(s, nullptr, nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
}

void writer_fn(queue_t *q, mblk_t *mp) { putq(q, mp); }

TEST(Scheduler, QwriterRunsAtOnceOnTheOwner) {
  qinit qi = {.qi_putp = rec_put, .qi_minfo = &mi};
  TestPair p(&qi, &qi);
  qwriter(p.wq(), make_msg("w"), writer_fn, PERIM_OUTER);
  EXPECT_EQ(qsize(p.wq()), 1);
  flushq(p.wq(), FLUSHALL);
}

}  // namespace
}  // namespace strdp::test
